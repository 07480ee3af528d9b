/* Automatic away (presence.auto_away): after the set number of idle
 * minutes the contacts see jabiru away, and the next key brings it back.
 * In a real terminal (tmux) against a real Prosody, with bob in batch mode
 * watching alice's presence. The setting counts in minutes, so this test
 * waits a little over one for the server to carry the change. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/harness.h"

/* One minute of idleness, plus room for a loaded machine. */
#define AWAY_TIMEOUT_MS 120000

static struct prosody srv;
static struct tmux term;
static struct jproc *bob;
static char dir[256];

static void setup(void)
{
	const char *users[] = {"alice:wonderland", "bob:builder", NULL};

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	cr_assert(harness_mkdtemp(dir, sizeof dir, "away"));
}

static void teardown(void)
{
	tmux_stop(&term);
	jproc_free(bob);
	bob = NULL;
	prosody_stop(&srv);
	harness_rmtree(dir);
}

TestSuite(away, .init = setup, .fini = teardown, .timeout = 300);

/* The next presence of alice's that bob sees with this show, skipping the
 * others (bob's own among them). */
static const char *alice_presence(const char *show)
{
	char want[32];
	const char *line;

	snprintf(want, sizeof want, "\"show\":\"%s\"", show);
	while ((line = jproc_expect(bob, "presence", "alice@localhost/", HARNESS_TIMEOUT_MS)) !=
	       NULL)
		if (strstr(line, want) != NULL)
			return line;
	return NULL;
}

Test(away, idle_alice_goes_away_and_a_key_brings_her_back)
{
	char rc[300];
	const char *args[] = {"--config", rc, NULL};
	const char *line;
	FILE *f;

	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);

	snprintf(rc, sizeof rc, "%s/jabirurc", dir);
	f = fopen(rc, "w");
	cr_assert_not_null(f);
	fputs("presence.auto_away = 1\n", f);
	fclose(f);
	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "wonderland", 100, 30, args, NULL));
	line = jproc_expect(bob, "presence", "alice@localhost/", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_assert(strstr(line, "\"show\":\"online\"") != NULL, "not available first: %s", line);

	/* No key for a minute: away, on alice's screen and for bob. */
	cr_assert(tmux_wait_for(&term, "Idle: your presence is now away.", AWAY_TIMEOUT_MS));
	line = alice_presence("away");
	cr_assert_not_null(line, "bob did not see alice away");
	cr_expect(strstr(line, "Away (idle)") != NULL, "no idle status: %s", line);

	/* A key: back, for both. */
	cr_assert(tmux_send_keys(&term, "Space"));
	cr_assert(tmux_wait_for(&term, "Back: your presence is online again.", HARNESS_TIMEOUT_MS));
	cr_assert_not_null(alice_presence("online"), "bob did not see alice back");
}
