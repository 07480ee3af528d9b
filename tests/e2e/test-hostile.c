/* A server that misbehaves: malformed XML, a stream cut in the middle of a
 * stanza, a login or a session that stalls, a roster that never comes, a
 * stream error with hostile text. The faults come from a scripted fake
 * server (tests/harness/fake-xmpp), since Prosody will not produce them;
 * what jabiru does afterwards (connect again, ping) is checked against the
 * real Prosody where it matters. Each test asserts the events a user sees:
 * one clear error or disconnection, nothing half-received delivered, and a
 * jabiru that still takes commands. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/fakeserver.h"
#include "../harness/harness.h"

#define PASSWORD "Pa55-hostile"

static struct fakeserver fake;
static struct prosody srv;
static struct jproc *alice;
static char config[HARNESS_PATH_MAX];
static bool finished; /* the test reached its end: no log to show */

static void teardown(void)
{
	if (!finished)
		fakeserver_dump_log(&fake);
	finished = false;
	jproc_free(alice);
	alice = NULL;
	fakeserver_stop(&fake);
	prosody_stop(&srv);
}

TestSuite(hostile, .fini = teardown, .timeout = 120);

/* jabiru for the running fake server, configured with settings
 * (NULL-terminated "name = value" lines, may be NULL). autoconnect: log in
 * at start (--jid), else wait for /connect. */
static void start_jabiru(const char *const *settings, bool autoconnect)
{
	char port[16];
	const char *manual[] = {"--batch",   "--config", config, "--server",
	                        "127.0.0.1", "--port",   port,   NULL};
	const char *env[] = {"JABIRU_PASSWORD=" PASSWORD, NULL};

	cr_assert(fakeserver_config(&fake, settings, config, sizeof config));
	snprintf(port, sizeof port, "%d", fake.port);
	alice = autoconnect ? fakeserver_jabiru(&fake, "alice", PASSWORD, config)
	                    : jproc_spawn("alice", manual, env);
	cr_assert_not_null(alice);
}

/* The fake server with options args, and jabiru as start_jabiru. */
static void start(const char *const *args, const char *const *settings, bool autoconnect)
{
	cr_assert(fakeserver_start(&fake, args), "the fake server did not start");
	start_jabiru(settings, autoconnect);
}

static void expect_connected(void)
{
	cr_assert_not_null(jproc_expect(alice, "connected", NULL, HARNESS_TIMEOUT_MS),
	                   "jabiru did not log in");
}

/* After the fault: jabiru still takes commands and logs in again (the fake
 * server serves its second connection normally), and a message makes the
 * round trip (the fake server echoes it). */
static void expect_usable_again(void)
{
	const char *line;

	cr_assert(jproc_send(alice, "/connect alice@localhost"), "jabiru is gone");
	line = jproc_expect(alice, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no second login");
	cr_assert(jproc_send(alice, "/msg bob@localhost still here"));
	cr_assert_not_null(
	    jproc_expect_field(alice, "message", "body", "still here", HARNESS_TIMEOUT_MS),
	    "no message after the second login");
}

static void expect_clean_exit(void)
{
	jproc_close_stdin(alice);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0,
	             "end of input should exit 0, not crash");
	finished = true;
}

/* One disconnected event so far, not after a login failure; returns its
 * reason (malloc'd). */
static char *expect_one_disconnect(void)
{
	const char *line = jproc_expect(alice, "disconnected", NULL, HARNESS_TIMEOUT_MS);
	size_t n = 0;

	cr_assert_not_null(line, "no disconnected event");
	cr_expect(json_field_is(line, "login_failed", "false"), "%s", line);
	for (size_t i = 0; i < jproc_nlines(alice); i++)
		if (strstr(jproc_line(alice, i), "\"event\":\"disconnected\"") != NULL)
			n++;
	cr_expect_eq(n, 1, "expected one disconnected event, saw %zu", n);
	return json_field(line, "reason");
}

