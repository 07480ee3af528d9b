/* Presence against a real Prosody: changes and priority seen by a contact,
 * directed presence seen by a stranger, /info with software version and
 * features, and what jabiru answers an independent client (slixmpp):
 * disco#info, version, ping, service-unavailable, a spoofed roster push,
 * and entity capabilities in presence that match the disco#info answer. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/harness.h"

static struct prosody srv;
static struct jproc *alice, *bob, *carol;
static char *alice_jid;

static struct jproc *login(const char *user, const char *password, char **full)
{
	struct jproc *j = jproc_start(&srv, user, password, NULL);
	const char *line;
	char *me;

	cr_assert_not_null(j);
	line = jproc_expect(j, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "%s did not connect", user);
	me = json_field(line, "jid");
	cr_assert_not_null(jproc_expect(j, "roster-loaded", NULL, HARNESS_TIMEOUT_MS));
	/* The server echoes our initial presence: from then on we are
	 * available and directed presence reaches us. */
	cr_assert_not_null(jproc_expect_field(j, "presence", "from", me, HARNESS_TIMEOUT_MS));
	if (full != NULL)
		*full = me;
	else
		free(me);
	return j;
}

static void setup(void)
{
	const char *users[] = {"alice:wonderland", "bob:builder", "carol:singer", NULL};

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users));
	alice = login("alice", "wonderland", &alice_jid);
	bob = login("bob", "builder", NULL);
	carol = login("carol", "singer", NULL);
	/* bob sees alice's initial presence. */
	cr_assert_not_null(
	    jproc_expect_field(bob, "presence", "from", alice_jid, HARNESS_TIMEOUT_MS));
}

static void teardown(void)
{
	jproc_free(alice);
	jproc_free(bob);
	jproc_free(carol);
	alice = bob = carol = NULL;
	free(alice_jid);
	alice_jid = NULL;
	prosody_stop(&srv);
}

TestSuite(presence, .init = setup, .fini = teardown, .timeout = 180);

/* Waits for a presence event at j from `from` with this show. */
static const char *expect_show(struct jproc *j, const char *from, const char *show)
{
	char want[256];
	const char *line;

	snprintf(want, sizeof(want), "\"show\":\"%s\"", show);
	for (;;) {
		line = jproc_expect(j, "presence", want, HARNESS_TIMEOUT_MS);
		cr_assert_not_null(line, "no presence %s from %s", show, from);
		if (json_field_is(line, "from", from))
			return line;
	}
}

Test(presence, changes_and_priority_are_seen_by_the_contact)
{
	const char *line;

	cr_assert(jproc_send(alice, "/status away Out for lunch, back at 2"));
	line = expect_show(bob, alice_jid, "away");
	cr_expect(json_field_is(line, "status", "Out for lunch, back at 2"), "%s", line);
	cr_assert_not_null(jproc_expect(alice, "info", "away", HARNESS_TIMEOUT_MS));

	cr_assert(jproc_send(alice, "/status dnd"));
	line = expect_show(bob, alice_jid, "dnd");
	cr_expect(json_field(line, "status") == NULL, "status kept: %s", line);

	cr_assert(jproc_send(alice, "/priority 5"));
	line = jproc_expect(bob, "presence", "\"priority\":5", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "show", "dnd"), "%s", line);

	cr_assert(jproc_send(alice, "/status"));
	cr_assert_not_null(jproc_expect(alice, "info", "dnd, priority 5", HARNESS_TIMEOUT_MS));

	cr_assert(jproc_send(alice, "/status chat 你好"));
	line = expect_show(bob, alice_jid, "chat");
	cr_expect(json_field_is(line, "status", "你好"), "%s", line);

	cr_assert(jproc_send(alice, "/status online"));
	expect_show(bob, alice_jid, "online");

	cr_assert(jproc_send(alice, "/status sleepy"));
	cr_assert_not_null(jproc_expect_field(alice, "error", "code", "usage", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(alice, "/priority 1000"));
	cr_assert_not_null(jproc_expect(alice, "error", "-128 to 127", HARNESS_TIMEOUT_MS));

	/* Leaving is seen as offline. */
	jproc_close_stdin(alice);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0);
	expect_show(bob, alice_jid, "offline");
}

