/* The window keys with readline in vi mode (~/.inputrc's "set editing-mode
 * vi"): Alt-1 and Alt-2 still switch windows, and typing still works. In a
 * real terminal (tmux) against a real Prosody. */
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
static char dir[256];

static void setup(void)
{
	const char *users[] = {"alice:wonderland", "bob:builder", NULL};

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	cr_assert(harness_mkdtemp(dir, sizeof dir, "keys"));
}

static void teardown(void)
{
	tmux_stop(&term);
	prosody_stop(&srv);
	harness_rmtree(dir);
}

TestSuite(keys, .init = setup, .fini = teardown, .timeout = 120);

static void start_alice_in_vi_mode(void)
{
	char inputrc[300], env_inputrc[320];
	const char *env[] = {env_inputrc, NULL};
	FILE *f;

	snprintf(inputrc, sizeof inputrc, "%s/inputrc", dir);
	f = fopen(inputrc, "w");
	cr_assert_not_null(f);
	fputs("set editing-mode vi\n", f);
	fclose(f);
	snprintf(env_inputrc, sizeof env_inputrc, "INPUTRC=%s", inputrc);
	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "wonderland", 100, 30, NULL, env));
}

Test(keys, window_keys_work_in_vi_mode)
{
	start_alice_in_vi_mode();
	cr_assert(tmux_type_line(&term, "/msg bob@localhost"));
	/* The chat window is active: its contact in the title. */
	cr_assert(tmux_wait_for(&term, "<bob@localhost> (", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_send_keys(&term, "M-1"));
	cr_assert(tmux_wait_for(&term, "— status window", HARNESS_TIMEOUT_MS),
	          "Alt-1 did not switch to the status window in vi mode");
	cr_assert(tmux_send_keys(&term, "M-2"));
	cr_assert(tmux_wait_for(&term, "<bob@localhost> (", HARNESS_TIMEOUT_MS),
	          "Alt-2 did not switch back in vi mode");
	/* Insert mode still types, and Enter still sends the command. */
	cr_assert(tmux_type_line(&term, "/win 1"));
	cr_assert(tmux_wait_for(&term, "— status window", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_type_line(&term, "/quit"));
	cr_expect_eq(tmux_wait_exit(&term, HARNESS_TIMEOUT_MS), 0);
}