Test(hostile, malformed_xml_after_login_disconnects_and_prosody_still_works)
{
	const char *args[] = {"--script", "wait:presence", "--script",
	                      "send:<message from='bob@localhost/x' type='chat'><body>a</bodyx>",
	                      NULL};
	const char *users[] = {"alice:" PASSWORD, "bob:" PASSWORD, NULL};
	char *reason;

	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	start(args, NULL, true);
	expect_connected();
	reason = expect_one_disconnect();
	cr_assert_not_null(reason);
	cr_expect(reason[0] != '\0', "a disconnection without a reason");
	free(reason);
	cr_expect_null(jproc_seen(alice, "message", NULL), "a malformed message was delivered");

	/* Usable: a real server this time. */
	cr_assert(jproc_sendf(alice, "/set ca_file %s", srv.ca_file));
	cr_assert(jproc_sendf(alice, "/connect alice@localhost 127.0.0.1 %d", srv.c2s_port));
	cr_assert_not_null(jproc_expect(alice, "connected", NULL, HARNESS_TIMEOUT_MS),
	                   "no login to Prosody after the malformed stream");
	cr_assert_not_null(jproc_expect(alice, "roster-loaded", NULL, HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(alice, "/msg alice@localhost to myself"));
	cr_assert_not_null(
	    jproc_expect_field(alice, "message", "body", "to myself", HARNESS_TIMEOUT_MS),
	    "no message through Prosody");
	expect_clean_exit();
}

Test(hostile, stream_cut_inside_a_message_delivers_nothing_of_it)
{
	const char *args[] = {"--script",
	                      "wait:presence",
	                      "--script",
	                      "send:<message from='bob@localhost/x' type='chat' id='half'>"
	                      "<body>half a mess",
	                      "--script",
	                      "cut",
	                      NULL};
	char *reason;

	start(args, NULL, true);
	expect_connected();
	reason = expect_one_disconnect();
	cr_assert_not_null(reason);
	cr_expect(reason[0] != '\0', "a disconnection without a reason");
	free(reason);
	expect_usable_again();
	cr_expect_null(jproc_seen(alice, "message", "half a mess"),
	               "the half message was delivered: %s",
	               jproc_seen(alice, "message", "half a mess"));
	expect_clean_exit();
}

/* The login deadline is connect.timeout; a short one here. */
static void login_stall(const char *step)
{
	const char *args[] = {"--stall-at", step, NULL};
	const char *settings[] = {"connect.timeout = 2", NULL};
	const char *line;
	char *text;

	start(args, settings, false);
	cr_assert(jproc_send(alice, "/connect alice@localhost"));
	line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no error for a stalled login");
	cr_expect(json_field_is(line, "code", "connect-timeout"), "%s", line);
	text = json_field(line, "text");
	cr_assert_not_null(text);
	cr_expect(strstr(text, "2 seconds") != NULL && strstr(text, "connect.timeout") != NULL,
	          "the line should say how long and which setting: %s", text);
	free(text);
	line = jproc_expect(alice, "disconnected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "login_failed", "true"), "%s", line);
	cr_expect_null(jproc_seen(alice, "connected", NULL), "logged in through a stall");
	/* One line for one failure. */
	jproc_drain(alice);
	for (size_t i = 0, n = 0; i < jproc_nlines(alice); i++)
		if (strstr(jproc_line(alice, i), "\"event\":\"error\"") != NULL)
			cr_expect_lt(++n, 2, "a second error: %s", jproc_line(alice, i));
	expect_usable_again();
	expect_clean_exit();
}

Test(hostile, login_stalled_after_the_features_times_out)
{
	login_stall("features");
}

Test(hostile, login_stalled_after_auth_times_out)
{
	login_stall("auth");
}

Test(hostile, login_stalled_before_the_stream_header_times_out)
{
	login_stall("header");
}

Test(hostile, login_stalled_at_bind_times_out)
{
	login_stall("bind");
}

Test(hostile, session_stalled_after_login_is_declared_lost_by_the_ping)
{
	const char *args[] = {"--stall-at", "online", NULL};
	const char *settings[] = {"connect.ping_interval = 1", "connect.ping_timeout = 1",
	                          "connect.roster_timeout = 60", NULL};
	char *reason;

	start(args, settings, true);
	expect_connected();
	reason = expect_one_disconnect();
	cr_assert_not_null(reason);
	cr_expect(strstr(reason, "did not answer") != NULL, "reason: %s", reason);
	free(reason);
	expect_usable_again();
	expect_clean_exit();
}

Test(hostile, roster_never_answered_warns_and_messages_still_work)
{
	const char *args[] = {"--no-roster", NULL};
	const char *settings[] = {"connect.roster_timeout = 1", NULL};
	const char *line;

	start(args, settings, true);
	expect_connected();
	line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no warning for the missing roster");
	cr_expect(json_field_is(line, "code", "roster-timeout"), "%s", line);
	cr_expect(strstr(line, "connect.roster_timeout") != NULL, "%s", line);
	cr_assert(jproc_send(alice, "/msg bob@localhost without a roster"));
	cr_assert_not_null(
	    jproc_expect_field(alice, "message", "body", "without a roster", HARNESS_TIMEOUT_MS),
	    "no message without a roster");
	cr_expect_null(jproc_seen(alice, "disconnected", NULL), "the session ended");
	expect_clean_exit();
}

/* C1 CSI (U+009B), a bidi override (U+202E) and a carriage return: all
 * legal in XML, none fit for a terminal. */
#define HOSTILE_TEXT "bad\\xc2\\x9b2J\\xe2\\x80\\xaeevil&#13;end"

static void expect_sanitised(const char *text)
{
	cr_expect(strstr(text, "policy-violation") != NULL, "no condition: %s", text);
	cr_expect(strstr(text, "bad") != NULL && strstr(text, "end") != NULL, "no text: %s", text);
	cr_expect(strstr(text, "\xc2\x9b") == NULL, "raw CSI passed: %s", text);
	cr_expect(strstr(text, "\xe2\x80\xae") == NULL, "raw bidi override passed: %s", text);
	cr_expect(strchr(text, '\r') == NULL, "raw carriage return passed: %s", text);
}

Test(hostile, stream_error_text_reaches_the_user_sanitised)
{
	const char *args[] = {"--script", "wait:presence", "--script",
	                      "send:<stream:error><policy-violation "
	                      "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
	                      "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>" HOSTILE_TEXT
	                      "</text></stream:error></stream:stream>",
	                      NULL};
	char *reason;

	start(args, NULL, true);
	expect_connected();
	reason = expect_one_disconnect();
	cr_assert_not_null(reason);
	expect_sanitised(reason);
	free(reason);
	expect_usable_again();
	expect_clean_exit();
}

Test(hostile, stream_error_during_login_is_one_clear_line)
{
	const char *args[] = {"--first-features",
	                      "<stream:error><policy-violation "
	                      "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
	                      "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>" HOSTILE_TEXT
	                      "</text></stream:error></stream:stream>",
	                      NULL};
	const char *line;
	char *text;

	start(args, NULL, false);
	cr_assert(jproc_send(alice, "/connect alice@localhost"));
	line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "code", "stream-error"), "%s", line);
	text = json_field(line, "text");
	cr_assert_not_null(text);
	expect_sanitised(text);
	free(text);
	cr_assert_not_null(jproc_expect(alice, "disconnected", NULL, HARNESS_TIMEOUT_MS));
	expect_usable_again();
	expect_clean_exit();
}

