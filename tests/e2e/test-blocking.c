/* Blocking (XEP-0191) against a real Prosody with mod_blocklist: /block a
 * contact and their messages and subscription requests no longer arrive,
 * /unblock and they do; a whole domain (the server's component standing in
 * for a remote one) blocked, with its pending requests dropped; /blocked
 * lists; another login of the same account follows the pushes. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/harness.h"

#define T HARNESS_TIMEOUT_MS

static struct prosody srv;
static struct jproc *alice, *bob, *carol, *dave;
static char *bob_jid; /* full, from his connected event */

static struct jproc *login(const char *user, const char *password)
{
	struct jproc *j = jproc_login(&srv, user, password, NULL);

	cr_assert_not_null(j, "%s login", user);
	cr_assert_not_null(jproc_expect(j, "roster-loaded", NULL, T), "%s roster", user);
	/* The list comes at login: from then on the server pushes changes. */
	cr_assert_not_null(jproc_expect_field(j, "blocklist", "action", "list", T),
	                   "%s: no blocklist at login", user);
	return j;
}

static void start(void)
{
	const char *users[] = {"alice:wonderland", "bob:builder", "carol:singer", "dave:diver",
	                       NULL};

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_befriend(&srv, "alice", "carol"));
	cr_assert(prosody_start(&srv, users));
	alice = login("alice", "wonderland");
	bob = login("bob", "builder");
	bob_jid = json_field(jproc_seen(bob, "connected", NULL), "jid");
	cr_assert_not_null(bob_jid);
	carol = login("carol", "singer");
}

static void teardown(void)
{
	jproc_free(alice);
	jproc_free(bob);
	jproc_free(carol);
	jproc_free(dave);
	alice = bob = carol = dave = NULL;
	free(bob_jid);
	bob_jid = NULL;
	prosody_stop(&srv);
}

TestSuite(blocking, .fini = teardown, .timeout = 180);

/* The server has handled everything j sent before: it answers j's ping
 * after routing the stanzas that came first on the same stream. */
static void server_has_it(struct jproc *j)
{
	cr_assert(
	    jproc_send(j, "/raw <iq type='get' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"));
	cr_assert_not_null(jproc_expect(j, "raw-result", "\"type\":\"result\"", T));
}

/* carol writes a marker to alice and alice has it: whatever was routed to
 * alice before reached her first. */
static void marker(const char *text)
{
	cr_assert(jproc_sendf(carol, "/msg alice@localhost %s", text));
	cr_assert_not_null(jproc_expect_field(alice, "message", "body", text, T), "no marker %s",
	                   text);
}

/* line is one of j's lines from index n on. */
static bool line_after(struct jproc *j, const char *line, size_t n)
{
	for (size_t i = n; i < jproc_nlines(j); i++)
		if (jproc_line(j, i) == line)
			return true;
	return false;
}

static void expect_blocked_reply(const char *item)
{
	cr_assert_not_null(jproc_expect(alice, "info", "Blocked", T), "no answer to /block");
	cr_assert_not_null(jproc_expect(alice, "blocklist", item, T), "no push for %s", item);
}

Test(blocking, a_contact_blocked_then_unblocked)
{
	struct jproc *alice2;
	const char *line;
	size_t before;

	start();
	alice2 = login("alice", "wonderland");
	cr_assert_not_null(jproc_expect_field(alice, "presence", "from", bob_jid, T),
	                   "bob is not online at alice");
	jproc_drain(alice);
	before = jproc_nlines(alice);
	cr_assert(jproc_send(alice, "/block bob@localhost"));
	expect_blocked_reply("\"bob@localhost\"");
	/* He goes offline for her (the server says so for him), after the
	 * block: an offline from before (the answer to alice's probe at login,
	 * before he logged in) does not count. */
	do {
		line = jproc_expect(alice, "presence", "\"show\":\"offline\"", T);
		cr_assert_not_null(line, "bob stayed online at alice after the block");
	} while (strstr(line, "\"from\":\"bob@localhost") == NULL ||
	         !line_after(alice, line, before));
	/* the other login of alice follows */
	line = jproc_expect_field(alice2, "blocklist", "action", "block", T);
	cr_assert_not_null(line, "the push did not reach alice's other login");
	cr_expect(strstr(line, "\"items\":[\"bob@localhost\"]") != NULL, "%s", line);

	cr_assert(jproc_send(bob, "/msg alice@localhost hidden"));
	cr_assert(jproc_send(bob, "/status away"));
	server_has_it(bob);
	marker("marker-1");
	cr_expect_null(jproc_seen(alice, "message", "\"hidden\""), "a blocked message arrived");
	cr_expect_null(jproc_seen(alice, "presence", "\"away\""), "a blocked presence arrived");

	cr_assert(jproc_send(alice, "/blocked"));
	cr_assert_not_null(jproc_expect(alice, "info", "1 JID or domain blocked", T));
	cr_assert_not_null(jproc_expect(alice, "info", "  bob@localhost", T));

	jproc_drain(alice);
	before = jproc_nlines(alice);
	cr_assert(jproc_send(alice, "/unblock bob@localhost"));
	cr_assert_not_null(jproc_expect(alice, "info", "Unblocked bob@localhost", T));
	/* and online again (his server sends his presence anew) */
	do {
		line = jproc_expect_field(alice, "presence", "from", bob_jid, T);
		cr_assert_not_null(line, "unblocked, bob does not show online again");
	} while (!line_after(alice, line, before));
	cr_assert_not_null(jproc_expect_field(alice2, "blocklist", "action", "unblock", T));
	cr_assert(jproc_send(bob, "/msg alice@localhost visible"));
	cr_assert_not_null(jproc_expect_field(alice, "message", "body", "visible", T),
	                   "unblocked, the message did not arrive");
	cr_assert(jproc_send(alice, "/blocked"));
	cr_assert_not_null(jproc_expect(alice, "info", "Nobody is blocked", T));
	jproc_free(alice2);
}

