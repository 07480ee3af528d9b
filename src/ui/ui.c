/* The curses front end: events become window lines and roster pane
 * updates; keys and lines from the prompt become commands. Events only mark
 * parts of the screen dirty; one prepare step per loop turn draws what is
 * dirty (layout.c), so a burst of stanzas costs one repaint. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "cfg.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "loop.h"
#include "ui/console.h"
#include "ui/input.h"
#include "ui/rosterpane.h"
#include "ui/transfers.h"
#include "ui/ui-int.h"
#include "ui/ui.h"
#include "ui/window.h"
#include "util/jid.h"
#include "util/str.h"
#include "util/xdg.h"
#include "xmpp/presence.h"
#include "xmpp/raw.h"

/* Bracketed paste on and off (xterm): pastes arrive framed, so a pasted
 * newline is text rather than Enter. */
#define PASTE_ON  "\033[?2004h"
#define PASTE_OFF "\033[?2004l"

/* For the exit paths that have no ui at hand (fatal signals, atexit). */
static struct ui *the_ui;

static void ui_line(struct ui *ui, struct window *w, enum line_kind kind, const char *who,
                    const char *text);

static struct window *status_win(struct ui *ui)
{
	return ui->wins[0];
}

static int find_chat(const struct ui *ui, const char *bare)
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
	ui->wins[ui->nwins++] = window_new(WIN_CHAT, bare, bare, ui->set.scrollback);
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

static void set_unread(struct ui *ui, struct window *w, unsigned n)
{
	w->unread = n;
	if (w->jid != NULL)
		rpane_set_unread(ui->roster, w->jid, n);
	ui->dirty |= DIRTY_BAR | DIRTY_PANE;
}

int ui_win_select(struct ui *ui, int n)
{
	if (n < 1 || n > ui->nwins)
		return -1;
	ui->active = n - 1;
	set_unread(ui, ui->wins[ui->active], 0);
	ui->dirty |= DIRTY_ALL;
	return 0;
}

int ui_win_close(struct ui *ui, int n)
{
	int i = n == 0 ? ui->active : n - 1;

	if (i <= 0 || i >= ui->nwins)
		return -1;
	set_unread(ui, ui->wins[i], 0);
	window_free(ui->wins[i]);
	memmove(&ui->wins[i], &ui->wins[i + 1], (size_t)(ui->nwins - i - 1) * sizeof(ui->wins[0]));
	ui->nwins--;
	if (ui->active >= i && ui->active > 0)
		ui->active--;
	ui->dirty |= DIRTY_ALL;
	return 0;
}

/* The XML console and the transfers window: one of each at most. */
static void open_special(struct ui *ui, enum win_kind kind, const char *title)
{
	int i = 0;

	while (i < ui->nwins && ui->wins[i]->kind != kind)
		i++;
	if (i == ui->nwins && ui->nwins < UI_MAX_WINDOWS)
		ui->wins[ui->nwins++] = window_new(kind, NULL, title, 1);
	ui_win_select(ui, i < ui->nwins ? i + 1 : 1);
}

void ui_open_console(struct ui *ui)
{
	open_special(ui, WIN_CONSOLE, "xml");
}

void ui_open_transfers(struct ui *ui)
{
	open_special(ui, WIN_TRANSFERS, "files");
}

void ui_win_clear(struct ui *ui)
{
	window_clear(ui->wins[ui->active]);
	ui->dirty |= DIRTY_MAIN;
}

void ui_roster_pane_toggle(struct ui *ui)
{
	ui->pane_on = !ui->pane_on;
	ui->dirty |= DIRTY_ALL;
}

void ui_print_help(struct ui *ui, const char *text)
{
	ui_line(ui, ui->wins[ui->active], LINE_INFO, NULL, text);
}

static void notify_unread(struct ui *ui)
{
	if (ui->set.unread_bell && ui->on)
		beep();
}