/* libstrophe (0.12.2, and its master at the time of writing) dereferences
 * NULL on a <stream:error/> without children (src/auth.c, _handle_error):
 * before STARTTLS anyone on the path can send it. src/xmpp/interpose.c
 * mends it. */
Test(hostile, empty_stream_error_during_login_does_not_crash)
{
	const char *args[] = {"--first-features", "<stream:error/></stream:stream>", NULL};
	const char *line;

	start(args, NULL, false);
	cr_assert(jproc_send(alice, "/connect alice@localhost"));
	line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_assert_not_null(jproc_expect(alice, "disconnected", NULL, HARNESS_TIMEOUT_MS));
	expect_usable_again();
	expect_clean_exit();
}

/* The fake server's log so far (malloc'd). */
static char *fake_log(void)
{
	FILE *f = fopen(fake.log_file, "r");
	char *text = NULL;
	size_t len = 0;

	cr_assert_not_null(f);
	cr_assert_geq(getdelim(&text, &len, '\0', f), 0);
	fclose(f);
	return text;
}

/* Waits until the fake server's log holds what (bounded). */
static char *fake_log_until(const char *what)
{
	long long end = harness_now_ms() + HARNESS_TIMEOUT_MS;

	for (;;) {
		char *text = fake_log();

		if (strstr(text, what) != NULL)
			return text;
		free(text);
		cr_assert_lt(harness_now_ms(), end, "the fake server never logged %s", what);
		poll(NULL, 0, 20);
	}
}

