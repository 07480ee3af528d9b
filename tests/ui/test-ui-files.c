/* File transfer on the screen: jabiru in tmux receives an offer from a
 * jabiru --batch, shows who offers what and how to answer, accepts it with
 * /files accept, and /files shows the finished transfer's row; and alice
 * in tmux at 80x24 sends to bob (batch, --accept-files) while her transfers
 * window shows the row moving, stalled midway (bob stopped) and done. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../harness/harness.h"

static struct prosody srv;
static struct tmux term;
static struct jproc *bob;
static char dir[HARNESS_PATH_MAX];

static void setup(void)
{
	const char *users[] = {"alice:wonderland", "bob:builder", NULL};

	cr_assert(harness_mkdtemp(dir, sizeof(dir), "ui-files"));
	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
}

static void teardown(void)
{
	char cmd[HARNESS_PATH_MAX + 16];

	tmux_stop(&term);
	jproc_free(bob);
	bob = NULL;
	prosody_stop(&srv);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(ui_files, .init = setup, .fini = teardown, .timeout = 120);

Test(ui_files, offer_shown_accepted_and_listed)
{
	char path[HARNESS_PATH_MAX + 32], full[128], line[HARNESS_PATH_MAX + 64];
	const char *env[] = {"JABIRU_FILE_METHODS=ibb", NULL};
	const char *p;
	FILE *f;

	snprintf(path, sizeof path, "%s/季度报告.txt", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("numbers\n", f);
	fclose(f);

	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "wonderland", 160, 30, NULL, env),
	          "alice did not log in");
	p = strstr(term.screen, "alice@localhost/");
	cr_assert_not_null(p);
	/* "Logged in as JID." : the full JID ends before the final dot. */
	snprintf(full, sizeof(full), "%.*s", (int)strcspn(p, " \n"), p);
	if (full[strlen(full) - 1] == '.')
		full[strlen(full) - 1] = '\0';

	setenv("JABIRU_FILE_METHODS", "ibb", 1);
	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);
	cr_assert(jproc_sendf(bob, "/sendfile %s \"%s\" quarterly numbers", full, path));

	cr_assert(tmux_wait_for(&term, "offers the file \"季度报告.txt\" (8 B): quarterly numbers",
	                        HARNESS_TIMEOUT_MS),
	          "the offer is not shown");
	cr_expect(tmux_wait_for(&term, "/files accept 1 [PATH]", HARNESS_TIMEOUT_MS),
	          "the offer does not say how to answer");
	snprintf(line, sizeof(line), "/files accept 1 %s/in", dir);
	{
		char sub[HARNESS_PATH_MAX + 32];

		snprintf(sub, sizeof(sub), "mkdir '%s/in'", dir);
		cr_assert_eq(system(sub), 0);
	}
	cr_assert(tmux_type_line(&term, line));
	cr_assert(tmux_wait_for(&term, "Transfer 1 done:", HARNESS_TIMEOUT_MS),
	          "the transfer did not finish on screen");
	cr_assert_not_null(jproc_expect(bob, "file-done", NULL, HARNESS_TIMEOUT_MS));
	cr_assert(tmux_type_line(&term, "/files"));
	cr_assert(tmux_wait_for(&term, "100%", HARNESS_TIMEOUT_MS),
	          "no full progress bar in /files");
	cr_expect(strstr(term.screen, "ibb") != NULL && strstr(term.screen, " done") != NULL,
	          "the row shows method and state");
	cr_assert(tmux_type_line(&term, "/quit"));
	cr_expect_eq(tmux_wait_exit(&term, HARNESS_TIMEOUT_MS), 0);
}

Test(ui_files, transfers_window_follows_a_transfer)
{
	char path[HARNESS_PATH_MAX + 64], in[HARNESS_PATH_MAX + 8];
	char line[HARNESS_PATH_MAX + 128];
	const char *env[] = {"JABIRU_FILE_METHODS=ibb", NULL};
	const char *bob_args[] = {"--accept-files", in, NULL};
	FILE *f;

	snprintf(in, sizeof in, "%s/in", dir);
	cr_assert_eq(mkdir(in, 0700), 0);
	/* Eight megabytes in-band take seconds, so bob reports progress
	 * before the end; the content does not matter. */
	snprintf(path, sizeof path, "%s/年度報告書の最終版と添付資料.bin", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	for (int i = 0; i < 8 * 1024; i++)
		for (int k = 0; k < 1024; k++)
			fputc('a' + (i + k) % 26, f);
	fclose(f);

	setenv("JABIRU_FILE_METHODS", "ibb", 1);
	bob = jproc_login(&srv, "bob", "builder", bob_args);
	cr_assert_not_null(bob);

	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "wonderland", 80, 24, NULL, env),
	          "alice did not log in");
	cr_assert(tmux_type_line(&term, "/files"));
	cr_assert(tmux_wait_for(&term, "No file transfers.", HARNESS_TIMEOUT_MS),
	          "the empty transfers window says so");
	snprintf(line, sizeof(line), "/sendfile bob@localhost %s", path);
	cr_assert(tmux_type_line(&term, line));
	/* Bob's first file-progress: bytes are moving. Stopped, bob answers
	 * no more blocks, so alice's row must stay midway. */
	cr_assert_not_null(jproc_expect(bob, "file-progress", NULL, 60000),
	                   "bob reports no progress");
	cr_assert_eq(kill(jproc_pid(bob), SIGSTOP), 0);
	cr_expect(tmux_wait_for(&term, "active", HARNESS_TIMEOUT_MS), "%s", term.screen);
	cr_expect(tmux_wait_for(&term, "%", HARNESS_TIMEOUT_MS), "no progress shown");
	cr_expect(strstr(term.screen, "-> bob ") != NULL, "%s", term.screen);
	cr_expect(strstr(term.screen, "8.0M") != NULL, "%s", term.screen);
	cr_expect(strstr(term.screen, "年度報告") != NULL, "%s", term.screen);
	cr_expect(strstr(term.screen, " ibb ") != NULL, "%s", term.screen);
	cr_expect(strstr(term.screen, "100%") == NULL, "the bar is full while stalled: %s",
	          term.screen);
	cr_assert_eq(kill(jproc_pid(bob), SIGCONT), 0);
	cr_assert_not_null(jproc_expect(bob, "file-done", NULL, 120000), "bob got no file");
	cr_expect(tmux_wait_for(&term, "100%", HARNESS_TIMEOUT_MS), "no full bar: %s", term.screen);
	cr_expect(tmux_wait_for(&term, "done", HARNESS_TIMEOUT_MS), "%s", term.screen);
	/* Narrower: columns go, the row still fits and tells the end. */
	cr_assert(tmux_resize(&term, 40, 24));
	cr_expect(tmux_wait_for(&term, "100%] done", HARNESS_TIMEOUT_MS), "%s", term.screen);
	cr_assert(tmux_type_line(&term, "/quit"));
	cr_expect_eq(tmux_wait_exit(&term, HARNESS_TIMEOUT_MS), 0);
}
