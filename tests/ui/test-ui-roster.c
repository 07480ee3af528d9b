/* The roster pane in a real terminal against a real Prosody: online
 * contacts in their groups ("no group" last), the offline ones after them in
 * one group, with presence symbols; an online contact stays on the screen
 * above many offline ones, and roster.offline hides those; following a contact
 * who comes online, goes away and goes offline, with the change shown in
 * the contact's chat window too, and /roster pane hiding the pane. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/harness.h"

static struct prosody srv;
static struct tmux term;
static struct jproc *bob, *dave;

static void setup(void)
{
	const char *users[] = {"alice:wonderland", "bob:builder", "carol:singer", "dave:diver",
	                       NULL};

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_roster(&srv, "alice", "carol@localhost", "Carol", NULL, "both"));
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
}

static void teardown(void)
{
	tmux_stop(&term);
	jproc_free(bob);
	jproc_free(dave);
	bob = dave = NULL;
	prosody_stop(&srv);
}

TestSuite(roster, .init = setup, .fini = teardown, .timeout = 120);

/* The row of the pane holding text: the screen line's part after the
 * separator (the pane is on the right). */
static bool pane_row(struct tmux *t, const char *row, int timeout_ms)
{
	char *want = malloc(strlen(row) + 8);
	bool ok;

	sprintf(want, "\xe2\x94\x82%s", row);
	ok = tmux_wait_for(t, want, timeout_ms);
	free(want);
	return ok;
}

Test(roster, pane_groups_and_follows_presence)
{
	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "wonderland", 100, 30, NULL, NULL),
	          "alice did not log in");
	/* Both contacts offline: listed in the offline group. */
	cr_assert(pane_row(&term, "offline", HARNESS_TIMEOUT_MS), "no offline group in the pane");
	cr_assert(pane_row(&term, " . bob", HARNESS_TIMEOUT_MS));
	cr_assert(pane_row(&term, " . Carol", HARNESS_TIMEOUT_MS));

	/* alice has bob's window open: presence changes show there too. */
	cr_assert(tmux_type_line(&term, "/msg bob@localhost"));
	cr_assert(tmux_wait_for(&term, "[2:bob]", HARNESS_TIMEOUT_MS));

	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);
	cr_assert(pane_row(&term, " o bob", HARNESS_TIMEOUT_MS), "bob does not show online");
	/* Online, in his group, above the offline ones. */
	cr_assert(pane_row(&term, "Friends", HARNESS_TIMEOUT_MS), "no Friends group in the pane");
	cr_expect(strstr(term.screen, "Friends") < strstr(term.screen, "offline"),
	          "the offline group is not last:\n%s", term.screen);
	cr_assert(jproc_send(bob, "/status away gone fishing"));
	cr_assert(pane_row(&term, " a bob", HARNESS_TIMEOUT_MS), "bob does not show away");
	cr_expect(tmux_wait_for(&term, "bob is now away: gone fishing", HARNESS_TIMEOUT_MS),
	          "the chat window does not tell bob went away");
	cr_expect(tmux_wait_for(&term, "(away): gone fishing", HARNESS_TIMEOUT_MS),
	          "the title bar does not show bob's presence");

	jproc_close_stdin(bob);
	cr_assert_eq(jproc_wait_exit(bob, HARNESS_TIMEOUT_MS), 0);
	cr_assert(pane_row(&term, " . bob", HARNESS_TIMEOUT_MS), "bob does not show offline");
	cr_expect(tmux_wait_for(&term, "bob is now offline", HARNESS_TIMEOUT_MS));

	/* A stranger asks for alice's presence: listed, marked pending. */
	dave = jproc_login(&srv, "dave", "diver", NULL);
	cr_assert_not_null(dave);
	cr_assert(jproc_send(dave, "/sub request alice@localhost"));
	cr_assert(pane_row(&term, " . dave@localhost ?", HARNESS_TIMEOUT_MS),
	          "the pending request is not marked in the pane");

	/* /roster pane hides it: no separator left on the screen. */
	cr_assert(tmux_type_line(&term, "/roster pane"));
	cr_expect(tmux_wait_gone(&term, "\xe2\x94\x82", HARNESS_TIMEOUT_MS),
	          "/roster pane did not hide the pane:\n%s", term.screen ? term.screen : "");
}

/* 30 offline contacts in groups and one online contact without a group,
 * on a 32-row terminal: the online one is on the screen, at the top; with
 * roster.offline false the offline ones go. */
static void setup_many_offline(void)
{
	const char *users[] = {"alice:wonderland", "bob:builder", NULL};
	char jid[64], group[32];

	for (int i = 0; i < 30; i++) {
		snprintf(jid, sizeof(jid), "contact%02d@localhost", i);
		snprintf(group, sizeof(group), "Group %d", i % 5);
		cr_assert(prosody_roster(&srv, "alice", jid, NULL, group, "both"));
	}
	cr_assert(prosody_roster(&srv, "alice", "bob@localhost", "bob", NULL, "both"));
	cr_assert(prosody_roster(&srv, "bob", "alice@localhost", "alice", NULL, "both"));
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
}

TestSuite(roster_offline, .init = setup_many_offline, .fini = teardown, .timeout = 120);

Test(roster_offline, an_online_contact_is_above_the_fold)
{
	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);
	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "wonderland", 100, 32, NULL, NULL),
	          "alice did not log in");
	cr_assert(pane_row(&term, " o bob", HARNESS_TIMEOUT_MS),
	          "the online contact is not on a 32-row screen");
	cr_expect(pane_row(&term, " . contact00@localhost", HARNESS_TIMEOUT_MS),
	          "offline contacts are not listed");
	cr_expect(strstr(term.screen, " o bob") < strstr(term.screen, "contact00"),
	          "the online contact is below the offline ones:\n%s", term.screen);

	cr_assert(tmux_type_line(&term, "/set roster.offline false"));
	cr_expect(tmux_wait_gone(&term, "contact00@localhost", HARNESS_TIMEOUT_MS),
	          "roster.offline false did not hide the offline contacts:\n%s",
	          term.screen ? term.screen : "");
	cr_expect(pane_row(&term, " o bob", HARNESS_TIMEOUT_MS), "bob went with them");
	cr_expect(strstr(term.screen, "Group 0") == NULL, "an empty group stayed:\n%s",
	          term.screen);
}