/* No credential may reach a server over a plain stream: neither SASL nor
 * the old jabber:iq:auth (allowed here, to show it is still refused), in
 * any form. */
static void expect_no_credentials_sent(void)
{
	char *log = fake_log();

	cr_expect(strstr(log, "jabber:iq:auth") == NULL, "legacy auth over a plain stream");
	cr_expect(strstr(log, PASSWORD) == NULL, "the password reached the server");
	/* base64 of "\0alice\0Pa55-hostile", SASL PLAIN's form of it */
	cr_expect(strstr(log, "AGFsaWNlAFBhNTUtaG9zdGlsZQ") == NULL,
	          "the password reached the server");
	for (char *line = strtok(log, "\n"); line != NULL; line = strtok(NULL, "\n"))
		cr_expect(strstr(line, "] RECV ") == NULL || strstr(line, "<auth") == NULL,
		          "SASL auth over a plain stream: %s", line);
	free(log);
}

/* A failed login that says why in one error with this code and words. */
static void expect_tls_refusal(const char *words)
{
	const char *line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);

	cr_assert_not_null(line, "no error");
	cr_expect(json_field_is(line, "code", "tls-failed"), "%s", line);
	cr_expect(strstr(line, words) != NULL, "%s", line);
	line = jproc_expect(alice, "disconnected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "login_failed", "true"), "%s", line);
	cr_expect_null(jproc_seen(alice, "connected", NULL), "logged in without TLS");
}

/* Someone on the path removed <starttls/> from the features. */
Test(hostile, stripped_starttls_sends_no_credentials)
{
	const char *args[] = {"--first-features",
	                      "<stream:features><mechanisms "
	                      "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</"
	                      "mechanism></mechanisms><auth "
	                      "xmlns='http://jabber.org/features/iq-auth'/></stream:features>",
	                      NULL};
	char port[32];
	const char *settings[] = {"[account fake]",     "jid = alice@localhost",
	                          "server = 127.0.0.1", port,
	                          "legacy_auth = true", NULL};

	/* The account names the fake server's port, known once it runs. */
	cr_assert(fakeserver_start(&fake, args), "the fake server did not start");
	snprintf(port, sizeof port, "port = %d", fake.port);
	start_jabiru(settings, false);
	cr_assert(jproc_send(alice, "/account connect fake"));
	expect_tls_refusal("does not offer TLS");
	expect_no_credentials_sent();
	expect_usable_again();
	expect_clean_exit();
}