Test(presence, directed_presence_reaches_only_that_jid)
{
	const char *line;

	cr_assert(jproc_send(alice, "/presence carol@localhost xa \"Gone fishing\""));
	line = expect_show(carol, alice_jid, "xa");
	cr_expect(json_field_is(line, "status", "\"Gone fishing\""), "%s", line);
	cr_assert_not_null(jproc_expect(alice, "info", "carol@localhost", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(alice, "/presence carol@localhost offline"));
	expect_show(carol, alice_jid, "offline");
	/* bob, subscribed, did not get the directed one: still online. */
	cr_expect_null(jproc_seen(bob, "presence", "\"xa\""));
}

Test(presence, info_lists_resources_with_version_and_features)
{
	char want[256];

	cr_assert(jproc_send(alice, "/status away brb"));
	expect_show(bob, alice_jid, "away");
	cr_assert(jproc_send(bob, "/info alice@localhost version"));
	snprintf(want, sizeof(want), "%s: away, priority 0", alice_jid);
	cr_assert_not_null(jproc_expect(bob, "info", want, HARNESS_TIMEOUT_MS));
	snprintf(want, sizeof(want), "%s runs jabiru %s", alice_jid, PACKAGE_VERSION);
	cr_assert_not_null(jproc_expect(bob, "info", want, HARNESS_TIMEOUT_MS));
	cr_assert_not_null(jproc_expect(bob, "info", "urn:xmpp:ping", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(bob, "/info carol@localhost"));
	cr_assert_not_null(
	    jproc_expect(bob, "info", "carol@localhost: offline", HARNESS_TIMEOUT_MS));
}

static const char *python(void)
{
	/* Debian's slixmpp is installed for the system Python. */
	return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

Test(presence, answers_an_independent_client)
{
	char cmd[2 * HARNESS_PATH_MAX + 256], line[8192];
	const char *src = getenv("JABIRU_SRCDIR");
	FILE *f;
	int seen = 0;
	bool done = false;

	setenv("PROBE_PASSWORD", "builder", 1);
	snprintf(cmd, sizeof(cmd),
	         "timeout 120 %s '%s/tests/harness/iq-probe' bob@localhost '%s' 127.0.0.1 %d "
	         "'%s' 2>&1",
	         python(), src ? src : ".", alice_jid, srv.c2s_port, srv.ca_file);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, "\"probe\": \"disco\"")) {
			cr_expect(strstr(line, "\"result\"") &&
			              strstr(line, "category=\\\"client\\\"") &&
			              strstr(line, "type=\\\"console\\\""),
			          "%s", line);
			cr_expect(strstr(line, "urn:xmpp:ping") &&
			              strstr(line, "jabber:iq:version") &&
			              strstr(line, "http://jabber.org/protocol/caps"),
			          "%s", line);
		} else if (strstr(line, "\"probe\": \"version\"")) {
			cr_expect(strstr(line, "<name>jabiru</name>") != NULL, "%s", line);
			cr_expect(strstr(line, "<os>") == NULL, "OS told by default: %s", line);
		} else if (strstr(line, "\"probe\": \"ping\"")) {
			cr_expect(strstr(line, "\"type\": \"result\"") != NULL, "%s", line);
		} else if (strstr(line, "\"probe\": \"unknown-") ||
		           strstr(line, "\"probe\": \"roster-push\"")) {
			cr_expect(strstr(line, "\"condition\": \"service-unavailable\"") != NULL,
			          "%s", line);
		} else if (strstr(line, "\"probe\": \"caps\"")) {
			/* The hash in alice's presence is the one computed
			 * independently from her disco#info answer. */
			char *ver = json_field(line, "ver"),
			     *computed = json_field(line, "computed");

			cr_expect(json_field_is(line, "hash", "sha-1"), "%s", line);
			cr_expect(ver != NULL && computed != NULL && strcmp(ver, computed) == 0,
			          "caps ver is not XEP-0115's: %s", line);
			free(ver);
			free(computed);
		} else if (strstr(line, "\"probe\": \"caps-node\"")) {
			cr_expect(strstr(line, "\"type\": \"result\"") &&
			              strstr(line, "urn:xmpp:ping"),
			          "%s", line);
		} else if (strstr(line, "\"probe\": \"done\"")) {
			done = true;
			continue;
		} else {
			fprintf(stderr, "iq-probe: %s", line); /* diagnostics */
			continue;
		}
		seen++;
	}
	cr_expect_eq(pclose(f), 0);
	cr_expect(done, "the probe did not finish");
	cr_expect_eq(seen, 8, "answers seen: %d of 8", seen);
	/* The spoofed roster push changed nothing and was reported. */
	cr_assert_not_null(
	    jproc_expect_field(alice, "error", "code", "roster-spoof", HARNESS_TIMEOUT_MS));
	cr_expect_null(jproc_seen(alice, "roster", "mallory"));
}
