/* One-to-one chat between two jabiru --batch over a real Prosody: text of
 * every kind arrives unchanged in both directions, and end of input still
 * delivers what was sent. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/harness.h"

static struct prosody srv;
static struct jproc *alice, *bob;
static char *alice_jid, *bob_jid; /* full JIDs from the connected events */

static struct jproc *login(const char *user, const char *password, char **full_jid)
{
	struct jproc *j = jproc_start(&srv, user, password, NULL);
	const char *line;

	cr_assert_not_null(j, "cannot start jabiru as %s", user);
	line = jproc_expect(j, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "%s did not connect", user);
	*full_jid = json_field(line, "jid");
	cr_assert_not_null(*full_jid, "connected without jid: %s", line);
	return j;
}

static void setup(void)
{
	const char *users[] = {"alice:wonderland", "bob:builder", NULL};

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	alice = login("alice", "wonderland", &alice_jid);
	bob = login("bob", "builder", &bob_jid);
}

static void teardown(void)
{
	jproc_free(alice);
	jproc_free(bob);
	alice = bob = NULL;
	free(alice_jid);
	free(bob_jid);
	alice_jid = bob_jid = NULL;
	prosody_stop(&srv);
}

TestSuite(chat, .init = setup, .fini = teardown, .timeout = 120);

/* 2026-11-21T08:00:00Z, fractions of a second allowed */
static bool is_utc_timestamp(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";

	if (s == NULL || strlen(s) < sizeof shape)
		return false;
	for (size_t i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	return s[strlen(s) - 1] == 'Z';
}

/* from sends body to to_bare; to sees it from from_full, type chat. */
static void deliver(struct jproc *from, const char *from_full, struct jproc *to,
                    const char *to_bare, const char *body)
{
	const char *line;
	char *v;

	cr_assert(jproc_sendf(from, "/msg %s %s", to_bare, body));
	line = jproc_expect_field(from, "message-sent", "body", body, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no message-sent for '%.60s'", body);
	v = json_field(line, "to");
	/* The bare JID, or the resource that last wrote (RFC 6121 5.1). */
	cr_expect(v != NULL && strncmp(v, to_bare, strlen(to_bare)) == 0 &&
	              (v[strlen(to_bare)] == '\0' || v[strlen(to_bare)] == '/'),
	          "message-sent to: %s", line);
	free(v);

	line = jproc_expect_field(to, "message", "body", body, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "'%.60s' did not arrive unchanged", body);
	cr_expect(json_field_is(line, "from", from_full), "from: expected %s: %.300s", from_full,
	          line);
	cr_expect(json_field_is(line, "type", "chat"), "type: %.300s", line);
	v = json_field(line, "time");
	cr_expect(is_utc_timestamp(v), "time: %s", v ? v : "(none)");
	free(v);
}

/* 10 KB of text, no trailing space. */
static char *big_body(void)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char *s = malloc(10241);

	cr_assert_not_null(s);
	for (size_t i = 0; i < 10240; i++)
		s[i] = i % 64 == 63 ? ' ' : alphabet[i % 36];
	s[10239] = '!';
	s[10240] = '\0';
	return s;
}

Test(chat, text_of_every_kind_arrives_unchanged_both_ways)
{
	const char *bodies[] = {
	    "hello bob, plain ASCII here",
	    "你好，世界",
	    "\xf0\x9f\xa6\xa9\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", /* 🦩👍🏽 */
	    "e\xcc\x81",                                        /* e + combining acute */
	    "mixed: caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\xa6\xa9 e\xcc\x81 end",
	};
	char *big = big_body();

	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		deliver(alice, alice_jid, bob, "bob@localhost", bodies[i]);
		deliver(bob, bob_jid, alice, "alice@localhost", bodies[i]);
	}
	deliver(alice, alice_jid, bob, "bob@localhost", big);
	deliver(bob, bob_jid, alice, "alice@localhost", big);
	free(big);

	jproc_close_stdin(alice);
	jproc_close_stdin(bob);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0);
	cr_expect_eq(jproc_wait_exit(bob, HARNESS_TIMEOUT_MS), 0);
}

Test(chat, quotes_and_backslashes_round_trip)
{
	deliver(alice, alice_jid, bob, "bob@localhost",
	        "she said \"hi\" \\o/ C:\\path\\to\\ \\n is not a newline \\\"");
	deliver(bob, bob_jid, alice, "alice@localhost", "\"\\\"\\\\\"");
}

Test(chat, end_of_input_right_after_msg_still_delivers)
{
	const char *line;

	cr_assert(jproc_send(alice, "/msg bob@localhost last words before EOF"));
	jproc_close_stdin(alice);

	line =
	    jproc_expect_field(bob, "message", "body", "last words before EOF", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "the message sent just before EOF was lost");
	cr_expect(json_field_is(line, "from", alice_jid), "from: %s", line);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0, "alice should exit 0 at EOF");
}