/* A server older than RFC 6120: no version, no features, no STARTTLS. */
Test(hostile, stream_header_without_version_sends_no_credentials)
{
	const char *args[] = {"--no-version", NULL};

	start(args, NULL, false);
	cr_assert(jproc_send(alice, "/connect alice@localhost"));
	expect_tls_refusal("older than 1.0");
	expect_no_credentials_sent();
	expect_usable_again();
	expect_clean_exit();
}

/* The times jabiru slept so far (each poll() that blocked is one). */
static long voluntary_switches(pid_t pid)
{
	char path[64], line[256];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot read %s", path);
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The next ping jabiru sends to the server. */
static void expect_ping_out(void)
{
	const char *line = jproc_expect(alice, "xml", "urn:xmpp:ping", HARNESS_TIMEOUT_MS);

	cr_assert_not_null(line, "no keepalive ping");
	if (!json_field_is(line, "dir", "out"))
		expect_ping_out(); /* a ping from the server: not ours */
}

/* Against the real server: pings answered keep the session, and between two
 * keepalives an idle jabiru sleeps (a wake-up per ping and its answer, not
 * a tick). */
Test(hostile, keepalive_pings_a_live_prosody_and_sleeps_between)
{
	const char *users[] = {"alice:" PASSWORD, NULL};
	const char *settings[] = {"connect.ping_interval = 3", "connect.ping_timeout = 5", NULL};
	const char *extra[] = {"--xml", "--config", config, NULL};
	long before, after;

	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	cr_assert(fakeserver_start(&fake, NULL));
	cr_assert(fakeserver_config(&fake, settings, config, sizeof config));
	alice = jproc_start(&srv, "alice", PASSWORD, extra);
	cr_assert_not_null(alice);
	expect_connected();
	cr_assert_not_null(jproc_expect(alice, "roster-loaded", NULL, HARNESS_TIMEOUT_MS));
	expect_ping_out();
	expect_ping_out();
	before = voluntary_switches(jproc_pid(alice));
	expect_ping_out();
	after = voluntary_switches(jproc_pid(alice));
	/* The answer to a ping, the timer of the next, and the odd spare. A
	 * tick of a second would add three. */
	cr_expect_leq(after - before, 4, "%ld wake-ups between two keepalives", after - before);
	cr_expect_null(jproc_seen(alice, "disconnected", NULL), "the session ended: %s",
	               jproc_seen(alice, "disconnected", NULL));
	cr_expect_null(jproc_seen(alice, "error", NULL), "an error: %s",
	               jproc_seen(alice, "error", NULL));
	expect_clean_exit();
}

/* libstrophe 0.12.2 crashes when the features after SASL offer no resource
 * binding (fixed in 0.12.3, libstrophe pull request 224), inside the library
 * before jabiru sees the features; src/xmpp/interpose.c mends it. */
Test(hostile, features_without_bind_do_not_crash)
{
	const char *args[] = {"--last-features", "<stream:features/>", NULL};
	const char *line;

	start(args, NULL, false);
	cr_assert(jproc_send(alice, "/connect alice@localhost"));
	line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "code", "bind-failed"), "%s", line);
	cr_assert_not_null(jproc_expect(alice, "disconnected", NULL, HARNESS_TIMEOUT_MS));
	expect_usable_again();
	expect_clean_exit();
}

/* Stanzas no sane server forwards: each is refused or taken for what it
 * is, and the session goes on. */
