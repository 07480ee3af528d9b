/* readline in callback mode. readline's API is global and its callbacks
 * carry no user data, so this module keeps its state in one static struct.
 * The other file-scope state in jabiru is there for the same kind of reason
 * (HACKING.md, "Rules", lists it). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "ui/input.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/utf8.h"

#define HISTORY_MAX 1000

static struct {
	struct ui *ui;
	const struct input_ops *ops;
	char *history_file;
	const unsigned char *feed; /* bytes read from the terminal, not yet eaten */
	size_t feed_len;
	/* bracketed paste: bytes between ESC[200~ and ESC[201~ */
	bool pasting;
	struct buf paste;
	/* secret prompt */
	bool secret;
	char *secret_prompt;
	void (*secret_done)(void *, char *);
	void *secret_ud;
	bool vi_bound; /* the window keys are in the vi maps too */
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
	if (line[0] != '\0' && in.ops->history_ok(in.ui, line)) {
		HIST_ENTRY *last =
		    history_length > 0 ? history_get(history_base + history_length - 1) : NULL;

		if (last == NULL || strcmp(last->line, line) != 0) {
			add_history(line);
			/* Kept at once, so a crash loses nothing typed. */
			if (in.history_file != NULL)
				append_history(1, in.history_file);
		}
	}
	in.ops->line(in.ui, line);
}

static int bind_action(int action)
{
	in.ops->key(in.ui, action);
	return 0;
}

#define ACTION_FN(name, action)                                                                    \
	static int name(int count, int key)                                                        \
	{                                                                                          \
		(void)count;                                                                       \
		(void)key;                                                                         \
		return bind_action(action);                                                        \
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
ACTION_FN(key_pane, INPUT_PANE_TOGGLE)
ACTION_FN(key_pane_up, INPUT_PANE_UP)
ACTION_FN(key_pane_down, INPUT_PANE_DOWN)

static const struct {
	const char *seq;
	rl_command_func_t *fn;
} keys[] = {
    {"\0331", key_win1},      {"\0332", key_win2},        {"\0333", key_win3},
    {"\0334", key_win4},      {"\0335", key_win5},        {"\0336", key_win6},
    {"\0337", key_win7},      {"\0338", key_win8},        {"\0339", key_win9},
    {"\0330", key_win10},     {"\033[1;3D", key_prev},    {"\033[1;3C", key_next},
    {"\033\033[D", key_prev}, {"\033\033[C", key_next},   {"\033[5~", key_pgup},
    {"\033[6~", key_pgdn},    {"\f", key_redraw},         {"\033OQ", key_pane},
    {"\033[12~", key_pane},   {"\033[5;3~", key_pane_up}, {"\033[6;3~", key_pane_down},
};

static void bind_keys(Keymap map)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		rl_bind_keyseq_in_map(keys[i].seq, keys[i].fn, map);
}

/* The window keys are in the emacs map from the start, and in both vi maps
 * as soon as vi mode is on (~/.inputrc's "set editing-mode vi", or a key
 * that switches): each escape-sequence prefix bound costs readline a 4 KB
 * keymap, about 120 KB for the two vi maps, kept for nothing by the many
 * who never use vi mode. */
static void bind_vi_keys_once(void)
{
	if (rl_editing_mode != 0 /* vi_mode */ || in.vi_bound)
		return;
	bind_keys(vi_insertion_keymap);
	bind_keys(vi_movement_keymap);
	in.vi_bound = true;
}

static void show_matches(char **matches, int n, int max_len)
{
	struct buf b;

	(void)max_len;
	buf_init(&b);
	for (int i = 1; i <= n && b.len < 2000; i++) {
		buf_puts(&b, matches[i]);
		buf_puts(&b, "  ");
	}
	in.ops->matches(in.ui, buf_cstr(&b));
	buf_free(&b);
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
	/* A pasted multi-line message stays one entry across restarts: with
	 * time stamps in the file, readline joins the lines of an entry. */
	history_write_timestamps = 1;
	history_multiline_entries = 1;
	if (in.history_file != NULL)
		read_history(in.history_file);
	rl_completion_display_matches_hook = show_matches;
	/* Our own paste handling below replaces readline's. */
	rl_variable_bind("enable-bracketed-paste", "off");
	rl_callback_handler_install("", on_line);
	bind_keys(emacs_standard_keymap);
	bind_vi_keys_once();
	buf_init(&in.paste);
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
	buf_free(&in.paste);
	if (rl_outstream != NULL && rl_outstream != stdout) {
		fclose(rl_outstream);
		rl_outstream = NULL;
	}
}

#define PASTE_BEGIN "\033[200~"
#define PASTE_END   "\033[201~"

