/* The curses front end. Events mark parts of the screen dirty; one prepare
 * step per loop turn draws what is dirty and refreshes once, so a burst of
 * stanzas costs one repaint and a typed key repaints only the prompt. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "loop.h"
#include "ui/input.h"
#include "ui/transfers.h"
#include "ui/ui.h"
#include "ui/window.h"
#include "util/jid.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/utf8.h"
#include "util/xdg.h"
#include "xmpp/session.h"

#define UI_SCROLLBACK 5000
#define UI_MAX_WINDOWS 100

enum dirty {
	DIRTY_TITLE = 1 << 0,
	DIRTY_MAIN = 1 << 1,
	DIRTY_BAR = 1 << 2,
	DIRTY_INPUT = 1 << 3,
	DIRTY_ALL = 0xff,
};

enum color { C_BAR = 1, C_OWN, C_PEER, C_ERROR, C_INFO, C_UNREAD };

struct ui {
	struct app *app;
	struct window *wins[UI_MAX_WINDOWS];
	int nwins;
	int active; /* index into wins */
	int dirty;
	bool colors;
	bool on; /* curses active */
	SCREEN *screen;
};

/* For the exit paths that have no ui at hand (fatal signals, atexit). */
static struct ui *the_ui;

static void ui_line(struct ui *ui, struct window *w, enum line_kind kind, const char *who,
		    const char *text);

static int attr_for(struct ui *ui, enum color c)
{
	if (!ui->colors)
		return c == C_BAR ? A_REVERSE : (c == C_ERROR || c == C_UNREAD ? A_BOLD : 0);
	return COLOR_PAIR(c) | (c == C_UNREAD ? A_BOLD : 0);
}

static struct window *status_win(struct ui *ui)
{
	return ui->wins[0];
}

static int find_chat(struct ui *ui, const char *bare)
{
	for (int i = 1; i < ui->nwins; i++)
		if (ui->wins[i]->jid != NULL && jid_bare_eq(ui->wins[i]->jid, bare))
			return i;
	return -1;
}

static struct window *chat_win(struct ui *ui, const char *jid)
{
	char bare[JID_MAX + 1];
	int i;

	jid_bare_str(jid, bare, sizeof(bare));
	if ((i = find_chat(ui, bare)) >= 0)
		return ui->wins[i];
	if (ui->nwins == UI_MAX_WINDOWS)
		return status_win(ui);
	ui->wins[ui->nwins++] = window_new(WIN_CHAT, bare, bare, UI_SCROLLBACK);
	ui->dirty |= DIRTY_BAR;
	return ui->wins[ui->nwins - 1];
}

void ui_open_chat(struct ui *ui, const char *jid)
{
	struct window *w = chat_win(ui, jid);

	for (int i = 0; i < ui->nwins; i++)
		if (ui->wins[i] == w)
			ui_win_select(ui, i + 1);
}

const char *ui_active_jid(const struct ui *ui)
{
	return ui->wins[ui->active]->jid;
}

int ui_win_select(struct ui *ui, int n)
{
	if (n < 1 || n > ui->nwins)
		return -1;
	ui->active = n - 1;
	ui->wins[ui->active]->unread = 0;
	ui->dirty |= DIRTY_ALL;
	return 0;
}

int ui_win_close(struct ui *ui, int n)
{
	int i = n == 0 ? ui->active : n - 1;

	if (i <= 0 || i >= ui->nwins)
		return -1;
	window_free(ui->wins[i]);
	memmove(&ui->wins[i], &ui->wins[i + 1], (size_t)(ui->nwins - i - 1) * sizeof(ui->wins[0]));
	ui->nwins--;
	if (ui->active >= i && ui->active > 0)
		ui->active--;
	ui->dirty |= DIRTY_ALL;
	return 0;
}

void ui_print_help(struct ui *ui, const char *text)
{
	ui_line(ui, ui->wins[ui->active], LINE_INFO, NULL, text);
}

static void ui_line(struct ui *ui, struct window *w, enum line_kind kind, const char *who,
		    const char *text)
{
	window_add(w, kind, time(NULL), who, text);
	if (w == ui->wins[ui->active]) {
		ui->dirty |= DIRTY_MAIN;
	} else if (kind == LINE_IN) {
		w->unread++;
		ui->dirty |= DIRTY_BAR;
	}
}

/* --- events --------------------------------------------------------- */

static void show_message(struct ui *ui, const struct event *ev)
{
	const char *from = ev_get(ev, "from");
	char bare[JID_MAX + 1], who[JID_MAX + 1];
	struct window *w = chat_win(ui, from);
	const char *at;

	jid_bare_str(from, bare, sizeof(bare));
	at = strchr(bare, '@');
	snprintf(who, sizeof(who), "%.*s", at != NULL ? (int)(at - bare) : (int)strlen(bare),
		 bare);
	ui_line(ui, w, LINE_IN, who, ev_get(ev, "body"));
}

