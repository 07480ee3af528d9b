/* Subscriptions (RFC 6121 §3) between jabiru instances on a real Prosody:
 * mutual subscription built step by step with the events on both sides,
 * deny, cancel, and a request that stays pending across a reconnect. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/harness.h"

static struct prosody srv;
static struct jproc *alice, *bob, *carol;

#define T HARNESS_TIMEOUT_MS

static struct jproc *login_env(const char *user, const char *password, const char *extra_env)
{
	const char *env[] = {extra_env, NULL};
	const char *line;
	struct jproc *j;
	char *me;

	j = jproc_start_env(&srv, user, password, NULL, env);
	cr_assert_not_null(j);
	line = jproc_expect(j, "connected", NULL, T);
	cr_assert_not_null(line, "%s login", user);
	me = json_field(line, "jid");
	cr_assert_not_null(jproc_expect(j, "roster-loaded", NULL, T), "%s roster", user);
	/* Our initial presence echoed: the server now counts us available. */
	cr_assert_not_null(jproc_expect_field(j, "presence", "from", me, T), "%s presence", user);
	free(me);
	return j;
}

static void start(bool friends)
{
	const char *users[] = {"alice:wonderland", "bob:builder", "carol:singer", NULL};

	if (friends)
		cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users));
	alice = login_env("alice", "wonderland", NULL);
	bob = login_env("bob", "builder", NULL);
	carol = login_env("carol", "singer", NULL);
}

static void teardown(void)
{
	jproc_free(alice);
	jproc_free(bob);
	jproc_free(carol);
	alice = bob = carol = NULL;
	prosody_stop(&srv);
}

TestSuite(subscription, .fini = teardown, .timeout = 300);

/* The next roster event at j for jid with this subscription (and ask). */
static const char *expect_item(struct jproc *j, const char *jid, const char *sub, bool ask)
{
	char want[128];
	const char *line;

	snprintf(want, sizeof(want), "\"subscription\":\"%s\"", sub);
	for (;;) {
		line = jproc_expect(j, "roster", want, T);
		cr_assert_not_null(line, "no roster item %s with subscription %s", jid, sub);
		if (json_field_is(line, "jid", jid) &&
		    (strstr(line, "\"ask\":\"subscribe\"") != NULL) == ask)
			return line;
	}
}

static void expect_sub(struct jproc *j, const char *from, const char *type)
{
	char want[128];

	snprintf(want, sizeof(want), "\"type\":\"%s\"", type);
	for (;;) {
		const char *line = jproc_expect(j, "subscription", want, T);

		cr_assert_not_null(line, "no subscription %s from %s", type, from);
		if (json_field_is(line, "from", from))
			return;
	}
}

Test(subscription, mutual_subscription_step_by_step)
{
	start(false);

	/* alice asks bob */
	cr_assert(jproc_send(alice, "/sub request bob@localhost"));
	cr_assert_not_null(jproc_expect(alice, "info", "Asked bob@localhost", T));
	expect_item(alice, "bob@localhost", "none", true);
	expect_sub(bob, "alice@localhost", "subscribe");
	cr_assert_not_null(jproc_seen(bob, "subscription", "\"pending\":true"));
	cr_assert_not_null(jproc_expect(bob, "info", "/sub allow alice@localhost", T));
	cr_assert(jproc_send(bob, "/sub pending"));
	cr_assert_not_null(jproc_expect(bob, "info", "Pending: alice@localhost (since ", T));

	/* bob allows: alice sees subscribed, her item becomes "to", and bob's
	 * presence reaches her */
	cr_assert(jproc_send(bob, "/sub allow alice@localhost"));
	expect_sub(alice, "bob@localhost", "subscribed");
	expect_item(alice, "bob@localhost", "to", false);
	expect_item(bob, "alice@localhost", "from", false);
	cr_assert_not_null(jproc_expect(alice, "presence", "\"from\":\"bob@localhost/", T));
	cr_assert(jproc_send(bob, "/sub pending"));
	cr_assert_not_null(jproc_expect(bob, "info", "No subscription request", T));

	/* and back */
	cr_assert(jproc_send(bob, "/sub request alice@localhost"));
	expect_sub(alice, "bob@localhost", "subscribe");
	cr_assert(jproc_send(alice, "/sub allow bob@localhost"));
	expect_sub(bob, "alice@localhost", "subscribed");
	expect_item(alice, "bob@localhost", "both", false);
	expect_item(bob, "alice@localhost", "both", false);
	cr_assert_not_null(jproc_expect(bob, "presence", "\"from\":\"alice@localhost/", T));
}

Test(subscription, deny)
{
	start(false);
	cr_assert(jproc_send(carol, "/sub request alice@localhost"));
	expect_sub(alice, "carol@localhost", "subscribe");
	cr_assert(jproc_send(alice, "/sub deny carol@localhost"));
	cr_assert_not_null(jproc_expect(alice, "info", "carol@localhost", T));
	expect_sub(carol, "alice@localhost", "unsubscribed");
	expect_item(carol, "alice@localhost", "none", false);
	cr_assert(jproc_send(alice, "/sub pending"));
	cr_assert_not_null(jproc_expect(alice, "info", "No subscription request", T));
}

Test(subscription, cancel)
{
	start(true);
	cr_assert(jproc_send(alice, "/sub cancel bob@localhost"));
	expect_sub(bob, "alice@localhost", "unsubscribe");
	expect_item(alice, "bob@localhost", "from", false);
	expect_item(bob, "alice@localhost", "to", false);
	/* alice no longer sees bob */
	cr_assert_not_null(jproc_expect(alice, "presence", "\"show\":\"offline\"", T));
}

