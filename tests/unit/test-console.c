/* The XML console's pure parts: redaction at capture, the bounded ring, the
 * filter parser and matcher, the pretty printer. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmltok.h"
#include "xmpp/console.h"
#include "xmpp/raw.h"
#include "xmpp/xmlfmt.h"

static char *red(const char *xml)
{
	return console_redact(xml, strlen(xml));
}

static void expect_redacted(const char *xml, const char *secret, const char *keep)
{
	char *r = red(xml);

	cr_expect(strstr(r, secret) == NULL, "secret '%s' survived: %s", secret, r);
	cr_expect(strstr(r, "[redacted]") != NULL, "no mark: %s", r);
	if (keep != NULL)
		cr_expect(strstr(r, keep) != NULL, "'%s' lost: %s", keep, r);
	free(r);
}

/* base64("\0alice\0password") */
#define PLAIN_B64 "AGFsaWNlAHBhc3N3b3Jk"

Test(redact, sasl_plain_auth)
{
	expect_redacted(
	    "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"PLAIN\">" PLAIN_B64
	    "</auth>",
	    PLAIN_B64, "mechanism=\"PLAIN\"");
}

Test(redact, sasl_scram_exchange)
{
	expect_redacted("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
	                "mechanism='SCRAM-SHA-1'>biwsbj1hbGljZSxyPWFiY2Q=</auth>",
	                "biwsbj1hbGljZSxy", "SCRAM-SHA-1");
	expect_redacted(
	    "<challenge xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">cj1hYmNkZWYscz1zYWx0LGk9NDA5Ng=="
	    "</challenge>",
	    "cj1hYmNk", "<challenge");
	expect_redacted(
	    "<response xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">Yz1iaXdzLHI9YWJjZGVmLHA9cHJvb2Y="
	    "</response>",
	    "Yz1iaXdz", "</response>");
	expect_redacted(
	    "<success xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">dj1zaWduYXR1cmU=</success>",
	    "dj1zaWdu", "<success");
	expect_redacted(
	    "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>" PLAIN_B64
	    "</initial-response></authenticate>",
	    PLAIN_B64, NULL);
}

Test(redact, prefixed_sasl_elements)
{
	expect_redacted(
	    "<s:auth xmlns:s='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" PLAIN_B64
	    "</s:auth>",
	    PLAIN_B64, "</s:auth>");
}

Test(redact, passwords_in_register_and_legacy_auth)
{
	expect_redacted("<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>alice"
	                "</username><password>hunter2</password></query></iq>",
	                "hunter2", "<username>alice</username>");
	expect_redacted("<iq type='set' id='a1'><query xmlns='jabber:iq:auth'><username>alice"
	                "</username><digest>0123abcd</digest><resource>r</resource></query></iq>",
	                "0123abcd", "<resource>r</resource>");
	expect_redacted(
	    "<iq type='set'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' "
	    "type='submit'><field var='username'><value>alice</value></field><field "
	    "var='password' type='text-private'><value>s3cr3t</value></field></x></query></iq>",
	    "s3cr3t", "<value>alice</value>");
}

Test(redact, leaves_ordinary_stanzas_and_mechanism_lists_alone)
{
	const char *in[] = {
	    "<message to='bob@localhost' type='chat'><body>password: none here</body></message>",
	    "<stream:features><mechanisms xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"><mechanism>"
	    "PLAIN</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>",
	    "<?xml version=\"1.0\"?><stream:stream to=\"localhost\" xmlns=\"jabber:client\" "
	    "xmlns:stream=\"http://etherx.jabber.org/streams\" version=\"1.0\">",
	    "</stream:stream>",
	    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'/>",
	};

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *r = red(in[i]);

		cr_expect_str_eq(r, in[i]);
		free(r);
	}
}

Test(redact, unterminated_secret_is_dropped)
{
	char *r = red("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" PLAIN_B64 "<x");

	cr_expect(strstr(r, PLAIN_B64) == NULL && strstr(r, "<x") == NULL, "%s", r);
	free(r);
}

