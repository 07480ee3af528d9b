/* readline in callback mode. readline's API is global, so this module keeps
 * its state in one static struct; nothing else in jabiru does. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cmd/cmd.h"
#include "ui/input.h"
#include "util/str.h"
#include "util/utf8.h"

#define HISTORY_MAX 1000

static struct {
	struct ui *ui;
	const struct input_ops *ops;
	char *history_file;
	const unsigned char *feed; /* bytes read from the terminal, not yet eaten */
	size_t feed_len;
	/* secret prompt */
	bool secret;
	char *secret_prompt;
	void (*secret_done)(void *, char *);
	void *secret_ud;
} in;

static int input_getc(FILE *f)
{
	(void)f;
	if (in.feed_len == 0)
		return EOF;
	in.feed_len--;
	return *in.feed++;
}

/* Tells readline whether more bytes are queued: with none, a lone ESC is
 * taken as ESC at once instead of waiting for a sequence. */
static int input_available(void)
{
	return in.feed_len > 0;
}

static void input_redisplay(void)
{
	in.ops->dirty(in.ui);
}

static void on_line(char *line)
{
	if (line == NULL) {
		/* Ctrl-D on an empty line: treat as nothing typed. */
		return;
	}
	if (in.secret) {
		void (*done)(void *, char *) = in.secret_done;
		void *ud = in.secret_ud;

		in.secret = false;
		free(in.secret_prompt);
		in.secret_prompt = NULL;
		rl_set_prompt("");
		done(ud, line);
		in.ops->dirty(in.ui);
		return;
	}
	if (line[0] != '\0' && !cmd_is_secret(line)) {
		HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1)
						      : NULL;

		if (last == NULL || strcmp(last->line, line) != 0)
			add_history(line);
	}
	in.ops->line(in.ui, line);
}

static int bind_action(int action)
{
	in.ops->key(in.ui, action);
	return 0;
}

#define ACTION_FN(name, action)                      \
	static int name(int count, int key)          \
	{                                            \
		(void)count;                         \
		(void)key;                           \
		return bind_action(action);          \
	}
ACTION_FN(key_win1, INPUT_WIN_1)
ACTION_FN(key_win2, INPUT_WIN_1 + 1)
ACTION_FN(key_win3, INPUT_WIN_1 + 2)
ACTION_FN(key_win4, INPUT_WIN_1 + 3)
ACTION_FN(key_win5, INPUT_WIN_1 + 4)
ACTION_FN(key_win6, INPUT_WIN_1 + 5)
ACTION_FN(key_win7, INPUT_WIN_1 + 6)
ACTION_FN(key_win8, INPUT_WIN_1 + 7)
ACTION_FN(key_win9, INPUT_WIN_1 + 8)
ACTION_FN(key_win10, INPUT_WIN_1 + 9)
ACTION_FN(key_prev, INPUT_WIN_PREV)
ACTION_FN(key_next, INPUT_WIN_NEXT)
ACTION_FN(key_pgup, INPUT_PAGE_UP)
ACTION_FN(key_pgdn, INPUT_PAGE_DOWN)
ACTION_FN(key_redraw, INPUT_REDRAW)

static void bind_keys(void)
{
	static rl_command_func_t *const wins[] = {key_win1, key_win2, key_win3, key_win4,
						   key_win5, key_win6, key_win7, key_win8,
						   key_win9, key_win10};
	for (int i = 0; i < 10; i++) {
		char s[8];

		snprintf(s, sizeof(s), "\033%d", (i + 1) % 10);
		rl_bind_keyseq(s, wins[i]);
	}
	rl_bind_keyseq("\033[1;3D", key_prev);
	rl_bind_keyseq("\033[1;3C", key_next);
	rl_bind_keyseq("\033\033[D", key_prev);
	rl_bind_keyseq("\033\033[C", key_next);
	rl_bind_keyseq("\033[5~", key_pgup);
	rl_bind_keyseq("\033[6~", key_pgdn);
	rl_bind_keyseq("\f", key_redraw);
}