static void ui_line(struct ui *ui, struct window *w, enum line_kind kind, const char *who,
                    const char *text)
{
	window_add(w, kind, time(NULL), who, text != NULL ? text : "");
	if (w->scroll > 0) {
		/* The user reads history: keep the view where it is. */
		w->scroll += layout_line_rows(ui, w, w->count - 1);
	}
	if (w == ui->wins[ui->active]) {
		ui->dirty |= DIRTY_MAIN;
	} else if (kind == LINE_IN) {
		set_unread(ui, w, w->unread + 1);
		notify_unread(ui);
	}
}

/* --- events ------------------------------------------------------------ */

static void show_message(struct ui *ui, const struct event *ev)
{
	const char *from = EV_GET_STR(ev, EV_MESSAGE, from), *name;
	char bare[JID_MAX + 1], who[JID_MAX + 1];
	struct window *w;
	const char *at;
	bool fresh;

	if (from == NULL)
		return;
	w = chat_win(ui, from);
	fresh = w->kind == WIN_CHAT && w->count == 0;
	jid_bare_str(from, bare, sizeof(bare));
	name = rpane_name(ui->roster, bare);
	at = strchr(bare, '@');
	if (name != NULL)
		snprintf(who, sizeof(who), "%s", name);
	else
		snprintf(who, sizeof(who), "%.*s",
		         at != NULL ? (int)(at - bare) : (int)strlen(bare), bare);
	ui_line(ui, w, LINE_IN, who, EV_GET_STR(ev, EV_MESSAGE, body));
	/* A stranger's first message: how to stop them, beside it. */
	if (fresh && EV_GET_BOOL(ev, EV_MESSAGE, stranger)) {
		char *hint = xasprintf(
		    _("%s is not in your roster; if it is spam, /block %s stops it."), bare, bare);

		ui_line(ui, w, LINE_INFO, NULL, hint);
		free(hint);
	}
}

static void show_sent(struct ui *ui, const struct event *ev)
{
	const char *to = EV_GET_STR(ev, EV_MESSAGE_SENT, to);

	if (to != NULL)
		ui_line(ui, chat_win(ui, to), LINE_OUT, _("me"),
		        EV_GET_STR(ev, EV_MESSAGE_SENT, body));
}

static void show_message_error(struct ui *ui, const struct event *ev)
{
	const char *text = EV_GET_STR(ev, EV_MESSAGE_ERROR, text);
	const char *cond = EV_GET_STR(ev, EV_MESSAGE_ERROR, condition);
	const char *from = EV_GET_STR(ev, EV_MESSAGE_ERROR, from);
	char *line = xasprintf(_("Message not delivered: %s%s%s"), cond ? cond : "",
	                       text ? " — " : "", text ? text : "");

	ui_line(ui, from != NULL ? chat_win(ui, from) : status_win(ui), LINE_ERROR, NULL, line);
	free(line);
}

static void show_status(struct ui *ui, const struct event *ev)
{
	char *line = NULL;
	enum line_kind kind = LINE_INFO;

	switch (ev->kind) {
	case EV_CONNECTING:
		line = xasprintf(_("Connecting as %s…"), EV_GET_STR(ev, EV_CONNECTING, jid));
		break;
	case EV_CONNECTED:
		line = xasprintf(_("Logged in as %s."), EV_GET_STR(ev, EV_CONNECTED, jid));
		break;
	case EV_DISCONNECTED:
		line = xasprintf(_("Disconnected: %s."), EV_GET_STR(ev, EV_DISCONNECTED, reason));
		rpane_all_offline(ui->roster);
		ui->dirty |= DIRTY_PANE;
		break;
	case EV_ERROR:
		kind = LINE_ERROR;
		line =
		    xstrdup(EV_GET_STR(ev, EV_ERROR, text) ? EV_GET_STR(ev, EV_ERROR, text) : "");
		break;
	case EV_INFO:
		line = xstrdup(EV_GET_STR(ev, EV_INFO, text) ? EV_GET_STR(ev, EV_INFO, text) : "");
		break;
	default:
		/* settings, accounts, file transfers: described by their own
		 * module */
		line = cmd_config_event_line(ev);
		if (line == NULL)
			line = transfers_event_line(ev);
		if (line == NULL) {
			/* tls-untrusted: the error event that follows says it all;
			 * registration: its info or error line did. The title may
			 * still show the end of a connection. */
			ui->dirty |= DIRTY_TITLE;
			return;
		}
		break;
	}
	ui_line(ui, status_win(ui), kind, NULL, line);
	/* An error also shows where the user is looking. */
	if (kind == LINE_ERROR && ui->active != 0)
		ui_line(ui, ui->wins[ui->active], kind, NULL, line);
	free(line);
	ui->dirty |= DIRTY_TITLE;
}

