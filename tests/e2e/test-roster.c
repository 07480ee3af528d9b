/* The roster against a real Prosody: fetched at login (one event per item,
 * then roster-loaded), versioned and cached so a second login with an
 * unchanged roster transfers no items, edited with /roster and seen from a
 * second login. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/harness.h"

static struct prosody srv;

static void teardown(void)
{
	prosody_stop(&srv);
}

TestSuite(roster, .fini = teardown, .timeout = 240);

static struct jproc *login_env(const char *user, const char *password, const char *cache_home)
{
	char cache[HARNESS_PATH_MAX + 32];
	const char *env[] = {cache_home ? cache : NULL, NULL};
	struct jproc *j;

	if (cache_home)
		snprintf(cache, sizeof(cache), "XDG_CACHE_HOME=%s", cache_home);
	j = jproc_start_env(&srv, user, password, NULL, env);
	cr_assert_not_null(j);
	cr_assert_not_null(jproc_expect(j, "connected", NULL, HARNESS_TIMEOUT_MS), "%s login",
	                   user);
	return j;
}

static size_t count_events(struct jproc *j, const char *event)
{
	size_t n = 0;
	char want[64];

	snprintf(want, sizeof(want), "\"event\":\"%s\"", event);
	jproc_drain(j);
	for (size_t i = 0; i < jproc_nlines(j); i++)
		if (strstr(jproc_line(j, i), want) != NULL)
			n++;
	return n;
}

Test(roster, items_arrive_at_login_with_groups_and_subscription)
{
	const char *users[] = {"alice:wonderland", "bob:builder", "carol:singer", NULL};
	struct jproc *a;
	const char *line;

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_roster(&srv, "alice", "carol@localhost", "Carol C", "Work", "to"));
	cr_assert(prosody_start(&srv, users));
	a = login_env("alice", "wonderland", NULL);
	line = jproc_expect_field(a, "roster", "jid", "bob@localhost", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "subscription", "both"), "%s", line);
	cr_expect(json_field_is(line, "name", "bob"), "%s", line);
	cr_expect(strstr(line, "\"groups\":[\"Friends\"]") != NULL, "%s", line);
	line = jproc_expect_field(a, "roster", "jid", "carol@localhost", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "subscription", "to"), "%s", line);
	cr_expect(json_field_is(line, "name", "Carol C"), "%s", line);
	cr_expect(strstr(line, "\"groups\":[\"Work\"]") != NULL, "%s", line);
	line = jproc_expect(a, "roster-loaded", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "count", "2"), "%s", line);
	cr_expect(json_field_is(line, "cached", "false"), "%s", line);
	jproc_close_stdin(a);
	cr_expect_eq(jproc_wait_exit(a, HARNESS_TIMEOUT_MS), 0);
	jproc_free(a);
}

/* Rewrites USER's roster file in Prosody's storage with n contacts at once
 * (one prosody_roster call per contact would take minutes). */
static void write_big_roster(const char *user, int n)
{
	char cmd[HARNESS_PATH_MAX + 128], path[HARNESS_PATH_MAX + 64];
	FILE *f;

	/* One contact through the harness creates the file where Prosody
	 * looks for it; then it is replaced whole. */
	cr_assert(prosody_roster(&srv, user, "seed@localhost", NULL, NULL, "none"));
	snprintf(cmd, sizeof(cmd), "find '%s' -path '*/roster/%s.dat'", srv.dir, user);
	f = popen(cmd, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(path, sizeof(path), f), "no roster file under %s", srv.dir);
	pclose(f);
	path[strcspn(path, "\n")] = '\0';
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fprintf(f, "return {\n[false] = { version = 7; pending = {}; };\n");
	for (int i = 0; i < n; i++)
		fprintf(f,
		        "[\"contact%04d@localhost\"] = { subscription = \"both\"; name = \"Contact "
		        "%d\"; groups = { [\"Group %d\"] = true; }; };\n",
		        i, i, i % 10);
	fprintf(f, "};\n");
	cr_assert_eq(fclose(f), 0);
}

