/* The stanza helpers: a server's stream error turned into one line fit to
 * show, whatever the server put in it. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "xmpp/stanza.h"

static xmpp_ctx_t *ctx;

static void setup(void)
{
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
}

static void teardown(void)
{
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
}

TestSuite(stanza, .init = setup, .fini = teardown);

/* se as libstrophe fills it: the element, and the text of its <text/>. */
static char *line_for(const char *xml, const char *text)
{
	xmpp_stream_error_t se = {.type = XMPP_SE_UNDEFINED_CONDITION, .text = (char *)text};
	char *out;

	se.stanza = xml != NULL ? xmpp_stanza_new_from_string(ctx, xml) : NULL;
	if (xml != NULL)
		cr_assert_not_null(se.stanza, "libstrophe did not parse %s", xml);
	out = stanza_stream_error_text(&se);
	if (se.stanza != NULL)
		xmpp_stanza_release(se.stanza);
	return out;
}

#define NS "urn:ietf:params:xml:ns:xmpp-streams"

Test(stanza, stream_error_gives_condition_and_text)
{
	char *s = line_for("<error><conflict xmlns='" NS "'/><text xmlns='" NS
	                   "'>Replaced</text></error>",
	                   "Replaced");

	cr_expect_str_eq(s, "conflict: Replaced");
	free(s);
}

Test(stanza, condition_found_after_the_text_and_alone)
{
	char *a = line_for("<error><text xmlns='" NS "'>bye</text><system-shutdown xmlns='" NS
	                   "'/></error>",
	                   "bye");
	char *b = line_for("<error><host-gone xmlns='" NS "'/></error>", NULL);

	cr_expect_str_eq(a, "system-shutdown: bye");
	cr_expect_str_eq(b, "host-gone");
	free(a);
	free(b);
}

Test(stanza, empty_or_missing_error_is_undefined_condition)
{
	char *a = line_for("<error/>", NULL);
	char *b = line_for(NULL, NULL);

	cr_expect_str_eq(a, "undefined-condition");
	cr_expect_str_eq(b, "undefined-condition");
	free(a);
	free(b);
}

Test(stanza, hostile_text_is_made_visible)
{
	char *s = line_for("<error><policy-violation xmlns='" NS "'/></error>", "a\x1b[2J\xc2\x9b"
	                                                                        "b\xe2\x80\xae"
	                                                                        "c\r\x07");

	cr_expect(strchr(s, '\x1b') == NULL && strchr(s, '\r') == NULL && strchr(s, '\a') == NULL,
	          "a control character passed: %s", s);
	cr_expect(strstr(s, "\xc2\x9b") == NULL && strstr(s, "\xe2\x80\xae") == NULL,
	          "CSI or a bidi override passed: %s", s);
	cr_expect(strstr(s, "policy-violation: a^[[2J") != NULL, "%s", s);
	free(s);
}

Test(stanza, long_text_is_cut_between_characters)
{
	char text[4000];
	char *s;

	/* 3-byte characters, so that a cut at a fixed byte count would fall
	 * inside one. */
	for (size_t i = 0; i + 3 < sizeof text; i += 3)
		memcpy(text + i, "\xe4\xbd\xa0", 3);
	text[sizeof text - 1 - (sizeof text - 1) % 3] = '\0';
	s = line_for("<error><conflict xmlns='" NS "'/></error>", text);
	cr_expect_leq(strlen(s), 400, "%zu bytes", strlen(s));
	cr_expect(strstr(s, "\xef\xbf\xbd") == NULL, "a character was cut in two: %s", s);
	free(s);
}

/* ---- stanza errors: build, the exact XML, parse back, equal ------------- */

static char *xml_of(xmpp_stanza_t *st)
{
	char *xml, *out;
	size_t len;

	cr_assert_eq(xmpp_stanza_to_text(st, &xml, &len), 0);
	out = strdup(xml);
	xmpp_free(ctx, xml);
	return out;
}

static xmpp_stanza_t *parse(const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);

	cr_assert_not_null(st, "libstrophe did not parse %s", xml);
	return st;
}

#define STZ "urn:ietf:params:xml:ns:xmpp-stanzas"