Test(subscription, request_stays_pending_across_a_reconnect)
{
	char data[HARNESS_PATH_MAX], env[HARNESS_PATH_MAX + 32], file[HARNESS_PATH_MAX + 64];
	FILE *f;

	start(false);
	cr_assert(harness_mkdtemp(data, sizeof(data), "jabiru-data"));
	snprintf(env, sizeof(env), "XDG_DATA_HOME=%s", data);
	jproc_free(bob);
	bob = login_env("bob", "builder", env);
	cr_assert(jproc_send(carol, "/sub request bob@localhost"));
	expect_sub(bob, "carol@localhost", "subscribe");
	jproc_close_stdin(bob);
	cr_expect_eq(jproc_wait_exit(bob, T), 0);
	jproc_free(bob);

	/* kept in the data dir... */
	snprintf(file, sizeof(file), "%s/jabiru/pending/bob@localhost", data);
	f = fopen(file, "r");
	cr_assert_not_null(f, "no %s", file);
	{
		char line[256];

		cr_assert_not_null(fgets(line, sizeof(line), f));
		cr_expect(strncmp(line, "carol@localhost\t", 16) == 0, "%s", line);
	}
	fclose(f);

	/* ...and listed after the next login, never approved by itself */
	bob = login_env("bob", "builder", env);
	{
		const char *line = jproc_expect(bob, "subscription", "\"stored\":true", T);

		cr_assert_not_null(line, "the stored request was not announced");
		cr_expect(json_field_is(line, "from", "carol@localhost"), "%s", line);
		cr_expect(json_field_is(line, "pending", "true"), "%s", line);
	}
	cr_assert_not_null(jproc_expect(bob, "info", "1 subscription request waits", T));
	cr_assert(jproc_send(bob, "/sub pending"));
	cr_assert_not_null(jproc_expect(bob, "info", "Pending: carol@localhost", T));
	cr_expect_null(jproc_seen(carol, "subscription", "\"subscribed\""));
	{
		char rm[HARNESS_PATH_MAX + 16];

		snprintf(rm, sizeof(rm), "rm -rf '%s'", data);
		cr_expect_eq(system(rm), 0);
	}
}

/* How many lines bob has printed so far hold all of the given strings. */
static size_t count_lines(struct jproc *j, const char *a, const char *b)
{
	size_t n = 0;

	jproc_drain(j);
	for (size_t i = 0; i < jproc_nlines(j); i++)
		if (strstr(jproc_line(j, i), a) != NULL &&
		    (b == NULL || strstr(jproc_line(j, i), b)))
			n++;
	return n;
}

/* A domain floods bob with requests from 1,010 made-up JIDs (through the
 * server's component, as a remote domain would): 1,000 are kept, the rest
 * reported but not kept, the user told once, and the pending file holds
 * the 1,000 after the session. */
Test(subscription, a_flood_of_requests_is_bounded)
{
	char data[HARNESS_PATH_MAX], env[HARNESS_PATH_MAX + 32], file[HARNESS_PATH_MAX + 64];
	char line[256];
	const char *l;
	size_t lines = 0;
	FILE *f;

	start(false);
	cr_assert(harness_mkdtemp(data, sizeof(data), "jabiru-data"));
	snprintf(env, sizeof(env), "XDG_DATA_HOME=%s", data);
	jproc_free(bob);
	bob = login_env("bob", "builder", env);
	cr_assert(prosody_component_send(&srv, "bob@localhost", "subscribe", 1010, NULL),
	          "the component could not send");
	l = jproc_expect_field(bob, "subscription", "from", "user1009@remote.localhost", T);
	cr_assert_not_null(l, "the flood did not arrive");
	cr_expect(json_field_is(l, "pending", "false"), "%s", l);
	cr_expect_eq(count_lines(bob, "\"event\":\"subscription\"", "\"pending\":true"), 1000);
	cr_expect_eq(count_lines(bob, "\"pending-full\"", NULL), 1, "told not once");
	cr_expect_eq(count_lines(bob, "asks to see your presence", NULL), 1000);
	cr_assert(jproc_send(bob, "/sub pending"));
	cr_assert_not_null(jproc_expect(bob, "info", "Pending: user999@remote.localhost", T));
	cr_expect_eq(count_lines(bob, "Pending: user", NULL), 1000);
	/* an answer frees a place: the next request is kept */
	cr_assert(jproc_send(bob, "/sub deny user0@remote.localhost"));
	cr_assert_not_null(jproc_expect(bob, "info", "Refused", T));
	cr_assert(
	    prosody_component_send(&srv, "bob@localhost", "subscribe", 1, "late@remote.localhost"));
	l = jproc_expect_field(bob, "subscription", "from", "late@remote.localhost", T);
	cr_assert_not_null(l);
	cr_expect(json_field_is(l, "pending", "true"), "%s", l);
	jproc_close_stdin(bob);
	cr_expect_eq(jproc_wait_exit(bob, T), 0);
	jproc_free(bob);
	bob = NULL;

	snprintf(file, sizeof(file), "%s/jabiru/pending/bob@localhost", data);
	f = fopen(file, "r");
	cr_assert_not_null(f, "no %s", file);
	while (fgets(line, sizeof(line), f) != NULL)
		lines++;
	fclose(f);
	cr_expect_eq(lines, 1000, "the pending file has %zu lines", lines);
	snprintf(line, sizeof(line), "rm -rf '%s'", data);
	cr_expect_eq(system(line), 0);
}