Test(roster, big_roster_loads_and_a_second_login_with_versioning_gets_no_items)
{
	const char *users[] = {"alice:wonderland", NULL};
	char cache[HARNESS_PATH_MAX];
	struct jproc *a;
	const char *line;

	write_big_roster("alice", 2000);
	cr_assert(prosody_start(&srv, users));
	cr_assert(harness_mkdtemp(cache, sizeof(cache), "jabiru-cache"));

	a = login_env("alice", "wonderland", cache);
	line = jproc_expect(a, "roster-loaded", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "count", "2000"), "%s", line);
	cr_expect(json_field_is(line, "cached", "false"), "%s", line);
	cr_expect_eq(count_events(a, "roster"), 2000);
	line = jproc_seen(a, "roster", "\"contact1999@localhost\"");
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "name", "Contact 1999"), "%s", line);
	jproc_close_stdin(a);
	cr_expect_eq(jproc_wait_exit(a, HARNESS_TIMEOUT_MS), 0);
	jproc_free(a);

	/* Same cache: the server answers the version with an empty result,
	 * and the items come from the cache. */
	a = login_env("alice", "wonderland", cache);
	line = jproc_expect(a, "roster-loaded", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "cached", "true"), "the server sent items again: %s", line);
	cr_expect(json_field_is(line, "count", "2000"), "%s", line);
	cr_expect_eq(count_events(a, "roster"), 2000);
	jproc_close_stdin(a);
	cr_expect_eq(jproc_wait_exit(a, HARNESS_TIMEOUT_MS), 0);
	jproc_free(a);
	{
		char rm[HARNESS_PATH_MAX + 16];

		snprintf(rm, sizeof(rm), "rm -rf '%s'", cache);
		cr_expect_eq(system(rm), 0);
	}
}

/* alice edits her roster from one login; a second login of hers sees every
 * change as a push. */