Test(ring, stays_within_its_caps_under_a_flood)
{
	struct console *c = console_new(NULL);
	char xml[128];

	for (int i = 0; i < 20000; i++) {
		snprintf(xml, sizeof(xml), "<presence from='bob@localhost/r' id='p%d'/>", i);
		console_capture(c, i % 2 ? CONSOLE_IN : CONSOLE_OUT, xml);
		cr_assert_leq(console_count(c), CONSOLE_DEFAULT_ENTRIES);
	}
	cr_expect_eq(console_count(c), CONSOLE_DEFAULT_ENTRIES);
	cr_expect(strstr(console_entry(c, CONSOLE_DEFAULT_ENTRIES - 1)->xml, "'p19999'") != NULL);
	cr_expect(strstr(console_entry(c, 0)->xml, "'p18000'") != NULL);
	cr_expect_eq(console_entry(c, 1)->seq, console_entry(c, 0)->seq + 1);

	console_set_cap(c, 100, 2000);
	cr_expect_leq(console_count(c), 100);
	cr_expect_leq(console_bytes(c), 2000);
	for (int i = 0; i < 20000; i++)
		console_capture(c, CONSOLE_IN, "<r xmlns='urn:xmpp:sm:3'/>");
	cr_expect_leq(console_count(c), 100);
	cr_expect_leq(console_bytes(c), 2000);
	console_free(c);
}

static bool has(struct console *c, const char *text)
{
	for (size_t i = 0; i < console_count(c); i++)
		if (strstr(console_entry(c, i)->xml, text) != NULL)
			return true;
	return false;
}

static void negotiate(struct console *c, const char *tag)
{
	char xml[128];

	console_connection_start(c);
	snprintf(xml, sizeof xml, "<stream:features id='%s'><starttls/></stream:features>", tag);
	console_capture(c, CONSOLE_IN, xml);
	snprintf(xml, sizeof xml, "<iq type='result' id='bind-%s'><bind/></iq>", tag);
	console_capture(c, CONSOLE_IN, xml);
	console_session_online(c);
}

Test(ring, keeps_the_negotiation_through_a_flood)
{
	struct console *c = console_new(NULL);
	char xml[128];

	console_set_cap(c, 100, 0);
	negotiate(c, "first");
	for (int i = 0; i < 5000; i++) {
		snprintf(xml, sizeof(xml), "<presence id='p%d'/>", i);
		console_capture(c, CONSOLE_IN, xml);
		cr_assert_leq(console_count(c), 100);
	}
	/* The negotiation first, then the newest 98, in order. */
	cr_expect(strstr(console_entry(c, 0)->xml, "features id='first'") != NULL);
	cr_expect(strstr(console_entry(c, 1)->xml, "bind-first") != NULL);
	cr_expect(strstr(console_entry(c, 2)->xml, "'p4902'") != NULL);
	cr_expect(strstr(console_entry(c, 99)->xml, "'p4999'") != NULL);
	for (size_t i = 1; i < console_count(c); i++)
		cr_expect_gt(console_entry(c, i)->seq, console_entry(c, i - 1)->seq);

	/* A new connection: its negotiation is kept, the old one ages out. */
	negotiate(c, "second");
	for (int i = 0; i < 500; i++)
		console_capture(c, CONSOLE_IN, "<presence/>");
	cr_expect(!has(c, "features id='first'"));
	cr_expect(has(c, "features id='second'") && has(c, "bind-second"));

	/* Never more than half the ring: a small ring still shows new ones. */
	console_set_cap(c, 10, 0);
	console_connection_start(c);
	for (int i = 0; i < 50; i++) {
		snprintf(xml, sizeof(xml), "<n id='%d'/>", i);
		console_capture(c, CONSOLE_IN, xml);
	}
	cr_expect(strstr(console_entry(c, 9)->xml, "id='49'") != NULL);
	cr_expect(strstr(console_entry(c, 0)->xml, "id='0'") != NULL);
	console_free(c);
}

Test(ring, a_huge_element_is_cut_and_blank_keepalives_skipped)
{
	struct console *c = console_new(NULL);
	size_t n = CONSOLE_ENTRY_MAX * 3;
	char *big = malloc(n + 1);

	memset(big, 'a', n);
	big[n] = '\0';
	console_capture(c, CONSOLE_IN, " \n");
	cr_expect_eq(console_count(c), 0);
	console_capture(c, CONSOLE_IN, big);
	cr_expect_eq(console_count(c), 1);
	cr_expect_lt(console_entry(c, 0)->len, CONSOLE_ENTRY_MAX + 100);
	free(big);
	console_free(c);
}

static struct console_entry entry(enum console_dir dir, const char *xml)
{
	struct console_entry e = {.dir = dir, .xml = (char *)xml, .len = strlen(xml)};