static void show_sent(struct ui *ui, const struct event *ev)
{
	ui_line(ui, chat_win(ui, ev_get(ev, "to")), LINE_OUT, _("me"), ev_get(ev, "body"));
}

static void show_message_error(struct ui *ui, const struct event *ev)
{
	const char *text = ev_get(ev, "text");
	char *line = xasprintf(_("Message not delivered: %s%s%s"), ev_get(ev, "condition"),
			       text ? " — " : "", text ? text : "");

	ui_line(ui, chat_win(ui, ev_get(ev, "from")), LINE_ERROR, NULL, line);
	free(line);
}

static void show_status(struct ui *ui, const struct event *ev)
{
	char *line = NULL;
	enum line_kind kind = LINE_INFO;

	switch (ev->kind) {
	case EV_CONNECTING:
		line = xasprintf(_("Connecting as %s…"), ev_get(ev, "jid"));
		break;
	case EV_CONNECTED:
		line = xasprintf(_("Logged in as %s."), ev_get(ev, "jid"));
		break;
	case EV_DISCONNECTED:
		line = xasprintf(_("Disconnected: %s."), ev_get(ev, "reason"));
		break;
	case EV_ERROR:
		kind = LINE_ERROR;
		line = xstrdup(ev_get(ev, "text"));
		break;
	case EV_INFO:
		line = xstrdup(ev_get(ev, "text"));
		break;
	default:
		/* file transfers; tls-untrusted: the error event that follows says it all */
		line = transfers_event_line(ev);
		if (line == NULL)
			return;
		break;
	}
	ui_line(ui, status_win(ui), kind, NULL, line);
	/* An error also shows where the user is looking. */
	if (kind == LINE_ERROR && ui->active != 0)
		ui_line(ui, ui->wins[ui->active], kind, NULL, line);
	free(line);
	ui->dirty |= DIRTY_TITLE;
}

static void ui_emit(void *fe, const struct event *ev)
{
	struct ui *ui = fe;

	switch (ev->kind) {
	case EV_MESSAGE:
		show_message(ui, ev);
		break;
	case EV_MESSAGE_SENT:
		show_sent(ui, ev);
		break;
	case EV_MESSAGE_ERROR:
		show_message_error(ui, ev);
		break;
	default:
		show_status(ui, ev);
		break;
	}
}

static void ui_ask_secret(void *fe, const char *prompt, void (*done)(void *, char *), void *ud)
{
	(void)fe;
	input_ask_secret(prompt, done, ud);
}

const struct frontend ui_frontend = {ui_emit, ui_ask_secret};

/* --- drawing -------------------------------------------------------- */

static void put_clipped(const char *s, int cols)
{
	int w = 0;

	for (size_t i = 0, len = strlen(s); i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		int cw = utf8_cp_width(cp);

		if (cw < 0)
			cw = 1;
		if (w + cw > cols)
			break;
		addnstr(s + i, (int)n);
		w += cw;
		i += n;
	}
}

static void draw_title(struct ui *ui)
{
	struct session *s = ui->app->session;
	struct window *w = ui->wins[ui->active];
	const char *state;
	char *t;

	switch (session_state(s)) {
	case SESSION_ONLINE:
		state = _("online, TLS");
		break;
	case SESSION_CONNECTING:
		state = _("connecting");
		break;
	case SESSION_CLOSING:
		state = _("closing");
		break;
	default:
		state = _("offline");
		break;
	}
	t = xasprintf(" jabiru  %s [%s]  — %s", session_jid(s) ? session_jid(s) : "", state,
		      w->kind == WIN_STATUS ? _("status window") : w->title);
	attrset(attr_for(ui, C_BAR));
	move(0, 0);
	put_clipped(t, COLS);
	for (int x = getcurx(stdscr); x < COLS && x >= 0; x++)
		addch(' ');
	attrset(A_NORMAL);
	free(t);
}

static void draw_bar(struct ui *ui)
{
	int y = LINES - 2;

	attrset(attr_for(ui, C_BAR));
	move(y, 0);
	for (int x = 0; x < COLS; x++)
		addch(' ');
	move(y, 0);
	for (int i = 0; i < ui->nwins; i++) {
		struct window *w = ui->wins[i];
		char item[96];

		if (w->unread > 0)
			snprintf(item, sizeof(item), "%d:%s(%u)", i + 1,
				 w->kind == WIN_STATUS ? "status" : w->title, w->unread);
		else
			snprintf(item, sizeof(item), "%d:%s", i + 1,
				 w->kind == WIN_STATUS ? "status" : w->title);
		attrset(attr_for(ui, C_BAR) | (i == ui->active ? A_BOLD : 0) |
			(w->unread ? attr_for(ui, C_UNREAD) : 0));
		addstr(i == ui->active ? "[" : " ");
		put_clipped(item, COLS - getcurx(stdscr) - 2);
		addstr(i == ui->active ? "]" : " ");
		if (getcurx(stdscr) >= COLS - 2)
			break;
	}
	attrset(A_NORMAL);
}

