/* Wrapping (window_wrap) with wide and combining characters, and the
 * window's bounded scrollback. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/window.h"
#include "util/utf8.h"

struct rows {
	char r[64][128];
	size_t n;
};

static void collect(void *ud, const char *row, size_t len)
{
	struct rows *rs = ud;

	cr_assert_lt(rs->n, 64);
	cr_assert_lt(len, 128);
	memcpy(rs->r[rs->n], row, len);
	rs->r[rs->n++][len] = '\0';
}

static struct rows wrap(const char *text, size_t width)
{
	struct rows rs = {0};
	size_t n = window_wrap(text, width, collect, &rs);

	cr_assert_eq(n, rs.n);
	for (size_t i = 0; i < rs.n; i++)
		cr_assert_leq(utf8_width(rs.r[i], strlen(rs.r[i])), width, "row %zu '%s' too wide",
		              i, rs.r[i]);
	return rs;
}

Test(window_wrap, breaks_at_spaces)
{
	struct rows rs = wrap("the quick brown fox jumps", 10);

	cr_assert_eq(rs.n, 3);
	cr_assert_str_eq(rs.r[0], "the quick ");
	cr_assert_str_eq(rs.r[1], "brown fox ");
	cr_assert_str_eq(rs.r[2], "jumps");
}

Test(window_wrap, long_word_breaks_cleanly)
{
	struct rows rs = wrap("see https://example.org/aaaaaaaaaaaaaaaaaaaa now", 12);

	cr_assert_str_eq(rs.r[0], "see ");
	cr_assert_str_eq(rs.r[1], "https://exam");
	cr_assert_str_eq(rs.r[2], "ple.org/aaaa");
	cr_assert_str_eq(rs.r[3], "aaaaaaaaaaaa");
	cr_assert_str_eq(rs.r[4], "aaaa now");
}

/* 你好世界 are two columns each: five of them never fit in 9 columns. */
Test(window_wrap, cjk_counts_two_columns)
{
	struct rows rs = wrap("你好世界你好世界你好", 9);

	cr_assert_eq(rs.n, 3);
	cr_assert_str_eq(rs.r[0], "你好世界");
	cr_assert_str_eq(rs.r[1], "你好世界");
	cr_assert_str_eq(rs.r[2], "你好");
}

Test(window_wrap, wide_char_never_split_over_the_edge)
{
	struct rows rs = wrap("ab你好", 3);

	cr_assert_str_eq(rs.r[0], "ab");
	cr_assert_str_eq(rs.r[1], "你");
	cr_assert_str_eq(rs.r[2], "好");
}

/* e + U+0301 (combining acute) is one column and stays with its base. */
Test(window_wrap, combining_marks_stay_with_their_base)
{
	struct rows rs = wrap("e\xcc\x81\xcc\x81"
	                      "e\xcc\x81"
	                      "e\xcc\x81"
	                      "e\xcc\x81",
	                      2);

	cr_assert_eq(rs.n, 2);
	cr_assert_str_eq(rs.r[0], "e\xcc\x81\xcc\x81"
	                          "e\xcc\x81");
	cr_assert_str_eq(rs.r[1], "e\xcc\x81"
	                          "e\xcc\x81");
}

Test(window_wrap, honours_newlines)
{
	struct rows rs = wrap("one\ntwo\n\nthree", 20);

	cr_assert_eq(rs.n, 4);
	cr_assert_str_eq(rs.r[0], "one");
	cr_assert_str_eq(rs.r[1], "two");
	cr_assert_str_eq(rs.r[2], "");
	cr_assert_str_eq(rs.r[3], "three");
}

Test(window_wrap, empty_text_is_one_row)
{
	cr_assert_eq(window_wrap("", 10, NULL, NULL), 1);
}

Test(window_wrap, wider_than_window_char_alone)
{
	struct rows rs = {0};

	/* It cannot fit: it gets a row of its own rather than looping. */
	cr_assert_eq(window_wrap("你", 1, collect, &rs), 1);
	cr_assert_str_eq(rs.r[0], "你");
}

Test(window, scrollback_is_bounded_and_sanitised)
{
	struct window *w = window_new(WIN_CHAT, "bob@localhost", "bob@localhost", 3);

	for (int i = 0; i < 10; i++) {
		char text[16];

		snprintf(text, sizeof(text), "line %d", i);
		window_add(w, LINE_IN, 0, "bob", text);
	}
	cr_assert_eq(w->count, 3);
	cr_assert_str_eq(window_line(w, 0)->text, "line 7");
	cr_assert_str_eq(window_line(w, 2)->text, "line 9");
	window_add(w, LINE_IN, 0, "b\033ob", "\033[2J\033]52;c;aGk=\007");
	cr_assert_null(strchr(window_line(w, 2)->text, '\033'));
	cr_assert_null(strchr(window_line(w, 2)->who, '\033'));
	cr_assert_null(strchr(window_line(w, 2)->text, '\007'));
	window_free(w);
}

Test(window, scrollback_grows_in_order_then_drops_the_oldest)
{
	/* The ring is grown as lines come (64, 128, then the limit of 200):
	 * every line keeps its place across each growth and the wrap. */
	struct window *w = window_new(WIN_CHAT, "bob@localhost", "bob@localhost", 200);
	char text[16];

	for (int i = 0; i < 450; i++) {
		snprintf(text, sizeof(text), "line %d", i);
		window_add(w, LINE_IN, 0, "bob", text);
		if (i == 99 || i == 199) {
			for (int k = 0; k <= i; k++) {
				snprintf(text, sizeof(text), "line %d", k);
				cr_assert_str_eq(window_line(w, (size_t)k)->text, text);
			}
		}
	}
	cr_assert_eq(w->count, 200);
	for (int k = 0; k < 200; k++) {
		snprintf(text, sizeof(text), "line %d", 250 + k);
		cr_assert_str_eq(window_line(w, (size_t)k)->text, text);
	}
	cr_assert_null(window_line(w, 200));
	window_clear(w);
	window_add(w, LINE_IN, 0, "bob", "after clear");
	cr_assert_eq(w->count, 1);
	cr_assert_str_eq(window_line(w, 0)->text, "after clear");
	window_free(w);
}

/* A peer's huge body is kept cut, with a note saying how much is missing;
 * a character is never cut in two. */
Test(window, long_line_is_bounded)
{
	struct window *w = window_new(WIN_CHAT, "bob@localhost", "bob@localhost", 100);
	size_t len = 3 * WINDOW_LINE_MAX + 1;
	char *text = malloc(len + 1);
	const char *t;

	cr_assert_not_null(text);
	text[0] = 'x';
	for (size_t i = 1; i < len; i += 3)
		memcpy(text + i, "\xe2\x82\xac", 3); /* U+20AC, 3 bytes */
	text[len] = '\0';
	window_add(w, LINE_IN, 0, "bob", text);
	t = window_line(w, 0)->text;
	cr_assert_lt(strlen(t), WINDOW_LINE_MAX + 100);
	cr_assert(utf8_valid(t, strlen(t)));
	cr_assert_not_null(strstr(t, "more bytes not kept]"), "no note: ...%s", t + strlen(t) - 40);
	window_add(w, LINE_IN, 0, "bob", "short");
	cr_assert_str_eq(window_line(w, 1)->text, "short");
	free(text);
	window_free(w);
}
