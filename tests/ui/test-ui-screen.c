/* The curses screen in a real terminal (tmux) against a real Prosody:
 * unread marks in the window bar, wrapping of Chinese text at the right
 * column, hostile escape sequences shown as text, resizing, and the
 * prompt's history, tab completion and bracketed paste. */
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

TestSuite(screen, .init = setup, .fini = teardown, .timeout = 120);

/* alice in a cols x rows tmux, logged in; bob in batch mode, logged in. */
static void start_both(int cols, int rows)
{
	cr_assert(tmux_start_jabiru(&term, &srv, "alice", "wonderland", cols, rows, NULL, NULL),
	          "alice did not log in");
	bob = jproc_login(&srv, "bob", "builder", NULL);
	cr_assert_not_null(bob);
}

static void bob_says(const char *body)
{
	cr_assert(jproc_sendf(bob, "/msg alice@localhost %s", body));
	cr_assert_not_null(jproc_expect(bob, "message-sent", NULL, HARNESS_TIMEOUT_MS));
}

/* 40 different Chinese characters, two columns each. */
static const char *const hanzi[] = {
    "春", "夏", "秋", "冬", "东", "南", "西", "北", "上", "下", "左", "右", "山", "水",
    "日", "月", "风", "雨", "花", "草", "金", "木", "火", "土", "天", "地", "人", "心",
    "手", "口", "耳", "目", "大", "小", "多", "少", "长", "短", "高", "低",
};

static char *join(size_t from, size_t to)
{
	char *s = calloc(1, 4 * 40 + 1);

	for (size_t i = from; i < to; i++)
		strcat(s, hanzi[i]);
	return s;
}

Test(screen, unread_mark_chinese_wrap_escapes_and_resize)
{
	char *all = join(0, 40), *row1, *row2, *want, *bufs;

	/* 100 columns: the roster pane takes 24 and the separator 1, leaving
	 * 75; "HH:MM bob: " takes 11, so 64 columns, 32 characters a row. */
	start_both(100, 30);
	bob_says("hello from bob");
	cr_assert(tmux_wait_for(&term, "2:bob(1)", HARNESS_TIMEOUT_MS),
	          "the window bar does not mark bob's window as unread");
	cr_expect(strstr(term.screen, "hello from bob") == NULL,
	          "bob's message shows in the status window");

	bob_says(all);
	/* An ESC cannot travel in XML; C1 controls (CSI U+009B, OSC U+009D,
	 * ST U+009C) can, and some terminals obey them. */
	bob_says("clear\xc2\x9b"
	         "2Jclip\xc2\x9d"
	         "52;c;aGFja2Vk\xc2\x9c"
	         "end");
	cr_assert(tmux_wait_for(&term, "2:bob(3)", HARNESS_TIMEOUT_MS));

	cr_assert(tmux_send_keys(&term, "M-2"));
	cr_assert(tmux_wait_for(&term, "hello from bob", HARNESS_TIMEOUT_MS));
	row1 = join(0, 32);
	row2 = join(32, 40);
	want = malloc(strlen(row1) + 32);
	sprintf(want, "bob: %s\xe2\x94\x82", row1); /* then the pane's separator */
	cr_expect(tmux_wait_for(&term, want, HARNESS_TIMEOUT_MS),
	          "the first row does not end at column 75");
	sprintf(want, "\n           %s ", row2);
	cr_expect(strstr(term.screen, want) != NULL, "the second row is wrong:\n%s", term.screen);
	cr_expect(tmux_wait_for(&term, "clear<U+009B>2Jclip<U+009D>52;c;aGFja2Vk<U+009C>end",
	                        HARNESS_TIMEOUT_MS),
	          "the control characters are not shown as text");
	cr_expect(strstr(term.screen, "hello from bob") != NULL, "the screen was cleared");
	cr_expect(strstr(term.screen, "[1:status] 2:bob ") != NULL ||
	              strstr(term.screen, " 1:status [2:bob]") != NULL,
	          "window 2 is not marked active:\n%s", term.screen);
	bufs = tmux_buffers(&term);
	cr_expect(bufs != NULL && bufs[0] == '\0', "the clipboard was written: %s", bufs);
	free(bufs);

	/* Narrower: no pane under 60 columns, the text reflows, nothing lost. */
	cr_assert(tmux_resize(&term, 50, 20));
	/* 50 - 11 = 39 columns: 19 characters a row. Wait for the reflowed
	 * row itself: until the redraw, tmux shows the old lines cut short. */
	free(row1);
	row1 = join(0, 19);
	sprintf(want, "bob: %s\n", row1);
	cr_expect(tmux_wait_for(&term, want, HARNESS_TIMEOUT_MS), "no reflow at 50 columns:\n%s",
	          term.screen);
	cr_expect(strstr(term.screen, "hello from bob") != NULL, "lost a line:\n%s", term.screen);
	cr_expect(strstr(term.screen, "\xe2\x94\x82") == NULL, "the pane did not hide");
	cr_assert(tmux_resize(&term, 120, 30));
	cr_expect(tmux_wait_for(&term, "<U+009D>52;c;aGFja2Vk<U+009C>end", HARNESS_TIMEOUT_MS));
	cr_expect(strstr(term.screen, "hello from bob") != NULL);
	free(all);
	free(row1);
	free(row2);
	free(want);
}

