/* The roster pane's model: presence of the best resource, subscription
 * marks, names. (Drawing is covered by the tmux tests.) */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ui/rosterpane.h"

Test(rpane, presence_follows_best_resource)
{
	struct roster_pane *rp = rpane_new();
	const char *groups[] = {"Friends"};

	rpane_roster(rp, "bob@localhost", "Bob", groups, 1, "both", false, false);
	cr_assert_eq(rpane_pres(rp, "bob@localhost"), PRES_OFFLINE);
	cr_assert(rpane_presence(rp, "bob@localhost/a", NULL, NULL, 0));
	cr_assert_eq(rpane_pres(rp, "bob@localhost"), PRES_ONLINE);
	cr_assert(rpane_presence(rp, "bob@localhost/b", "away", "lunch", 5));
	cr_assert_eq(rpane_pres(rp, "BOB@localhost"), PRES_AWAY); /* higher priority wins */
	cr_assert_str_eq(rpane_status(rp, "bob@localhost"), "lunch");
	cr_assert(!rpane_presence(rp, "bob@localhost/b", "away", "lunch", 5));
	cr_assert(rpane_presence(rp, "bob@localhost/b", "offline", NULL, 0));
	cr_assert_eq(rpane_pres(rp, "bob@localhost"), PRES_ONLINE);
	cr_assert(rpane_presence(rp, "bob@localhost/a", "offline", NULL, 0));
	cr_assert_eq(rpane_pres(rp, "bob@localhost"), PRES_OFFLINE);
	cr_assert_str_eq(rpane_name(rp, "bob@localhost"), "Bob");
	cr_assert(!rpane_presence(rp, "stranger@localhost/x", NULL, NULL, 0));
	rpane_free(rp);
}

Test(rpane, names_are_sanitised_and_removal_works)
{
	struct roster_pane *rp = rpane_new();

	rpane_roster(rp, "eve@localhost", "E\033[2Jve", NULL, 0, "none", true, false);
	cr_assert_null(strchr(rpane_name(rp, "eve@localhost"), '\033'));
	rpane_roster(rp, "eve@localhost", NULL, NULL, 0, "remove", false, true);
	cr_assert_null(rpane_name(rp, "eve@localhost"));
	rpane_subscription(rp, "carol@localhost", "subscribe", true);
	cr_assert_eq(rpane_pres(rp, "carol@localhost"), PRES_OFFLINE);
	rpane_free(rp);
}

/* A flood of requests past the pending list's cap (the events say
 * "pending": false) adds no entry: the pane holds what the list keeps. */
Test(rpane, requests_not_kept_add_no_entry)
{
	struct roster_pane *rp = rpane_new();
	char jid[64];

	rpane_roster(rp, "bob@localhost", "Bob", NULL, 0, "both", false, false);
	for (int i = 0; i < 1000; i++) {
		snprintf(jid, sizeof(jid), "user%d@flood.example", i);
		rpane_subscription(rp, jid, "subscribe", true);
	}
	cr_assert_eq(rpane_count(rp), 1001);
	for (int i = 1000; i < 5000; i++) {
		snprintf(jid, sizeof(jid), "user%d@flood.example", i);
		rpane_subscription(rp, jid, "subscribe", false);
	}
	cr_expect_eq(rpane_count(rp), 1001, "the pane grew past the pending cap: %zu",
	             rpane_count(rp));
	/* answered: the stranger goes */
	rpane_subscription(rp, "user0@flood.example", "unsubscribe", false);
	cr_expect_eq(rpane_count(rp), 1000);
	rpane_free(rp);
}

/* A resource going offline, then a new one: no slot keeps another's
 * strings (this crashed with a double free once). */
Test(rpane, resources_come_and_go)
{
	struct roster_pane *rp = rpane_new();

	rpane_roster(rp, "bob@localhost", NULL, NULL, 0, "both", false, false);
	rpane_presence(rp, "bob@localhost/a", "away", "first", 1);
	rpane_presence(rp, "bob@localhost/b", "dnd", "second", 2);
	rpane_presence(rp, "bob@localhost/a", "offline", NULL, 0);
	cr_assert_str_eq(rpane_status(rp, "bob@localhost"), "second");
	rpane_presence(rp, "bob@localhost/c", "chat", "third", 3);
	cr_assert_str_eq(rpane_status(rp, "bob@localhost"), "third");
	cr_assert_eq(rpane_pres(rp, "bob@localhost"), PRES_CHAT);
	rpane_presence(rp, "bob@localhost/c", "offline", NULL, 0);
	cr_assert_str_eq(rpane_status(rp, "bob@localhost"), "second");
	cr_assert_eq(rpane_pres(rp, "bob@localhost"), PRES_DND);
	for (int i = 0; i < 40; i++) {
		char from[64];

		snprintf(from, sizeof(from), "bob@localhost/r%d", i);
		rpane_presence(rp, from, "online", "many", 0);
	}
	rpane_all_offline(rp);
	cr_assert_eq(rpane_pres(rp, "bob@localhost"), PRES_OFFLINE);
	cr_assert_null(rpane_status(rp, "bob@localhost"));
	rpane_free(rp);
}

/* Group names are shared between contacts: moving, renaming and removing
 * contacts keeps each group alive exactly as long as one uses it (the
 * sanitiser build checks for leaks and use after free). */
Test(rpane, shared_groups_follow_their_contacts)
{
	struct roster_pane *rp = rpane_new();
	const char *friends[] = {"Friends"}, *both[] = {"Friends", "Work"}, *work[] = {"Work"};

	rpane_roster(rp, "a@localhost", NULL, friends, 1, "both", false, false);
	rpane_roster(rp, "b@localhost", "B", both, 2, "both", false, false);
	rpane_roster(rp, "a@localhost", NULL, work, 1, "both", false, false);
	rpane_roster(rp, "b@localhost", NULL, NULL, 0, "remove", false, true);
	rpane_roster(rp, "c@localhost", NULL, friends, 1, "both", false, false);
	cr_assert_null(rpane_name(rp, "a@localhost"));
	cr_assert_null(rpane_name(rp, "b@localhost"));
	rpane_roster(rp, "a@localhost", NULL, NULL, 0, "remove", false, true);
	rpane_roster(rp, "c@localhost", NULL, NULL, 0, "remove", false, true);
	rpane_roster(rp, "d@localhost", NULL, both, 2, "both", false, false);
	rpane_free(rp);
}