/* dave is no contact of alice's: his requests reach her unless blocked (a
 * contact's would be answered by the server from the roster). */
Test(blocking, a_strangers_requests_blocked_then_unblocked)
{
	start();
	dave = login("dave", "diver");
	cr_assert(jproc_send(alice, "/block dave@localhost"));
	expect_blocked_reply("\"dave@localhost\"");
	cr_assert(jproc_send(dave, "/sub request alice@localhost"));
	cr_assert(jproc_send(dave, "/msg alice@localhost hidden"));
	server_has_it(dave);
	marker("marker-3");
	cr_expect_null(jproc_seen(alice, "subscription", "\"dave@localhost\""),
	               "a blocked request arrived");
	cr_expect_null(jproc_seen(alice, "message", "\"hidden\""), "a blocked message arrived");

	cr_assert(jproc_send(alice, "/unblock dave@localhost"));
	cr_assert_not_null(jproc_expect(alice, "info", "Unblocked dave@localhost", T));
	cr_assert(jproc_send(dave, "/sub request alice@localhost"));
	cr_assert_not_null(jproc_expect_field(alice, "subscription", "from", "dave@localhost", T),
	                   "unblocked, the request did not arrive");
	cr_assert_not_null(jproc_expect(alice, "info", "/block dave@localhost", T),
	                   "no hint beside the request");
}

/* A stranger's domain: its messages come with the hint, a request waits;
 * /block DOMAIN drops the request and stops everything from there. */
Test(blocking, a_domain_blocked)
{
	const char *line;

	start();
	cr_assert(prosody_component_send(&srv, "alice@localhost", "message", 1, NULL));
	cr_assert_not_null(jproc_expect_field(alice, "message", "body", "message 0", T));
	line = jproc_expect(alice, "info", "/block spammer@remote.localhost", T);
	cr_assert_not_null(line, "no hint beside a stranger's message");
	cr_assert(prosody_component_send(&srv, "alice@localhost", "subscribe", 1,
	                                 "early@remote.localhost"));
	line = jproc_expect_field(alice, "subscription", "from", "early@remote.localhost", T);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "pending", "true"), "%s", line);
	cr_assert_not_null(jproc_expect(alice, "info", "/block early@remote.localhost", T),
	                   "no hint beside the request");

	cr_assert(jproc_send(alice, "/block remote.localhost"));
	expect_blocked_reply("\"remote.localhost\"");
	line = jproc_expect(alice, "subscription", "\"blocked\":true", T);
	cr_assert_not_null(line, "the pending request from the blocked domain stayed");
	cr_expect(json_field_is(line, "from", "early@remote.localhost"), "%s", line);
	cr_assert(jproc_send(alice, "/sub pending"));
	cr_assert_not_null(jproc_expect(alice, "info", "No subscription request waits", T));

	cr_assert(prosody_component_send(&srv, "alice@localhost", "message", 3, NULL));
	cr_assert(prosody_component_send(&srv, "alice@localhost", "subscribe", 50, NULL));
	marker("marker-2");
	cr_expect_null(jproc_seen(alice, "message", "\"message 1\""), "a blocked domain's message");
	cr_expect_null(jproc_seen(alice, "subscription", "\"user0@remote.localhost\""),
	               "a blocked domain's request");
	cr_assert(jproc_send(alice, "/blocked"));
	cr_assert_not_null(jproc_expect(alice, "info", "  remote.localhost", T));

	/* usage errors lose nothing */
	cr_assert(jproc_send(alice, "/block not a jid"));
	cr_assert_not_null(jproc_expect_field(alice, "error", "code", "usage", T));
	cr_assert(jproc_send(alice, "/block"));
	cr_assert_not_null(jproc_expect_field(alice, "error", "code", "usage", T));
}

/* A server without XEP-0191 (Prosody without mod_blocklist): /block and
 * /blocked say so, and the session goes on. */
Test(blocking, a_server_without_blocking_says_so)
{
	const char *users[] = {"alice:wonderland", NULL};
	const char *line;

	setenv("PROSODY_UP_NO_BLOCKLIST", "1", 1);
	cr_assert(prosody_start(&srv, users));
	unsetenv("PROSODY_UP_NO_BLOCKLIST");
	alice = jproc_login(&srv, "alice", "wonderland", NULL);
	cr_assert_not_null(alice);
	cr_assert_not_null(jproc_expect(alice, "roster-loaded", NULL, T));
	/* answered after the blocklist request sent at login */
	server_has_it(alice);
	cr_assert(jproc_send(alice, "/block spam.example"));
	line = jproc_expect_field(alice, "error", "code", "feature-not-implemented", T);
	cr_assert_not_null(line, "/block did not say the server cannot");
	cr_expect(strstr(line, "XEP-0191") != NULL, "%s", line);
	cr_assert(jproc_send(alice, "/blocked"));
	cr_assert_not_null(
	    jproc_expect_field(alice, "error", "code", "feature-not-implemented", T));
	server_has_it(alice);
}