Test(chat, bad_lines_give_errors_and_the_session_goes_on)
{
	const char *line;

	cr_assert(jproc_send(alice, "/no-such-command at all"));
	line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "code", "unknown-command"), "%s", line);

	cr_assert(jproc_send(alice, "/msg"));
	line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "code", "usage"), "%s", line);

	/* In batch mode a line that is not a command is an error too. */
	cr_assert(jproc_send(alice, "just some text"));
	cr_assert_not_null(jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS));

	deliver(alice, alice_jid, bob, "bob@localhost", "still here");
	cr_expect_null(jproc_seen(bob, "error", NULL), "bob saw an error: %s",
	               jproc_seen(bob, "error", NULL));
}

/* A message the server cannot deliver comes back as message-error with the
 * XMPP condition, and the session goes on. */
Test(chat, undeliverable_message_gives_message_error)
{
	const char *line;

	cr_assert(jproc_send(alice, "/msg nobody@localhost are you there?"));
	line = jproc_expect(alice, "message-error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no message-error for a user that does not exist");
	cr_expect(json_field_is(line, "from", "nobody@localhost"), "from: %s", line);
	cr_expect(json_field_is(line, "condition", "service-unavailable"), "condition: %s", line);
	deliver(alice, alice_jid, bob, "bob@localhost", "still here");
}

/* An error message with two <text/> children (a contact can send any): the
 * first is shown, and nothing leaks (under the sanitiser build the leak
 * made alice exit non-zero). */
Test(chat, an_error_with_two_texts_shows_the_first)
{
	const char *line;

	cr_assert(jproc_sendf(bob,
	                      "/raw <message type='error' to='%s' id='e1'><error type='cancel'>"
	                      "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
	                      "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>first</text>"
	                      "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>second</text>"
	                      "</error></message>",
	                      alice_jid));
	line = jproc_expect(alice, "message-error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "text", "first"), "%s", line);
	cr_expect(json_field_is(line, "condition", "item-not-found"), "%s", line);
	jproc_close_stdin(alice);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0, "alice did not exit cleanly");
}

/* RFC 6121 5.1: a reply to the bare JID goes to the resource that wrote. */
Test(chat, reply_goes_to_the_resource_that_wrote)
{
	const char *line;

	/* A presence from bob's resource unlocks it (RFC 6121 5.1): let his
	 * initial presence reach alice before he writes. */
	cr_assert_not_null(
	    jproc_expect_field(alice, "presence", "from", bob_jid, HARNESS_TIMEOUT_MS));
	deliver(bob, bob_jid, alice, "alice@localhost", "ping from bob");
	cr_assert(jproc_send(alice, "/msg bob@localhost pong"));
	line = jproc_expect_field(alice, "message-sent", "body", "pong", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "to", bob_jid), "reply went to %s, not %s", line, bob_jid);
}

/* XML 1.0 cannot carry ESC and most other C0 controls: a message pasted
 * with colours used to go out as is, the server ended the session with
 * not-well-formed, and the message was lost after message-sent. Now each
 * such character becomes U+FFFD (and the user is told), while other
 * commands and /raw refuse the line; the session survives all of it. */
Test(chat, characters_xml_cannot_carry_never_reach_the_wire)
{
	const char *line;
	char *body;

	cr_assert(jproc_send(alice, "/msg bob@localhost red \x1b[31malert\x1b[0m and a bell\x07"));
	line = jproc_expect(alice, "info", "XML cannot carry", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "alice was not told");
	cr_expect(strstr(line, "U+001B") != NULL, "%s", line);
	line = jproc_expect(bob, "message", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "the message did not arrive");
	body = json_field(line, "body");
	cr_expect_str_eq(body, "red \xef\xbf\xbd[31malert\xef\xbf\xbd[0m and a bell\xef\xbf\xbd");
	free(body);

	/* Not a message: refused, nothing sent. */
	cr_assert(jproc_send(alice, "/status away gone\x1b[5m fishing"));
	line = jproc_expect(alice, "error", "XML cannot carry", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "code", "bad-character"), "%s", line);
	cr_assert(
	    jproc_send(alice, "/raw <message to='bob@localhost'><body>\x1b</body></message>"));
	line = jproc_expect(alice, "error", "U+001B", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "command", "/raw"), "%s", line);
	/* Invalid UTF-8 and U+FFFF are as bad. */
	cr_assert(jproc_send(alice, "/roster name bob@localhost Bo\xff"));
	cr_assert_not_null(jproc_expect(alice, "error", "0xFF", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(alice, "/status away \xef\xbf\xbf"));
	cr_assert_not_null(jproc_expect(alice, "error", "U+FFFF", HARNESS_TIMEOUT_MS));

	/* The session is still up: the next message arrives, nobody was
	 * disconnected. */
	deliver(alice, alice_jid, bob, "bob@localhost", "still here");
	cr_expect_null(jproc_seen(alice, "disconnected", NULL), "%s",
	               jproc_seen(alice, "disconnected", NULL));
	cr_expect_null(jproc_seen(bob, "presence", "fishing"), "the status went out");
}