	return e;
}

Test(filter, parses_words_and_matches)
{
	struct console_filter f = {0};
	char *argv[] = {"in", "presence", "jid:bob@localhost"}, *err;
	struct console_entry p = entry(CONSOLE_IN, "<presence from='bob@localhost/x'/>");
	struct console_entry p2 = entry(CONSOLE_IN, "<presence from='bobby@localhost/x'/>");
	struct console_entry m = entry(CONSOLE_IN, "<message from='bob@localhost/x'/>");
	struct console_entry o = entry(CONSOLE_OUT, "<presence to='bob@localhost'/>");

	cr_assert_eq(console_filter_parse(&f, 3, argv, &err), 0);
	cr_expect(console_filter_match(&f, &p));
	cr_expect_not(console_filter_match(&f, &p2));
	cr_expect_not(console_filter_match(&f, &m));
	cr_expect_not(console_filter_match(&f, &o));
	{
		char *d = console_filter_describe(&f);

		cr_expect_str_eq(d, "in presence jid:bob@localhost");
		free(d);
	}
	/* No words: everything. */
	cr_assert_eq(console_filter_parse(&f, 0, NULL, &err), 0);
	cr_expect(console_filter_match(&f, &m) && console_filter_match(&f, &o));
	console_filter_clear(&f);
}

Test(filter, namespace_text_and_kinds)
{
	struct console_filter f = {0};
	char *a1[] = {"ns:urn:xmpp:ping"}, *a2[] = {"text:HELLO"}, *a3[] = {"iq", "other"};
	char *err;
	struct console_entry ping =
	    entry(CONSOLE_OUT, "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>");
	struct console_entry msg = entry(CONSOLE_IN, "<message><body>hello there</body></message>");
	struct console_entry feat = entry(CONSOLE_IN, "<stream:features/>");

	cr_assert_eq(console_filter_parse(&f, 1, a1, &err), 0);
	cr_expect(console_filter_match(&f, &ping));
	cr_expect_not(console_filter_match(&f, &msg));
	cr_assert_eq(console_filter_parse(&f, 1, a2, &err), 0);
	cr_expect(console_filter_match(&f, &msg));
	cr_expect_not(console_filter_match(&f, &ping));
	cr_assert_eq(console_filter_parse(&f, 2, a3, &err), 0);
	cr_expect(console_filter_match(&f, &ping) && console_filter_match(&f, &feat));
	cr_expect_not(console_filter_match(&f, &msg));
	console_filter_clear(&f);
}

Test(filter, rejects_unknown_words_and_keeps_the_old_filter)
{
	struct console_filter f = {0};
	char *ok[] = {"presence"}, *bad[] = {"presence", "bogus"}, *empty[] = {"jid:"};
	char *err = NULL;

	cr_assert_eq(console_filter_parse(&f, 1, ok, &err), 0);
	cr_expect_eq(console_filter_parse(&f, 2, bad, &err), -1);
	cr_assert_not_null(err);
	cr_expect(strstr(err, "bogus") != NULL, "%s", err);
	free(err);
	cr_expect_eq(f.kinds, CONSOLE_KIND_PRESENCE);
	cr_expect_eq(console_filter_parse(&f, 1, empty, &err), -1);
	free(err);
	console_filter_clear(&f);
}

static char *fmt_line(struct xf_doc *d, size_t i)
{
	cr_assert_lt(i, d->nlines);
	return xmlfmt_line_text(d, i);
}

static void expect_line(struct xf_doc *d, size_t i, const char *want)
{
	char *l = fmt_line(d, i);

	cr_expect_str_eq(l, want, "line %zu", i);
	free(l);
}

Test(xmlfmt, pretty_indents_and_keeps_text_inline)
{
	struct xf_doc d = {0};
	const char *x = "<message to='bob@localhost' type='chat'><body>hi there</body>"
	                "<active xmlns='http://jabber.org/protocol/chatstates'/></message>";

	xmlfmt_format(&d, x, strlen(x), false);
	cr_assert_eq(d.nlines, 4);
	expect_line(&d, 0, "<message to=\"bob@localhost\" type=\"chat\">");
	expect_line(&d, 1, "  <body>hi there</body>");
	expect_line(&d, 2, "  <active xmlns=\"http://jabber.org/protocol/chatstates\"/>");
	expect_line(&d, 3, "</message>");
	xmlfmt_free(&d);
}