struct rowbuf {
	const char **row;
	size_t *len;
	size_t n, cap;
};

static void collect_row(void *ud, const char *row, size_t len)
{
	struct rowbuf *rb = ud;

	if (rb->n == rb->cap) {
		rb->cap = rb->cap ? rb->cap * 2 : 16;
		rb->row = xrealloc(rb->row, rb->cap * sizeof(*rb->row));
		rb->len = xrealloc(rb->len, rb->cap * sizeof(*rb->len));
	}
	rb->row[rb->n] = row;
	rb->len[rb->n++] = len;
}

static int line_attr(struct ui *ui, enum line_kind k)
{
	switch (k) {
	case LINE_OUT:
		return attr_for(ui, C_OWN);
	case LINE_IN:
		return attr_for(ui, C_PEER);
	case LINE_ERROR:
		return attr_for(ui, C_ERROR);
	default:
		return attr_for(ui, C_INFO);
	}
}

/* Draws one logical line into rows [top, bottom], from its last row up;
 * skip is how many of its last rows are hidden below. Returns rows used. */
static int draw_line(struct ui *ui, const struct line *l, int bottom, int top, int *skip)
{
	char stamp[16], *prefix;
	struct tm tm;
	struct rowbuf rb = {0};
	size_t pw, width;
	int used = 0;

	localtime_r(&l->when, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M", &tm);
	prefix = l->who != NULL ? xasprintf("%s %s: ", stamp, l->who) : xasprintf("%s ", stamp);
	pw = utf8_width(prefix, strlen(prefix));
	if (pw > (size_t)COLS / 2)
		pw = (size_t)COLS / 2;
	width = (size_t)COLS > pw ? (size_t)COLS - pw : 1;
	window_wrap(l->text, width, collect_row, &rb);
	for (size_t r = rb.n; r-- > 0;) {
		int y;

		if (*skip > 0) {
			(*skip)--;
			continue;
		}
		y = bottom - used;
		if (y < top)
			break;
		move(y, 0);
		clrtoeol();
		if (r == 0) {
			attrset(line_attr(ui, l->kind) | (l->kind == LINE_IN || l->kind == LINE_OUT
							  ? A_BOLD
							  : 0));
			put_clipped(prefix, (int)pw);
		}
		move(y, (int)pw);
		attrset(l->kind == LINE_ERROR ? attr_for(ui, C_ERROR) : (int)A_NORMAL);
		{
			char *row = xstrndup(rb.row[r], rb.len[r]);

			put_clipped(row, (int)width);
			free(row);
		}
		attrset(A_NORMAL);
		used++;
	}
	free(rb.row);
	free(rb.len);
	free(prefix);
	return used;
}

static void draw_main(struct ui *ui)
{
	struct window *w = ui->wins[ui->active];
	int top = 1, bottom = LINES - 3, y = bottom;
	int skip = (int)w->scroll;

	for (size_t i = w->count; i-- > 0 && y >= top;)
		y -= draw_line(ui, window_line(w, i), y, top, &skip);
	for (; y >= top; y--) {
		move(y, 0);
		clrtoeol();
	}
	if (w->scroll > 0) {
		const char *mark = w->more_below ? _("-- more below --") : _("-- scrolled --");

		attrset(attr_for(ui, C_UNREAD));
		move(bottom, COLS - (int)utf8_width(mark, strlen(mark)) - 1);
		addstr(mark);
		attrset(A_NORMAL);
	}
}

static bool ui_prepare(void *ud)
{
	struct ui *ui = ud;

	if (!ui->on || ui->dirty == 0)
		return false;
	if (LINES < 4 || COLS < 10) {
		erase();
		refresh();
		ui->dirty = 0;
		return false;
	}
	if (ui->dirty & DIRTY_TITLE)
		draw_title(ui);
	if (ui->dirty & DIRTY_MAIN)
		draw_main(ui);
	if (ui->dirty & DIRTY_BAR)
		draw_bar(ui);
	input_draw(LINES - 1, COLS);
	refresh();
	ui->dirty = 0;
	return false;
}

/* --- input ---------------------------------------------------------- */

static void on_line(struct ui *ui, char *line)
{
	struct cmd_ctx ctx = {.app = ui->app, .ui = ui, .window = ui_active_jid(ui)};

	cmd_execute(&ctx, line);
	free(line);
	ui->dirty |= DIRTY_INPUT;
}

static void scroll_by(struct ui *ui, int delta)
{
	struct window *w = ui->wins[ui->active];
	long s = (long)w->scroll + delta;

	if (s < 0)
		s = 0;
	w->scroll = (size_t)s;
	if (s == 0)
		w->more_below = false;
	ui->dirty |= DIRTY_MAIN;
}

static void on_key(struct ui *ui, int action)
{
	int page = LINES - 4 > 1 ? LINES - 4 : 1;

	if (action >= INPUT_WIN_1 && action < INPUT_WIN_1 + 10) {
		ui_win_select(ui, action - INPUT_WIN_1 + 1);
		return;
	}
	switch (action) {
	case INPUT_WIN_PREV:
		ui_win_select(ui, ui->active == 0 ? ui->nwins : ui->active);
		break;
	case INPUT_WIN_NEXT:
		ui_win_select(ui, (ui->active + 1) % ui->nwins + 1);
		break;
	case INPUT_PAGE_UP:
		scroll_by(ui, page);
		break;
	case INPUT_PAGE_DOWN:
		scroll_by(ui, -page);
		break;
	case INPUT_REDRAW:
		clearok(curscr, TRUE);
		ui->dirty |= DIRTY_ALL;
		break;
	}
}

static void on_dirty(struct ui *ui)
{
	ui->dirty |= DIRTY_INPUT;
}

static const struct input_ops ui_input_ops = {on_line, on_key, on_dirty};

static void on_tty(int fd, short revents, void *ud)
{
	struct ui *ui = ud;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)revents;
	if (n > 0) {
		input_feed(buf, (size_t)n);
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		/* The terminal is gone (ssh dropped): leave cleanly. */
		loop_fd_del(ui->app->loop, fd);
		app_shutdown(ui->app);
	}
}

