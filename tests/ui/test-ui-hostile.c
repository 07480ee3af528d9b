/* What a terminal user sees when the server closes the stream with a
 * hostile text: one line in the status window, the text's control
 * characters shown as escapes, nothing obeyed (no clearing, no clipboard
 * write), and a prompt that still takes commands. The fault comes from the
 * scripted fake server: Prosody never sends such a text. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/fakeserver.h"
#include "../harness/harness.h"

static struct fakeserver fake;
static struct tmux term;

static void teardown(void)
{
	tmux_stop(&term);
	fakeserver_stop(&fake);
}

TestSuite(ui_hostile, .fini = teardown, .timeout = 120);

/* CSI 2J (clear the screen) and an OSC 52 clipboard write in C1 form: legal
 * in XML, obeyed by some terminals. */
#define HOSTILE "wipe\\xc2\\x9b2Jclip\\xc2\\x9d52;c;aGFja2Vk\\xc2\\x9cend"

/* Waits for a second "Logged in" below the "Disconnected" line, re-reading
 * the screen every few milliseconds up to the deadline. */
static bool logged_in_again(void)
{
	long long deadline = harness_now_ms() + HARNESS_TIMEOUT_MS;

	do {
		char *screen = tmux_capture(&term), *gone;
		bool ok = screen != NULL && (gone = strstr(screen, "Disconnected")) != NULL &&
		          strstr(gone, "Logged in as") != NULL;

		free(screen);
		if (ok)
			return true;
		usleep(20000);
	} while (harness_now_ms() < deadline);
	return false;
}

Test(ui_hostile, stream_error_text_is_shown_as_text)
{
	const char *args[] = {"--script", "wait:presence", "--script",
	                      "send:<stream:error><policy-violation "
	                      "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
	                      "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>" HOSTILE
	                      "</text></stream:error></stream:stream>",
	                      NULL};
	char config[HARNESS_PATH_MAX], port[16], *bufs;
	const char *argv[] = {
	    harness_jabiru_bin(), "--config",  config,   "--jid", "alice@localhost",
	    "--server",           "127.0.0.1", "--port", port,    NULL};
	const char *env[] = {"JABIRU_PASSWORD=any", NULL};

	cr_assert(fakeserver_start(&fake, args));
	cr_assert(fakeserver_config(&fake, NULL, config, sizeof config));
	snprintf(port, sizeof port, "%d", fake.port);
	cr_assert(tmux_start(&term, 120, 30, argv, env), "tmux did not start");
	/* The line may wrap: wait for its parts. */
	cr_assert(tmux_wait_for(&term, "wipe<U+009B>2Jclip<U+009D>52;c;aGFja2Vk<U+009C>end",
	                        HARNESS_TIMEOUT_MS),
	          "the stream error text is not shown with its controls escaped");
	cr_expect(strstr(term.screen, "Disconnected: stream error: policy-violation") != NULL,
	          "no line for the stream error:\n%s", term.screen);
	/* The lines before it are still there: nothing cleared the screen. */
	cr_expect(strstr(term.screen, "Logged in as alice@localhost") != NULL,
	          "the screen was cleared:\n%s", term.screen);
	bufs = tmux_buffers(&term);
	cr_expect(bufs != NULL && bufs[0] == '\0', "the clipboard was written: %s", bufs);
	free(bufs);

	/* Still usable: log in again (the fake server serves normally now). */
	cr_assert(tmux_send_text(&term, "/connect alice@localhost"));
	cr_assert(tmux_send_keys(&term, "Enter"));
	cr_expect(logged_in_again(), "no second login:\n%s", tmux_capture(&term));
	cr_assert(tmux_send_text(&term, "/quit"));
	cr_assert(tmux_send_keys(&term, "Enter"));
	cr_expect_eq(tmux_wait_exit(&term, HARNESS_TIMEOUT_MS), 0, "/quit should exit 0");
}
