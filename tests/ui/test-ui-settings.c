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

/* Re-captures until text is no longer on the screen (bounded). */
static bool wait_gone(const char *text)
{
	long long deadline = harness_now_ms() + HARNESS_TIMEOUT_MS;

	do {
		char *screen = tmux_capture(&term);
		bool gone = screen != NULL && strstr(screen, text) == NULL;

		free(screen);
		if (gone)
			return true;
	} while (harness_now_ms() < deadline);
	return false;
}

Test(ui_settings, time_format_from_the_file_then_set_live)
{
	char port[16];
	const char *argv[] = {
	    harness_jabiru_bin(), "--config", rc,   "--jid",     "alice@localhost", "--server",
	    "127.0.0.1",          "--port",   port, "--ca-file", srv.ca_file,       NULL};
	const char *env[] = {"JABIRU_PASSWORD=wonderland", NULL};
	FILE *f = fopen(rc, "w");

	cr_assert_not_null(f);
	fputs("ui.time_format = <<stamp>>\n", f);
	fclose(f);
	snprintf(port, sizeof port, "%d", srv.c2s_port);
	cr_assert(tmux_start(&term, 100, 30, argv, env), "tmux did not start");
	cr_assert(
	    tmux_wait_for(&term, "<<stamp>> Logged in as alice@localhost", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_send_text(&term, "/set ui.time_format [[new]]"));
	cr_assert(tmux_send_keys(&term, "Enter"));
	cr_expect(tmux_wait_for(&term, "[[new]] Logged in as alice@localhost", HARNESS_TIMEOUT_MS));
	cr_expect(wait_gone("<<stamp>>"), "lines still show the old format");
	cr_assert(tmux_send_text(&term, "/quit"));
	cr_assert(tmux_send_keys(&term, "Enter"));
	cr_expect_eq(tmux_wait_exit(&term, HARNESS_TIMEOUT_MS), 0);
}