static void show_roster(struct ui *ui, const struct event *ev)
{
	size_t n;
	const char *const *groups = EV_GET_STRV(ev, EV_ROSTER, groups, &n);

	/* ask is a string (subscribe) in the batch contract; here, whether
	 * our request waits. */
	rpane_roster(ui->roster, EV_GET_STR(ev, EV_ROSTER, jid), EV_GET_STR(ev, EV_ROSTER, name),
	             groups, n, EV_GET_STR(ev, EV_ROSTER, subscription),
	             EV_GET_STR(ev, EV_ROSTER, ask) != NULL, EV_GET_BOOL(ev, EV_ROSTER, removed));
	ui->dirty |= DIRTY_BAR | DIRTY_TITLE;
}

/* A contact's presence: the pane, and a line in its chat window if open. */
static void show_presence(struct ui *ui, const struct event *ev)
{
	const char *from = EV_GET_STR(ev, EV_PRESENCE, from), *name;
	char bare[JID_MAX + 1];
	int i;

	if (from == NULL || !rpane_presence(ui->roster, from, EV_GET_STR(ev, EV_PRESENCE, show),
	                                    EV_GET_STR(ev, EV_PRESENCE, status),
	                                    (int)EV_GET_INT(ev, EV_PRESENCE, priority, 0)))
		return;
	jid_bare_str(from, bare, sizeof(bare));
	ui->dirty |= DIRTY_TITLE;
	if ((i = find_chat(ui, bare)) >= 0) {
		const char *status = rpane_status(ui->roster, bare);
		char *line;

		name = rpane_name(ui->roster, bare);
		line = xasprintf(_("%s is now %s%s%s"), name != NULL ? name : bare,
		                 rpane_pres_name(rpane_pres(ui->roster, bare)),
		                 status != NULL ? ": " : "", status != NULL ? status : "");
		ui_line(ui, ui->wins[i], LINE_PRESENCE, NULL, line);
		free(line);
	}
}

/* The subscription module says what happened in the status window; the
 * pane marks the pending request. */
static void show_subscription(struct ui *ui, const struct event *ev)
{
	rpane_subscription(ui->roster, EV_GET_STR(ev, EV_SUBSCRIPTION, from),
	                   EV_GET_STR(ev, EV_SUBSCRIPTION, type),
	                   EV_GET_BOOL(ev, EV_SUBSCRIPTION, pending));
}

void ui_emit(void *fe, const struct event *ev)
{
	struct ui *ui = fe;

	if (ui->wins[ui->active]->kind == WIN_TRANSFERS && transfers_is_event(ev))
		ui->dirty |= DIRTY_MAIN; /* it draws from the transfers' state */
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
	case EV_XML: /* the console window draws from the capture ring */
		for (int i = 1; ui->on && i < ui->nwins; i++)
			if (ui->wins[i]->kind == WIN_CONSOLE && ui->wins[i]->scroll > 0)
				ui->wins[i]->scroll +=
				    console_ui_newest_rows(ui->app->console, layout_main(ui).w);
		ui->dirty |= ui->wins[ui->active]->kind == WIN_CONSOLE ? DIRTY_MAIN : 0;
		break;
	case EV_RAW_RESULT: {
		char *text = console_ui_result_text(ev);
		const char *win = EV_GET_STR(ev, EV_RAW_RESULT, window);

		ui_line(ui, win != NULL ? chat_win(ui, win) : status_win(ui), LINE_INFO, NULL,
		        text);
		if (win == NULL && ui->wins[ui->active]->kind == WIN_CONSOLE)
			ui_line(ui, ui->wins[ui->active], LINE_INFO, NULL, text);
		free(text);
		break;
	}
	case EV_ROSTER:
		show_roster(ui, ev);
		ui->dirty |= DIRTY_PANE;
		break;
	case EV_ROSTER_LOADED:
		ui->dirty |= DIRTY_PANE;
		break;
	case EV_PRESENCE:
		show_presence(ui, ev);
		ui->dirty |= DIRTY_PANE;
		break;
	case EV_SUBSCRIPTION:
		show_subscription(ui, ev);
		ui->dirty |= DIRTY_PANE;
		break;
	default:
		show_status(ui, ev);
		break;
	}
}

