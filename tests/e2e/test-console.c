/* The XML console seen through the batch mode (--xml, --xml-log) against a
 * real Prosody: the stream negotiation is recorded from the TCP connect on,
 * secrets are redacted everywhere, /raw sends a ping and reports its answer,
 * malformed /raw is refused with nothing sent. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../harness/harness.h"

static struct prosody srv;
static struct jproc *alice;
static char log_path[HARNESS_PATH_MAX + 32];

/* base64("\0alice\0password"): the SASL PLAIN message */
#define PLAIN_B64 "AGFsaWNlAHBhc3N3b3Jk"
/* base64 prefixes of SCRAM's client-first ("n,,n=alice,r=") and client-final
 * ("c=biws,r=") messages */
#define SCRAM_FIRST_B64 "biwsbj1hbGljZSxy"
#define SCRAM_FINAL_B64 "Yz1iaXdzLHI9"

static void setup(void)
{
	const char *users[] = {"alice:password", "bob:builder", NULL};
	const char *args[] = {"--xml", "--xml-log", log_path, NULL};

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	snprintf(log_path, sizeof(log_path), "%s/xml.log", srv.dir);
	alice = jproc_login(&srv, "alice", "password", args);
	cr_assert_not_null(alice);
}

static void teardown(void)
{
	jproc_free(alice);
	alice = NULL;
	prosody_stop(&srv);
}

TestSuite(console, .init = setup, .fini = teardown, .timeout = 120);

/* An xml event in direction dir whose decoded xml contains text. */
static char *seen_xml(const char *dir, const char *text)
{
	for (size_t i = 0; i < jproc_nlines(alice); i++) {
		const char *l = jproc_line(alice, i);
		char *x;

		if (!json_field_is(l, "event", "xml") || !json_field_is(l, "dir", dir))
			continue;
		x = json_field(l, "xml");
		if (x != NULL && strstr(x, text) != NULL)
			return x;
		free(x);
	}
	return NULL;
}

static void expect_xml(const char *dir, const char *text)
{
	char *x = seen_xml(dir, text);

	cr_expect_not_null(x, "no %s element with '%s'", dir, text);
	free(x);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static void expect_no_secret(const char *where, const char *text)
{
	const char *secrets[] = {"password", PLAIN_B64, SCRAM_FIRST_B64, SCRAM_FINAL_B64};

	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		cr_expect(strstr(text, secrets[i]) == NULL, "%s holds '%s'", where, secrets[i]);
}

Test(console, records_the_negotiation_and_redacts_every_secret)
{
	char *log, *x, *err;
	struct stat st;

	jproc_drain(alice);
	expect_xml("out", "<stream:stream");
	/* as Prosody wrote them */
	expect_xml("in", "<stream:features><starttls");
	expect_xml("in", "<mechanism>PLAIN</mechanism>");
	expect_xml("out", "<starttls");
	expect_xml("in", "<proceed");
	expect_xml("out", "<bind");
	expect_xml("in", "<jid>alice@localhost/");
	x = seen_xml("out", "<auth");
	cr_assert_not_null(x, "no auth element");
	cr_expect(strstr(x, ">[redacted]</auth>") != NULL, "auth not redacted: %s", x);
	free(x);
	x = seen_xml("in", "<success");
	cr_assert_not_null(x, "no success element");
	cr_expect(strstr(x, "[redacted]") != NULL || strstr(x, "/>") != NULL, "%s", x);
	free(x);

	for (size_t i = 0; i < jproc_nlines(alice); i++)
		expect_no_secret("a batch event", jproc_line(alice, i));
	err = jproc_stderr(alice);
	expect_no_secret("stderr", err);
	free(err);

	cr_assert_eq(stat(log_path, &st), 0, "no log file");
	cr_expect_eq(st.st_mode & 0777, 0600, "log mode %o", st.st_mode & 0777);
	log = slurp(log_path);
	cr_expect(strstr(log, "<starttls") != NULL && strstr(log, "[redacted]") != NULL,
	          "the log lacks the negotiation");
	expect_no_secret("the log", log);
	free(log);
}

/* What was received is shown as it was written (libstrophe's parser drops
 * xml:lang's prefix and the header's namespace declarations): every
 * header Prosody sent, before and after TLS, declares both namespaces. */
Test(console, received_elements_are_shown_as_on_the_wire)
{
	size_t headers = 0;

	jproc_drain(alice);
	for (size_t i = 0; i < jproc_nlines(alice); i++) {
		const char *l = jproc_line(alice, i);
		char *x;

		if (!json_field_is(l, "event", "xml") || !json_field_is(l, "dir", "in"))
			continue;
		x = json_field(l, "xml");
		cr_assert_not_null(x);
		if (strstr(x, "<stream:stream") == x) {
			headers++;
			cr_expect(strstr(x, "xml:lang=") != NULL, "no xml:lang: %s", x);
			cr_expect(strstr(x, " lang=") == NULL, "lang without its prefix: %s", x);
			cr_expect(strstr(x, "xmlns='jabber:client'") != NULL ||
			              strstr(x, "xmlns=\"jabber:client\"") != NULL,
			          "no default namespace: %s", x);
			cr_expect(strstr(x, "xmlns:stream=") != NULL, "no stream prefix: %s", x);
		}
		free(x);
	}
	/* the stream, the one after STARTTLS, the one after SASL */
	cr_expect_eq(headers, 3, "%zu stream headers received", headers);
}

Test(console, raw_ping_reports_its_answer)
{
	const char *line;
	char *x;

	cr_assert(jproc_send(alice, "/raw <iq type='get' to='localhost'><ping "
	                            "xmlns='urn:xmpp:ping'/></iq>"));
	line = jproc_expect(alice, "raw-result", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "type", "result"), "%s", line);
	x = json_field(line, "id");
	cr_assert(x != NULL && x[0] != '\0', "no id: %s", line);
	{
		char want[256];
		char *sent;

		/* The id jabiru gave the iq went out with it. */
		snprintf(want, sizeof(want), "id=\"%s\"", x);
		sent = seen_xml("out", want);
		cr_expect(sent != NULL && strstr(sent, "urn:xmpp:ping") != NULL, "sent: %s",
		          sent ? sent : "(none)");
		free(sent);
	}
	free(x);
}