static void on_winch(int signo, void *ud)
{
	struct ui *ui = ud;
	struct winsize ws;

	(void)signo;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	ui->dirty |= DIRTY_ALL;
}

static void on_quit_signal(int signo, void *ud)
{
	struct ui *ui = ud;

	if (signo == SIGINT) {
		/* Ctrl-C clears the prompt, as in a shell; /quit leaves. */
		input_clear();
		ui->dirty |= DIRTY_INPUT;
		return;
	}
	app_shutdown(ui->app);
}

void ui_restore_terminal(void)
{
	if (the_ui != NULL && the_ui->on) {
		endwin();
		the_ui->on = false;
	}
}

struct ui *ui_new(struct app *app)
{
	struct ui *ui = xcalloc(1, sizeof(*ui));
	char *hist;

	ui->app = app;
	ui->screen = newterm(NULL, stdout, stdin);
	if (ui->screen == NULL) {
		free(ui);
		return NULL;
	}
	the_ui = ui;
	ui->on = true;
	atexit(ui_restore_terminal);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, FALSE); /* readline reads the raw bytes */
	ui->colors = has_colors() && getenv("NO_COLOR") == NULL;
	if (ui->colors) {
		start_color();
		use_default_colors();
		init_pair(C_BAR, COLOR_WHITE, COLOR_BLUE);
		init_pair(C_OWN, COLOR_CYAN, -1);
		init_pair(C_PEER, COLOR_GREEN, -1);
		init_pair(C_ERROR, COLOR_RED, -1);
		init_pair(C_INFO, COLOR_YELLOW, -1);
		init_pair(C_UNREAD, COLOR_YELLOW, COLOR_BLUE);
	}
	ui->wins[0] = window_new(WIN_STATUS, NULL, "status", UI_SCROLLBACK);
	ui->nwins = 1;
	hist = xdg_path(XDG_DATA, "history");
	input_init(ui, &ui_input_ops, hist);
	free(hist);
	loop_fd_set(app->loop, STDIN_FILENO, POLLIN, on_tty, ui);
	loop_signal(app->loop, SIGWINCH, on_winch, ui);
	loop_signal(app->loop, SIGINT, on_quit_signal, ui);
	loop_signal(app->loop, SIGTERM, on_quit_signal, ui);
	loop_signal(app->loop, SIGHUP, on_quit_signal, ui);
	loop_prepare_add(app->loop, ui_prepare, ui);
	ui->dirty = DIRTY_ALL;
	ui_line(ui, status_win(ui), LINE_INFO, NULL,
		_("Welcome to jabiru. Type /help for commands, /connect JID to log in."));
	return ui;
}

void ui_free(struct ui *ui)
{
	if (ui == NULL)
		return;
	input_fini();
	ui_restore_terminal();
	if (ui->screen != NULL)
		delscreen(ui->screen);
	for (int i = 0; i < ui->nwins; i++)
		window_free(ui->wins[i]);
	if (the_ui == ui)
		the_ui = NULL;
	free(ui);
}