void ui_ask_secret(void *fe, const char *prompt, void (*done)(void *, char *), void *ud)
{
	(void)fe;
	input_ask_secret(prompt, done, ud);
}

/* The terminal title shows the unread count when the setting asks. Only
 * our own digits go there, never remote text. */
static void update_title(struct ui *ui)
{
	unsigned total = 0;

	for (int i = 0; i < ui->nwins; i++)
		total += ui->wins[i]->unread;
	if (!ui->set.unread_title || total == ui->title_unread)
		return;
	ui->title_unread = total;
	if (total > 0)
		printf("\033]2;jabiru (%u)\007", total);
	else
		printf("\033]2;jabiru\007");
	fflush(stdout);
}

static bool ui_prepare(void *ud)
{
	struct ui *ui = ud;

	if (!ui->on || ui->dirty == 0)
		return false;
	layout_draw(ui);
	update_title(ui);
	return false;
}

/* --- input ------------------------------------------------------------- */

static void on_line(struct ui *ui, char *line)
{
	struct cmd_ctx ctx = {.app = ui->app, .window = ui_active_jid(ui)};

	cmd_execute(&ctx, line);
	free(line);
	ui->dirty |= DIRTY_INPUT;
}

/* Rows of the whole window at the current width: the scroll limit. Only
 * counted on PageUp, so it costs nothing while messages arrive. */
static size_t total_rows(const struct ui *ui, const struct window *w)
{
	size_t rows = 0;

	for (size_t i = 0; i < w->count; i++)
		rows += layout_line_rows(ui, w, i);
	return rows;
}

static void scroll_by(struct ui *ui, int delta)
{
	struct window *w = ui->wins[ui->active];
	struct rect m = layout_main(ui);
	long s = (long)w->scroll + delta;
	/* The console's rows come from the capture ring, not the window's
	 * lines: its drawing stops at the oldest entry by itself. */
	long max = w->kind == WIN_CONSOLE ? s : (long)total_rows(ui, w) - m.h;

	if (s > max)
		s = max;
	if (s < 0)
		s = 0;
	w->scroll = (size_t)s;
	if (s == 0)
		w->more_below = false;
	ui->dirty |= DIRTY_MAIN;
}

static void on_key(struct ui *ui, int action)
{
	int page = layout_main(ui).h - 1 > 1 ? layout_main(ui).h - 1 : 1;

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
	case INPUT_PANE_TOGGLE:
		ui_roster_pane_toggle(ui);
		break;
	case INPUT_PANE_UP:
		rpane_scroll(ui->roster, -page);
		ui->dirty |= DIRTY_PANE;
		break;
	case INPUT_PANE_DOWN:
		rpane_scroll(ui->roster, page);
		ui->dirty |= DIRTY_PANE;
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

static void on_matches(struct ui *ui, const char *text)
{
	ui_line(ui, ui->wins[ui->active], LINE_INFO, NULL, text);
}

static bool on_history_ok(struct ui *ui, const char *line)
{
	return cmd_history_ok(line, raw_waiting(ui->app->raw));
}

static const struct input_ops ui_input_ops = {on_line, on_key, on_dirty, on_matches, on_history_ok};

static void on_tty(int fd, short revents, void *ud)
{
	struct ui *ui = ud;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)revents;
	if (n > 0) {
		presence_activity(ui->app); /* the idle clock of automatic away */
		input_feed(buf, (size_t)n);
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		/* The terminal is gone (ssh dropped): leave cleanly. */
		loop_fd_del(ui->app->loop, fd);
		app_shutdown(ui->app);
	}
}