Test(console, malformed_raw_is_refused_and_nothing_is_sent)
{
	const char *line;
	char *text, *x;

	cr_assert(jproc_send(alice, "/raw <iq type='get' id='bad1'><ping></iq>"));
	line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "code", "malformed-xml"), "%s", line);
	text = json_field(line, "text");
	cr_expect(text != NULL && strstr(text, "line 1, column") != NULL &&
	              strstr(text, "mismatched tag") != NULL,
	          "%s", line);
	free(text);

	/* A good request after it: once its answer is back, anything the bad
	 * line had sent would have been recorded before. */
	cr_assert(jproc_send(alice, "/raw <iq type='get' id='good1' to='localhost'><ping "
	                            "xmlns='urn:xmpp:ping'/></iq>"));
	cr_assert_not_null(
	    jproc_expect_field(alice, "raw-result", "id", "good1", HARNESS_TIMEOUT_MS));
	x = seen_xml("out", "bad1");
	cr_expect_null(x, "the malformed element went out: %s", x);
	free(x);
	expect_xml("out", "good1");
}

Test(console, raw_element_over_several_lines)
{
	const char *line;
	char *x;

	cr_assert(jproc_send(alice, "/raw <iq type='get' to='localhost' id='multi1'>"));
	cr_assert_not_null(jproc_expect(alice, "info", "not complete", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(alice, "  <ping xmlns='urn:xmpp:ping'/>"));
	cr_assert(jproc_send(alice, "</iq>"));
	line = jproc_expect_field(alice, "raw-result", "id", "multi1", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "type", "result"), "%s", line);

	/* Begun, then cancelled by an empty line: nothing goes out. */
	cr_assert(jproc_send(alice, "/raw <message to='bob@localhost' id='cancelled1'>"));
	cr_assert(jproc_send(alice, ""));
	cr_assert_not_null(jproc_expect(alice, "info", "cancelled", HARNESS_TIMEOUT_MS));
	/* Commands work again, and a ping's answer flushes what went before. */
	cr_assert(jproc_send(alice, "/raw <iq type='get' id='after1' to='localhost'><ping "
	                            "xmlns='urn:xmpp:ping'/></iq>"));
	cr_assert_not_null(
	    jproc_expect_field(alice, "raw-result", "id", "after1", HARNESS_TIMEOUT_MS));
	x = seen_xml("out", "cancelled1");
	cr_expect_null(x, "a cancelled element went out: %s", x);
	free(x);
}

Test(console, a_flood_of_stanzas_is_recorded_and_the_session_stays_usable)
{
	struct jproc *bob = jproc_login(&srv, "bob", "builder", NULL);

	cr_assert_not_null(bob);
	for (int i = 0; i < 300; i++)
		cr_assert(jproc_sendf(bob, "/msg alice@localhost flood %d", i));
	cr_assert_not_null(
	    jproc_expect_field(alice, "message", "body", "flood 299", HARNESS_TIMEOUT_MS));
	expect_xml("in", "flood 299");
	jproc_free(bob);
}

/* A log file that cannot be opened stops jabiru at once with a clear line,
 * before any connection. */
Test(console_log, unwritable_xml_log_is_a_clear_error)
{
	const char *args[] = {"--batch", "--xml-log", "/nonexistent-dir/xml.log", NULL};
	struct jproc *j = jproc_spawn("badlog", args, NULL);
	char *err;

	cr_assert_not_null(j);
	jproc_close_stdin(j);
	cr_expect_eq(jproc_wait_exit(j, HARNESS_TIMEOUT_MS), 1);
	err = jproc_stderr(j);
	cr_expect(err != NULL &&
	              strstr(err, "cannot open the XML log /nonexistent-dir/xml.log") != NULL,
	          "stderr: %s", err ? err : "(none)");
	free(err);
	jproc_free(j);
}
