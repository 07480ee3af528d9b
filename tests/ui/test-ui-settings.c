/* Screen settings from jabirurc and /set in a real terminal (tmux): the
 * time stamp format of ui.time_format is what stands before each line, and
 * /set ui.time_format redraws the lines with the new one at once. Formats
 * without conversions keep the test independent of the clock. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/harness.h"

static struct prosody srv;
static struct tmux term;
static char dir[HARNESS_PATH_MAX];
static char rc[HARNESS_PATH_MAX + 16];

static void setup(void)
{
	const char *users[] = {"alice:wonderland", NULL};

	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	cr_assert(harness_mkdtemp(dir, sizeof dir, "ui-settings"));
	snprintf(rc, sizeof rc, "%s/jabirurc", dir);
}

static void teardown(void)
{
	tmux_stop(&term);
	prosody_stop(&srv);
	if (dir[0] != '\0') {
		remove(rc);
		rmdir(dir);
		dir[0] = '\0';
	}
}

TestSuite(ui_settings, .init = setup, .fini = teardown, .timeout = 120);

Test(ui_settings, time_format_from_the_file_then_set_live)
{
	const char *args[] = {"--config", rc, NULL};
	FILE *f = fopen(rc, "w");

	cr_assert_not_null(f);
	fputs("ui.time_format = <<stamp>>\n", f);
	fclose(f);
	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "wonderland", 100, 30, args, NULL),
	          "alice did not log in");
	cr_assert(
	    tmux_wait_for(&term, "<<stamp>> Logged in as alice@localhost", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_type_line(&term, "/set ui.time_format [[new]]"));
	cr_expect(tmux_wait_for(&term, "[[new]] Logged in as alice@localhost", HARNESS_TIMEOUT_MS));
	cr_expect(tmux_wait_gone(&term, "<<stamp>>", HARNESS_TIMEOUT_MS),
	          "lines still show the old format");
	cr_assert(tmux_type_line(&term, "/quit"));
	cr_expect_eq(tmux_wait_exit(&term, HARNESS_TIMEOUT_MS), 0);
}