Test(screen, history_completion_and_paste)
{
	start_both(100, 30);
	bob_says("ping");
	cr_assert(tmux_wait_for(&term, "2:bob(1)", HARNESS_TIMEOUT_MS));

	/* Tab completes a JID known from the chat (and the roster). */
	cr_assert(tmux_send_text(&term, "/msg bo"));
	cr_assert(tmux_send_keys(&term, "Tab"));
	cr_assert(tmux_wait_for(&term, "\n/msg bob@localhost", HARNESS_TIMEOUT_MS),
	          "Tab did not complete bob's JID");
	cr_assert(tmux_type_line(&term, "completed"));
	cr_assert_not_null(
	    jproc_expect_field(bob, "message", "body", "completed", HARNESS_TIMEOUT_MS));

	/* Up recalls the line typed before. */
	cr_assert(tmux_type_line(&term, "/help win"));
	cr_assert(tmux_wait_for(&term, "switch to window N", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_send_keys(&term, "Up"));
	cr_assert(tmux_wait_for(&term, "\n/help win", HARNESS_TIMEOUT_MS),
	          "Up did not recall the last line");
	cr_assert(tmux_send_keys(&term, "Up"));
	cr_assert(tmux_wait_for(&term, "\n/msg bob@localhost completed", HARNESS_TIMEOUT_MS),
	          "Up Up did not recall the line before");
	cr_assert(tmux_send_keys(&term, "C-u"));

	/* A paste of three lines into bob's window is one message. */
	cr_assert(tmux_send_keys(&term, "M-2"));
	cr_assert(tmux_wait_for(&term, "[2:bob]", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_paste(&term, "first line\nsecond line\nthird line\n"));
	cr_assert(tmux_wait_for(&term, "first line^Jsecond line^Jthird line", HARNESS_TIMEOUT_MS),
	          "the paste is not in the prompt");
	cr_assert(tmux_send_keys(&term, "Enter"));
	cr_assert_not_null(jproc_expect_field(bob, "message", "body",
	                                      "first line\nsecond line\nthird line",
	                                      HARNESS_TIMEOUT_MS),
	                   "the paste did not arrive as one message");
	jproc_drain(bob);
	cr_expect_null(jproc_seen(bob, "message", "\"body\":\"first line\""),
	               "the paste was sent line by line");
	cr_assert(tmux_wait_for(&term, "me: first line", HARNESS_TIMEOUT_MS));

	/* /clear empties the window. */
	cr_assert(tmux_type_line(&term, "/clear"));
	cr_expect(tmux_wait_gone(&term, "me: first line", HARNESS_TIMEOUT_MS),
	          "/clear left the window's lines");
}

/* The first "msg NN" on the screen, or "" (static buffer). */
static const char *top_msg(const char *screen)
{
	static char out[8];
	const char *p = strstr(screen, "msg ");

	snprintf(out, sizeof(out), "%.6s", p != NULL ? p : "");
	return out;
}

/* 80x24: PageUp shows history and stays there while messages arrive, with
 * a "more below" mark; PageDown comes back to the newest line. */
Test(screen, scrolling_keeps_the_view)
{
	char before[8];

	start_both(80, 24);
	for (int i = 1; i <= 40; i++) {
		char body[16];

		snprintf(body, sizeof(body), "msg %02d", i);
		bob_says(body);
	}
	cr_assert(tmux_wait_for(&term, "2:bob(40)", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_send_keys(&term, "M-2"));
	cr_assert(tmux_wait_for(&term, "msg 40", HARNESS_TIMEOUT_MS));
	cr_assert(tmux_send_keys(&term, "PageUp"));
	cr_assert(tmux_wait_for(&term, "-- scrolled up --", HARNESS_TIMEOUT_MS));
	cr_expect(strstr(term.screen, "msg 40") == NULL, "PageUp did not scroll:\n%s", term.screen);
	snprintf(before, sizeof(before), "%s", top_msg(term.screen));

	bob_says("late news");
	cr_assert(tmux_wait_for(&term, "-- more below --", HARNESS_TIMEOUT_MS),
	          "no mark for the new message below");
	cr_expect(strstr(term.screen, "late news") == NULL, "the view jumped to the new line");
	cr_expect_str_eq(top_msg(term.screen), before, "the view moved:\n%s", term.screen);

	/* A page down per press: the new line is at most two pages down. */
	for (int i = 0; i < 2 && strstr(term.screen, "late news") == NULL; i++) {
		cr_assert(tmux_send_keys(&term, "PageDown"));
		tmux_wait_for_quiet(&term, "late news", 2000);
	}
	cr_assert(tmux_wait_for(&term, "late news", HARNESS_TIMEOUT_MS));
	cr_expect(strstr(term.screen, "-- more below --") == NULL);
	cr_expect(strstr(term.screen, "-- scrolled up --") == NULL);
}