Test(stanza, error_builds_parses_back_equal)
{
	struct stanza_error in = {.type = "modify",
	                          .condition = "bad-request",
	                          .text = "no <sid/> & no luck",
	                          .app_condition = "no-valid-streams",
	                          .app_ns = "http://jabber.org/protocol/si"},
	                    out;
	xmpp_stanza_t *st = stanza_error_new(ctx, "iq", "bob@example.org/x", "id1", &in), *back;
	char *xml = xml_of(st);

	cr_expect_str_eq(xml, "<iq id=\"id1\" to=\"bob@example.org/x\" type=\"error\"><error "
	                      "type=\"modify\"><bad-request xmlns=\"" STZ "\"/><text xmlns=\"" STZ
	                      "\">no &lt;sid/&gt; &amp; no luck</text><no-valid-streams "
	                      "xmlns=\"http://jabber.org/protocol/si\"/></error></iq>");
	back = parse(xml);
	cr_assert(stanza_error_parse(back, &out));
	cr_expect_str_eq(out.type, in.type);
	cr_expect_str_eq(out.condition, in.condition);
	cr_expect_str_eq(out.text, in.text);
	cr_expect_str_eq(out.app_condition, in.app_condition);
	cr_expect_str_eq(out.app_ns, in.app_ns);
	stanza_error_clear(&out);
	cr_expect_str_eq(stanza_error_condition(back), "bad-request");
	free(xml);
	xmpp_stanza_release(back);
	xmpp_stanza_release(st);
}

/* libstrophe's xmpp_stanza_reply_error returns NULL here: the server's own
 * iqs often come without from. The reply then goes without to. */
Test(stanza, error_reply_to_a_request_without_from)
{
	xmpp_stanza_t *req = parse("<iq type='get' id='s1'><query xmlns='urn:x'/></iq>");
	struct stanza_error e = {.type = "cancel", .condition = "service-unavailable"};
	xmpp_stanza_t *r = stanza_error_reply(req, &e);
	char *xml;

	cr_expect_null(xmpp_stanza_reply_error(req, "cancel", "service-unavailable", NULL));
	cr_assert_not_null(r);
	xml = xml_of(r);
	cr_expect_str_eq(xml,
	                 "<iq id=\"s1\" type=\"error\"><error type=\"cancel\"><service-unavailable "
	                 "xmlns=\"" STZ "\"/></error></iq>");
	free(xml);
	xmpp_stanza_release(r);
	xmpp_stanza_release(req);
}

/* Only name, id and the sender: nothing else a peer put on its request is
 * echoed back. */
Test(stanza, error_reply_keeps_name_and_id_only)
{
	xmpp_stanza_t *req = parse("<message type='chat' id='m1' from='eve@example.org/r' "
	                           "to='me@example.org' evil='x'><body>hi</body></message>");
	struct stanza_error e = {.type = "cancel", .condition = "forbidden"};
	xmpp_stanza_t *r = stanza_error_reply(req, &e);
	char *xml = xml_of(r);

	cr_expect_str_eq(xml, "<message id=\"m1\" to=\"eve@example.org/r\" type=\"error\"><error "
	                      "type=\"cancel\"><forbidden xmlns=\"" STZ "\"/></error></message>");
	free(xml);
	xmpp_stanza_release(r);
	xmpp_stanza_release(req);
}

Test(stanza, error_parse_takes_the_first_condition_and_text)
{
	xmpp_stanza_t *st =
	    parse("<iq type='error' id='a'><error type='wait'><text xmlns='" STZ
	          "'>one</text><resource-constraint xmlns='" STZ "'/><conflict xmlns='" STZ
	          "'/><text xmlns='" STZ "'>two</text></error></iq>");
	struct stanza_error e;

	cr_assert(stanza_error_parse(st, &e));
	cr_expect_str_eq(e.type, "wait");
	cr_expect_str_eq(e.condition, "resource-constraint");
	cr_expect_str_eq(e.text, "one");
	cr_expect_null(e.app_condition);
	stanza_error_clear(&e);
	xmpp_stanza_release(st);
}

Test(stanza, error_parse_without_error_or_condition)
{
	xmpp_stanza_t *none = parse("<iq type='error' id='a'/>");
	xmpp_stanza_t *empty = parse("<iq type='error' id='b'><error type='cancel'/></iq>");
	xmpp_stanza_t *bare =
	    parse("<iq type='error' id='c'><error><item-not-found/></error></iq>");
	struct stanza_error e;

	cr_expect_not(stanza_error_parse(none, &e));
	cr_expect_str_eq(e.condition, "undefined-condition");
	cr_expect_null(e.type);
	cr_expect_null(e.text);
	cr_expect(stanza_error_parse(empty, &e));
	cr_expect_str_eq(e.condition, "undefined-condition");
	cr_expect_str_eq(e.type, "cancel");
	/* A condition that lost its namespace is still shown. */
	cr_expect_str_eq(stanza_error_condition(bare), "item-not-found");
	xmpp_stanza_release(none);
	xmpp_stanza_release(empty);
	xmpp_stanza_release(bare);
}