void input_init(struct ui *ui, const struct input_ops *ops, const char *history_file)
{
	in.ui = ui;
	in.ops = ops;
	in.history_file = history_file != NULL ? xstrdup(history_file) : NULL;
	rl_readline_name = "jabiru";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = input_getc;
	rl_input_available_hook = input_available;
	rl_redisplay_function = input_redisplay;
	rl_outstream = fopen("/dev/null", "w"); /* readline must never write */
	using_history();
	stifle_history(HISTORY_MAX);
	if (in.history_file != NULL)
		read_history(in.history_file);
	rl_callback_handler_install("", on_line);
	bind_keys();
}

void input_fini(void)
{
	rl_callback_handler_remove();
	if (in.history_file != NULL) {
		write_history(in.history_file);
		free(in.history_file);
		in.history_file = NULL;
	}
	free(in.secret_prompt);
	in.secret_prompt = NULL;
	if (rl_outstream != NULL && rl_outstream != stdout) {
		fclose(rl_outstream);
		rl_outstream = NULL;
	}
}

void input_feed(const char *bytes, size_t n)
{
	/* readline pulls bytes through input_getc and asks input_available
	 * whether more are queued, so an escape sequence that arrived in one
	 * read resolves at once. */
	in.feed = (const unsigned char *)bytes;
	in.feed_len = n;
	while (in.feed_len > 0)
		rl_callback_read_char();
	in.feed = NULL;
}

static size_t width_of(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int cw;

		i += utf8_decode(s + i, len - i, &cp);
		cw = utf8_cp_width(cp);
		w += cw < 0 ? 2 : (size_t)cw; /* controls drawn as ^X */
	}
	return w;
}

static void draw_text(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (cp < 0x20 || cp == 0x7f) {
			addch('^');
			addch(cp == 0x7f ? '?' : (chtype)(cp + '@'));
		} else {
			addnstr(s + i, (int)n);
		}
		i += n;
	}
}

void input_draw(int y, int cols)
{
	const char *prompt = in.secret ? in.secret_prompt : "";
	size_t pw = width_of(prompt, strlen(prompt));
	size_t start = 0, point = (size_t)rl_point, avail;

	move(y, 0);
	clrtoeol();
	draw_text(prompt, strlen(prompt));
	if (in.secret) {
		return; /* echo off: nothing of the secret is drawn */
	}
	avail = (size_t)cols > pw + 1 ? (size_t)cols - pw - 1 : 1;
	/* Scroll horizontally so the cursor stays visible. */
	while (width_of(rl_line_buffer + start, point - start) > avail) {
		uint32_t cp;
		start += utf8_decode(rl_line_buffer + start, point - start, &cp);
	}
	{
		size_t end = start, w = 0, len = strlen(rl_line_buffer);

		while (end < len) {
			uint32_t cp;
			size_t n = utf8_decode(rl_line_buffer + end, len - end, &cp);
			int cw = utf8_cp_width(cp);

			cw = cw < 0 ? 2 : cw;
			if (w + (size_t)cw > avail)
				break;
			w += (size_t)cw;
			end += n;
		}
		draw_text(rl_line_buffer + start, end - start);
	}
	move(y, (int)(pw + width_of(rl_line_buffer + start, point - start)));
}

void input_ask_secret(const char *prompt, void (*done)(void *ud, char *secret), void *ud)
{
	free(in.secret_prompt);
	in.secret_prompt = xstrdup(prompt);
	in.secret = true;
	in.secret_done = done;
	in.secret_ud = ud;
	rl_replace_line("", 0);
	in.ops->dirty(in.ui);
}

bool input_secret_pending(void)
{
	return in.secret;
}

void input_clear(void)
{
	rl_replace_line("", 0);
	rl_point = 0;
}