Test(xmlfmt, pretty_keeps_line_breaks_of_text)
{
	struct xf_doc d = {0};
	const char *x = "<message><body>first line\nsecond line</body></message>";

	xmlfmt_format(&d, x, strlen(x), false);
	cr_assert_eq(d.nlines, 6);
	expect_line(&d, 1, "  <body>");
	expect_line(&d, 2, "    first line");
	expect_line(&d, 3, "    second line");
	expect_line(&d, 4, "  </body>");
	xmlfmt_free(&d);
}

Test(xmlfmt, spans_colour_names_attributes_values_and_dim_namespaces)
{
	struct xf_doc d = {0};
	const char *x = "<iq type='get' xmlns:foo='urn:x'>t</iq>";
	bool seen[XF_OTHER + 1] = {false};

	xmlfmt_format(&d, x, strlen(x), false);
	for (size_t i = 0; i < d.nspans; i++) {
		const char *s = d.text + d.spans[i].off;

		seen[d.spans[i].kind] = true;
		if (d.spans[i].kind == XF_ATTR)
			cr_expect(strncmp(s, "type", 4) == 0);
		if (d.spans[i].kind == XF_VALUE)
			cr_expect(strncmp(s, "get", 3) == 0);
		if (strncmp(s, "urn:x", 5) == 0 || strncmp(s, "xmlns:foo", 9) == 0)
			cr_expect_eq(d.spans[i].kind, XF_NS);
	}
	cr_expect(seen[XF_ELEMENT] && seen[XF_ATTR] && seen[XF_VALUE] && seen[XF_TEXT] &&
	          seen[XF_NS]);
	xmlfmt_free(&d);
}

Test(xmlfmt, compact_is_one_line_and_controls_are_neutralised)
{
	struct xf_doc d = {0};
	const char *x = "<message>\n  <body>\x1b[2J evil</body>\n</message>";
	char *l;

	xmlfmt_format(&d, x, strlen(x), true);
	cr_assert_eq(d.nlines, 1);
	l = fmt_line(&d, 0);
	cr_expect_str_eq(l, "<message><body>^[[2J evil</body></message>");
	cr_expect(strchr(l, '\x1b') == NULL);
	free(l);
	xmlfmt_free(&d);
}

Test(raw, parser_errors_carry_message_and_position)
{
	char *e;

	cr_expect_null(raw_check("<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>"));
	e = raw_check("<iq type='get'>\n<ping></iq>");
	cr_assert_not_null(e);
	cr_expect(strstr(e, "line 2") != NULL && strstr(e, "column") != NULL, "%s", e);
	cr_expect(strstr(e, "mismatched tag") != NULL, "%s", e);
	free(e);
	e = raw_check("<a/><b/>");
	cr_assert_not_null(e);
	free(e);
	e = raw_check("<x:a/>");
	cr_assert_not_null(e, "an unbound prefix must be refused");
	free(e);
	e = raw_check("");
	cr_assert_not_null(e);
	free(e);
}

Test(raw, an_element_begun_is_incomplete_not_malformed)
{
	char *e;

	cr_expect_eq(raw_parse("<iq type='get'>", &e), 1);
	cr_expect_null(e);
	cr_expect_eq(raw_parse("<iq type='get'>\n<ping xmlns='urn:xmpp:ping'/>", &e), 1);
	cr_expect_eq(raw_parse("<iq type='get'>\n<ping xmlns='urn:xmpp:ping'/>\n</iq>", &e), 0);
	cr_expect_eq(raw_parse("<iq type='get'>\n</message>", &e), -1);
	cr_assert_not_null(e);
	cr_expect(strstr(e, "line 2") != NULL, "%s", e);
	free(e);
	cr_expect_eq(raw_parse("<a/><b/>", &e), -1);
	free(e);
}

Test(xmltok, attributes_with_either_quote)
{
	const char *x = "<a b='1 \"2\"' c=\"x'y\"/>";
	const char *pos = x, *v;
	struct xt_tok t;
	size_t n;

	cr_assert(xmltok_next(&pos, x + strlen(x), &t));
	cr_expect_eq(t.type, XT_EMPTY);
	cr_assert(xmltok_get_attr(&t, "b", &v, &n));
	cr_expect_eq(n, 5);
	cr_assert(xmltok_get_attr(&t, "c", &v, &n));
	cr_expect(n == 3 && strncmp(v, "x'y", 3) == 0);
}
