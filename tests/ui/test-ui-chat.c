/* The curses UI in a real terminal (tmux): alice logs in, a message from bob
 * (jabiru --batch) shows up in the chat window (Alt-2, /win 2) where typed
 * text goes to bob, and /quit hands back a sane terminal. */
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
static struct jproc *bob;

static void setup(void)
{
	const char *users[] = {"alice:wonderland", "bob:builder", NULL};

	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
}

static void teardown(void)
{
	tmux_stop(&term);
	jproc_free(bob);
	bob = NULL;
	prosody_stop(&srv);
}

TestSuite(ui, .init = setup, .fini = teardown, .timeout = 120);

/* Runs jabiru ("$@"), then reports how it left the terminal: its exit
 * status and the line discipline's icanon/echo flags. The empty line first
 * keeps the report clear of whatever line the cursor was left on. */
#define REPORT                                                                                     \
	"\"$@\"; st=$?; echo; printf 'JABIRU-EXITED %s\\n' \"$st\"; printf 'TTY: '; "              \
	"stty -a | tr ' ;' '\\n\\n' | grep -x -e -icanon -e icanon -e -echo -e echo "              \
	"| tr '\\n' ' '; echo; exit \"$st\""

#define HELLO "Hello alice, \xe4\xbd\xa0\xe5\xa5\xbd from bob"

/* Presses key until text is on the screen or the deadline passes. */
static bool press_until(struct tmux *t, const char *key, const char *text, int timeout_ms)
{
	long long deadline = harness_now_ms() + timeout_ms;

	do {
		if (!tmux_send_keys(t, key))
			return false;
		if (tmux_wait_for_quiet(t, text, 1000))
			return true;
	} while (harness_now_ms() < deadline);
	return tmux_wait_for(t, text, 0);
}

static bool bob_gets(const char *body)
{
	const char *line = jproc_expect_field(bob, "message", "body", body, HARNESS_TIMEOUT_MS);

	if (line == NULL)
		return false;
	cr_expect(json_field_is(line, "type", "chat"), "%s", line);
	{
		char *from = json_field(line, "from");

		cr_expect(from != NULL && strncmp(from, "alice@localhost/", 16) == 0, "from: %s",
		          line);
		free(from);
	}
	return true;
}

Test(ui, message_shows_in_chat_window_and_quit_restores_terminal)
{
	const char *report[] = {"sh", "-c", REPORT, "sh", NULL};
	char *q, *screen;
	int st;

	cr_assert(
	    tmux_launch_jabiru(&term, report, &srv, "alice", "wonderland", 100, 30, NULL, NULL),
	    "tmux did not start");

	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);

	/* Sent to the bare JID: it reaches alice whether she is already online
	 * or logs in later (offline storage), so no race with her login. */
	cr_assert(jproc_send(bob, "/msg alice@localhost " HELLO));
	cr_assert_not_null(jproc_expect(bob, "message-sent", NULL, HARNESS_TIMEOUT_MS));

	/* Alt-2: bob's chat window, with the message. It exists once the
	 * message has arrived, which the screen need not tell in words: press
	 * again until it shows, as a user would. */
	cr_assert(press_until(&term, "M-2", HELLO, HARNESS_TIMEOUT_MS),
	          "Alt-2 does not show the message from bob");

	/* Plain text typed there goes to bob. */
	cr_assert(tmux_type_line(&term, "hi bob, typed in the chat window"));
	cr_assert(bob_gets("hi bob, typed in the chat window"),
	          "text typed after Alt-2 did not reach bob");
	cr_expect(tmux_wait_for(&term, "hi bob, typed in the chat window", HARNESS_TIMEOUT_MS),
	          "alice's own line is not shown in the chat window");

	/* The same through /win. */
	cr_assert(tmux_type_line(&term, "/win 1"));
	cr_assert(tmux_type_line(&term, "/win 2"));
	cr_assert(tmux_type_line(&term, "and again after /win 2"));
	cr_assert(bob_gets("and again after /win 2"), "text typed after /win 2 did not reach bob");

	/* /quit: jabiru exits 0 and leaves the terminal as it found it. */
	cr_assert(tmux_type_line(&term, "/quit"));
	st = tmux_wait_exit(&term, HARNESS_TIMEOUT_MS);
	/* The pane is dead now (or the wait timed out): the screen is final. */
	screen = tmux_capture(&term);
	cr_assert_not_null(screen);
	cr_expect_eq(st, 0, "jabiru's exit status is %d; the screen:\n%s", st, screen);
	cr_expect(strstr(screen, "JABIRU-EXITED 0") != NULL, "no exit report:\n%s", screen);
	cr_expect(strstr(screen, "TTY: icanon echo") != NULL,
	          "the terminal was left in raw or no-echo mode:\n%s", screen);
	free(screen);
	q = tmux_query(&term, "#{alternate_on}");
	cr_expect(q != NULL && strcmp(q, "0") == 0, "still on the alternate screen (%s)",
	          q ? q : "?");
	free(q);
}

/* A stranger's message (from a domain the server's component stands in
 * for) opens a chat window that says, beside it, how to block them; a
 * contact's does not. */
Test(ui, a_strangers_message_comes_with_the_block_hint)
{
	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "wonderland", 200, 30, NULL, NULL),
	          "alice did not log in");
	cr_assert(prosody_component_send(&srv, "alice@localhost", "message", 1, NULL));
	cr_assert(press_until(&term, "M-2", "message 0", HARNESS_TIMEOUT_MS),
	          "Alt-2 does not show the stranger's message");
	cr_expect(tmux_wait_for(&term, "if it is spam, /block spammer@remote.localhost stops it",
	                        HARNESS_TIMEOUT_MS),
	          "no hint beside the stranger's message:\n%s", term.screen);

	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);
	cr_assert(jproc_send(bob, "/msg alice@localhost " HELLO));
	cr_assert(press_until(&term, "M-3", HELLO, HARNESS_TIMEOUT_MS),
	          "Alt-3 does not show bob's message");
	cr_expect(strstr(term.screen, "/block bob@localhost") == NULL,
	          "a contact was offered the block:\n%s", term.screen);
}