Test(hostile, odd_stanzas_after_login_leave_the_session_working)
{
	const char *args[] = {
	    "--script",
	    "wait:presence",
	    "--script",
	    "send:<message/>",
	    "--script",
	    "send:<message from='' type='chat'><body>empty sender</body></message>",
	    "--script",
	    "send:<message from='@@@/x' type='chat'><body>bad sender</body></message>",
	    "--script",
	    "send:<message from='bob@localhost/x' type='error'/>",
	    "--script",
	    "send:<presence from='bob@localhost/x'><priority>99999999999999999999</priority>"
	    "<show>bogus</show></presence>",
	    "--script",
	    "send:<iq type='result' id='nobody-asked'/>",
	    "--script",
	    "send:<iq type='get'/>",
	    "--script",
	    "send:<iq type='set' id='a'><query xmlns='jabber:iq:roster'><item/></query></iq>",
	    "--script",
	    "send:<message from='bob@localhost/x' type='chat'><body>garbage stamp</body>"
	    "<delay xmlns='urn:xmpp:delay' stamp='9999-99-99T99:99:99Z'/></message>",
	    "--script",
	    "send:<message from='bob@localhost/x' type='chat'><body>zoned stamp</body>"
	    "<delay xmlns='urn:xmpp:delay' stamp='2026-01-02T03:04:05.123+02:00'/></message>",
	    "--script",
	    "send:<message from='bob@localhost/x' type='chat'><body>LAST</body></message>",
	    NULL};
	const char *line;
	char *time;

	start(args, NULL, true);
	expect_connected();
	cr_assert_not_null(
	    jproc_expect_field(alice, "message", "body", "LAST", HARNESS_TIMEOUT_MS));
	cr_expect_null(jproc_seen(alice, "message", "bad sender"), "a message from '@@@/x'");
	cr_expect_null(jproc_seen(alice, "message", "empty sender"), "a message from ''");
	cr_expect_not_null(jproc_seen(alice, "error", "bad-sender"), "no error for the bad sender");
	line = jproc_seen(alice, "message", "garbage stamp");
	cr_assert_not_null(line);
	time = json_field(line, "time");
	cr_expect(time != NULL && strlen(time) == 20 && time[10] == 'T' && time[19] == 'Z',
	          "not an ISO 8601 UTC time: %s", line);
	free(time);
	line = jproc_seen(alice, "message", "zoned stamp");
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "time", "2026-01-02T01:04:05Z"), "%s", line);
	cr_expect(json_field_is(line, "delayed", "true"), "%s", line);
	cr_expect_null(jproc_seen(alice, "disconnected", NULL), "the session ended");
	cr_assert(jproc_send(alice, "/msg bob@localhost after the garbage"));
	cr_assert_not_null(
	    jproc_expect_field(alice, "message", "body", "after the garbage", HARNESS_TIMEOUT_MS));
	expect_clean_exit();
}

/* RFC 6120 4.4: after our </stream:stream> nothing more. With stream
 * management on, libstrophe answers an <r/> that comes after our close
 * unless the socket's write side is shut. */
Test(hostile, nothing_is_sent_after_our_stream_close)
{
	const char *args[] = {"--last-features",
	                      "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
	                      "<sm xmlns='urn:xmpp:sm:3'/></stream:features>",
	                      "--script",
	                      "wait:enable",
	                      "--script",
	                      "send:<enabled xmlns='urn:xmpp:sm:3' id='sm1' resume='true'/>",
	                      "--script",
	                      "wait:presence",
	                      "--script",
	                      "wait-end",
	                      "--script",
	                      "send:<r xmlns='urn:xmpp:sm:3'/>",
	                      "--script",
	                      "drain",
	                      NULL};
	char *log, *end;

	start(args, NULL, true);
	expect_connected();
	cr_assert_not_null(jproc_expect(alice, "roster-loaded", NULL, HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(alice, "/disconnect"));
	cr_assert_not_null(jproc_expect(alice, "disconnected", NULL, HARNESS_TIMEOUT_MS));
	log = fake_log_until("DRAINED");
	end = strstr(log, "] END");
	cr_assert_not_null(end, "the server never saw our close");
	cr_expect(strstr(end, "<r xmlns") != NULL, "the server sent no <r/> after our close");
	cr_expect(strstr(log, "AFTER-CLOSE") == NULL, "jabiru wrote after its close:\n%s", end);
	free(log);
	expect_clean_exit();
}