Test(roster, edits_are_seen_from_a_second_login)
{
	const char *users[] = {"alice:wonderland", "bob:builder", "carol:singer", NULL};
	struct jproc *a1, *a2;
	const char *line;

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users));
	a1 = login_env("alice", "wonderland", NULL);
	a2 = login_env("alice", "wonderland", NULL);
	cr_assert_not_null(jproc_expect(a1, "roster-loaded", NULL, HARNESS_TIMEOUT_MS));
	cr_assert_not_null(jproc_expect(a2, "roster-loaded", NULL, HARNESS_TIMEOUT_MS));

	cr_assert(jproc_send(a1, "/roster add carol@localhost \"Carol Singer\""));
	cr_assert_not_null(
	    jproc_expect(a1, "info", "Roster updated: carol@localhost", HARNESS_TIMEOUT_MS));
	line = jproc_expect_field(a2, "roster", "name", "Carol Singer", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "jid", "carol@localhost"), "%s", line);
	cr_expect(json_field_is(line, "subscription", "none"), "%s", line);
	cr_expect(strstr(line, "\"groups\":[]") != NULL, "%s", line);

	cr_assert(jproc_send(a1, "/roster name carol@localhost Caz"));
	line = jproc_expect_field(a2, "roster", "name", "Caz", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	/* /roster group keeps the name a1 knows: wait until a1 has it too. */
	cr_assert_not_null(jproc_expect_field(a1, "roster", "name", "Caz", HARNESS_TIMEOUT_MS));

	cr_assert(jproc_send(a1, "/roster group carol@localhost Work \"Choir 合唱\""));
	/* The server keeps groups as a set: any order. */
	line = jproc_expect(a2, "roster", "\"Choir 合唱\"", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "groups not set");
	cr_expect(strstr(line, "\"groups\":[\"Work\",\"Choir 合唱\"]") != NULL ||
	              strstr(line, "\"groups\":[\"Choir 合唱\",\"Work\"]") != NULL,
	          "%s", line);
	cr_expect(json_field_is(line, "name", "Caz"), "the name was lost: %s", line);

	cr_assert(jproc_send(a1, "/roster group carol@localhost"));
	line = jproc_expect(a2, "roster", "\"groups\":[]", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "groups not cleared");

	cr_assert(jproc_send(a1, "/roster"));
	cr_assert_not_null(jproc_expect(a1, "info", "Roster: 2 contacts", HARNESS_TIMEOUT_MS));
	cr_assert_not_null(jproc_expect(a1, "info", "carol@localhost (Caz)", HARNESS_TIMEOUT_MS));

	cr_assert(jproc_send(a1, "/roster remove carol@localhost"));
	line = jproc_expect(a2, "roster", "\"removed\":true", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "jid", "carol@localhost"), "%s", line);
	cr_assert_not_null(jproc_expect(a1, "info", "Removed carol@localhost", HARNESS_TIMEOUT_MS));

	/* errors are reported, nothing is lost */
	cr_assert(jproc_send(a1, "/roster name nobody@localhost X"));
	cr_assert_not_null(
	    jproc_expect_field(a1, "error", "code", "not-in-roster", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(a1, "/roster add not a jid"));
	cr_assert_not_null(jproc_expect_field(a1, "error", "code", "usage", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(a1, "/roster remove localhost"));
	cr_assert_not_null(jproc_expect(a1, "error", "refused", HARNESS_TIMEOUT_MS));

	jproc_free(a1);
	jproc_free(a2);
}

/* A push received while online moves the cached version on: the next login
 * still transfers no items, and has the pushed one. */
Test(roster, pushes_keep_the_cache_current)
{
	const char *users[] = {"alice:wonderland", "bob:builder", "carol:singer", NULL};
	char cache[HARNESS_PATH_MAX], rm[HARNESS_PATH_MAX + 16];
	struct jproc *a;
	const char *line;

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users));
	cr_assert(harness_mkdtemp(cache, sizeof(cache), "jabiru-cache"));
	a = login_env("alice", "wonderland", cache);
	cr_assert_not_null(jproc_expect(a, "roster-loaded", NULL, HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(a, "/roster add carol@localhost Carol"));
	cr_assert_not_null(
	    jproc_expect_field(a, "roster", "jid", "carol@localhost", HARNESS_TIMEOUT_MS));
	jproc_close_stdin(a);
	cr_expect_eq(jproc_wait_exit(a, HARNESS_TIMEOUT_MS), 0);
	jproc_free(a);

	a = login_env("alice", "wonderland", cache);
	line = jproc_expect(a, "roster-loaded", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "cached", "true"), "%s", line);
	cr_expect(json_field_is(line, "count", "2"), "%s", line);
	line = jproc_seen(a, "roster", "\"carol@localhost\"");
	cr_assert_not_null(line, "the pushed item is not in the cache");
	cr_expect(json_field_is(line, "name", "Carol"), "%s", line);
	jproc_free(a);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", cache);
	cr_expect_eq(system(rm), 0);
}

/* Two edits sent at once (a script, or a fast typist): the second set must
 * carry the first's change, not the item as it was before the first push
 * came back. Both reach the server: a second login sees name and group. */
Test(roster, two_quick_edits_both_reach_the_server)
{
	const char *users[] = {"alice:wonderland", "bob:builder", NULL};
	struct jproc *a1, *a2;
	const char *line;

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users));
	a1 = login_env("alice", "wonderland", NULL);
	cr_assert_not_null(jproc_expect(a1, "roster-loaded", NULL, HARNESS_TIMEOUT_MS));
	/* One write: nothing from the server can come between the two. */
	cr_assert(jproc_send(a1, "/roster name bob@localhost Bobby\n"
	                         "/roster group bob@localhost Pals"));
	cr_assert_not_null(
	    jproc_expect(a1, "info", "Roster updated: bob@localhost", HARNESS_TIMEOUT_MS));
	cr_assert_not_null(
	    jproc_expect(a1, "info", "Roster updated: bob@localhost", HARNESS_TIMEOUT_MS));
	jproc_close_stdin(a1);
	cr_expect_eq(jproc_wait_exit(a1, HARNESS_TIMEOUT_MS), 0);
	jproc_free(a1);

	a2 = login_env("alice", "wonderland", NULL);
	line = jproc_expect_field(a2, "roster", "jid", "bob@localhost", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "name", "Bobby"), "the name was lost: %s", line);
	cr_expect(strstr(line, "\"groups\":[\"Pals\"]") != NULL, "the group was lost: %s", line);
	jproc_free(a2);
}