/* Lines are wrapped when drawn, never stored wrapped, so a new size reflows
 * every window without losing anything. */
static void on_winch(int signo, void *ud)
{
	struct ui *ui = ud;
	struct winsize ws;

	(void)signo;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	for (int i = 0; i < ui->nwins; i++) {
		ui->wins[i]->scroll = 0; /* row counts changed with the width */
		ui->wins[i]->more_below = false;
	}
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
		fputs(PASTE_OFF, stdout);
		fflush(stdout);
		endwin();
		the_ui->on = false;
	}
}

static void theme_warn(void *ud, const char *msg)
{
	ui_line(ud, status_win(ud), LINE_ERROR, NULL, msg);
}

static void start_curses(struct ui *ui)
{
	char *theme =
	    ui->set.theme[0] != '\0' ? xstrdup(ui->set.theme) : xdg_path(XDG_CONFIG, "theme");

	ui->on = true;
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, FALSE); /* readline reads the raw bytes */
	theme_init(&ui->theme, theme, theme_warn, ui);
	free(theme);
	fputs(PASTE_ON, stdout);
	fflush(stdout);
}

/* /set changed a setting: the next draw uses the new values. */
static void on_setting(void *ud, const struct config *cfg, const char *name)
{
	struct ui *ui = ud;

	ui_settings_load(&ui->set, cfg);
	if (strcmp(name, "roster.pane") == 0)
		ui->pane_on = ui->set.roster_pane;
	ui->dirty = DIRTY_ALL;
}

struct ui *ui_new(struct app *app)
{
	struct ui *ui = xcalloc(1, sizeof(*ui));
	char *hist;

	ui->app = app;
	ui_settings_load(&ui->set, app->config);
	ui->pane_on = ui->set.roster_pane;
	ui->screen = newterm(NULL, stdout, stdin);
	if (ui->screen == NULL) {
		free(ui);
		return NULL;
	}
	the_ui = ui;
	atexit(ui_restore_terminal);
	ui->roster = rpane_new();
	ui->wins[0] = window_new(WIN_STATUS, NULL, "status", ui->set.scrollback);
	ui->nwins = 1;
	start_curses(ui);
	hist = xdg_path(XDG_DATA, "history");
	input_init(ui, &ui_input_ops, hist);
	free(hist);
	complete_init(ui);
	loop_fd_set(app->loop, STDIN_FILENO, POLLIN, on_tty, ui);
	loop_signal(app->loop, SIGWINCH, on_winch, ui);
	loop_signal(app->loop, SIGINT, on_quit_signal, ui);
	loop_signal(app->loop, SIGTERM, on_quit_signal, ui);
	loop_signal(app->loop, SIGHUP, on_quit_signal, ui);
	loop_prepare_add(app->loop, LOOP_PHASE_OUTPUT, ui_prepare, ui);
	cfg_watch(app->config, on_setting, ui);
	ui->dirty = DIRTY_ALL;
	ui_line(ui, status_win(ui), LINE_INFO, NULL,
	        _("Welcome to jabiru. Type /help for commands, /connect JID to log in."));
	return ui;
}

void ui_free(struct ui *ui)
{
	if (ui == NULL)
		return;
	cfg_unwatch(ui->app->config, on_setting, ui);
	input_fini();
	ui_restore_terminal();
	if (ui->screen != NULL)
		delscreen(ui->screen);
	for (int i = 0; i < ui->nwins; i++)
		window_free(ui->wins[i]);
	rpane_free(ui->roster);
	if (the_ui == ui)
		the_ui = NULL;
	free(ui);
}