static void feed_readline(const char *bytes, size_t n)
{
	/* readline pulls bytes through input_getc and asks input_available
	 * whether more are queued, so an escape sequence that arrived in one
	 * read resolves at once. */
	in.feed = (const unsigned char *)bytes;
	in.feed_len = n;
	bind_vi_keys_once();
	while (in.feed_len > 0)
		rl_callback_read_char();
	in.feed = NULL;
}

/* A paste goes into the prompt as text, newlines included: Enter then sends
 * it as one message. CR (what terminals paste for a newline) becomes LF;
 * the trailing newline is dropped. */
static void paste_done(void)
{
	char *p = in.paste.data;
	size_t n = in.paste.len;

	for (size_t i = 0; i < n; i++)
		if (p[i] == '\r')
			p[i] = (i + 1 < n && p[i + 1] == '\n') ? '\0' : '\n';
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\0'))
		n--;
	{
		char *text = xmalloc(n + 1);
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (p[i] != '\0')
				text[k++] = p[i];
		text[k] = '\0';
		if (!in.secret || k > 0)
			rl_insert_text(text);
		free(text);
	}
	buf_clear(&in.paste);
	in.ops->dirty(in.ui);
}

void input_feed(const char *bytes, size_t n)
{
	while (n > 0) {
		const char *mark;

		if (in.pasting) {
			size_t before = in.paste.len;

			buf_append(&in.paste, bytes, n);
			mark = memmem(in.paste.data, in.paste.len, PASTE_END, strlen(PASTE_END));
			if (mark == NULL)
				return;
			{
				/* Bytes after the end mark are typed keys again. */
				size_t end = (size_t)(mark - in.paste.data) + strlen(PASTE_END);
				size_t used = end - before;

				in.paste.len = (size_t)(mark - in.paste.data);
				in.pasting = false;
				paste_done();
				bytes += used;
				n -= used;
			}
			continue;
		}
		mark = memmem(bytes, n, PASTE_BEGIN, strlen(PASTE_BEGIN));
		if (mark == NULL) {
			feed_readline(bytes, n);
			return;
		}
		if (mark > bytes)
			feed_readline(bytes, (size_t)(mark - bytes));
		n -= (size_t)(mark - bytes) + strlen(PASTE_BEGIN);
		bytes = mark + strlen(PASTE_BEGIN);
		in.pasting = true;
	}
}

/* The prompt and the line typed are drawn through the sanitiser one
 * character at a time (a paste can hold ESC as well as a form label), so
 * that the cursor column still maps onto readline's buffer. */
static size_t width_of(const char *s, size_t len)
{
	size_t w = 0, used;
	char out[SANITIZE_CHAR_MAX];

	for (size_t i = 0; i < len; i += used) {
		size_t n = sanitize_char(s + i, len - i, 0, out, &used);

		w += utf8_width(out, n);
	}
	return w;
}

/* Draws s, at most cols columns of it (a form's label can be long). */
static void draw_text(const char *s, size_t len, size_t cols)
{
	size_t used, w = 0;
	char out[SANITIZE_CHAR_MAX];

	for (size_t i = 0; i < len; i += used) {
		size_t n = sanitize_char(s + i, len - i, 0, out, &used);

		w += utf8_width(out, n);
		if (w > cols)
			break;
		addnstr(out, (int)n);
	}
}

void input_draw(int y, int cols)
{
	const char *prompt = in.secret ? in.secret_prompt : "";
	size_t pw = width_of(prompt, strlen(prompt));
	size_t start = 0, point = (size_t)rl_point, avail;

	move(y, 0);
	clrtoeol();
	draw_text(prompt, strlen(prompt), (size_t)cols);
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
			char out[SANITIZE_CHAR_MAX];
			size_t used, cw;

			cw = utf8_width(
			    out, sanitize_char(rl_line_buffer + end, len - end, 0, out, &used));
			if (w + cw > avail)
				break;
			w += cw;
			end += used;
		}
		draw_text(rl_line_buffer + start, end - start, avail);
	}
	{
		size_t x = pw + width_of(rl_line_buffer + start, point - start);

		move(y, x < (size_t)cols ? (int)x : cols - 1);
	}
}

void input_ask_secret(const char *prompt, void (*done)(void *ud, char *secret), void *ud)
{
	free(in.secret_prompt);
	/* A registration form's label can be the prompt: remote text. */
	in.secret_prompt = sanitize_str(prompt);
	in.secret = true;
	in.secret_done = done;
	in.secret_ud = ud;
	rl_replace_line("", 0);
	in.ops->dirty(in.ui);
}

void input_clear(void)
{
	rl_replace_line("", 0);
	rl_point = 0;
}
