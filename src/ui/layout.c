/* Drawing: the title bar, the main area with the active window, the roster
 * pane, the window bar and the prompt. Everything is drawn into curses'
 * virtual screen and sent by one refresh(); curses sends only the cells
 * that changed, and the dirty flags keep unchanged parts from being
 * recomputed at all (a typed key redraws only the prompt). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "i18n.h"
#include "ui/console.h"
#include "ui/draw.h"
#include "ui/input.h"
#include "ui/rosterpane.h"
#include "ui/transfers.h"
#include "ui/ui-int.h"
#include "ui/window.h"
#include "util/str.h"
#include "util/utf8.h"
#include "xmpp/session.h"

size_t draw_char_form(const char *s, size_t len, char out[SANITIZE_CHAR_MAX], size_t *used)
{
	if (s[0] == '\n') {
		out[0] = ' ';
		*used = 1;
		return 1;
	}
	return sanitize_char(s, len, 0, out, used);
}

int draw_clipped_n(const char *s, size_t len, int cols)
{
	int w = 0;
	size_t used;
	char out[SANITIZE_CHAR_MAX];

	for (size_t i = 0; i < len; i += used) {
		size_t n = draw_char_form(s + i, len - i, out, &used);
		int cw = (int)utf8_width(out, n);

		if (w + cw > cols)
			break;
		addnstr(out, (int)n);
		w += cw;
	}
	return w;
}

int draw_clipped(const char *s, int cols)
{
	return draw_clipped_n(s, strlen(s), cols);
}

static void fill_to(int y, int x_end)
{
	for (int x = getcurx(stdscr); getcury(stdscr) == y && x < x_end; x++)
		addch(' ');
}

struct rect layout_pane(const struct ui *ui)
{
	struct rect r = {1, 0, LINES - 3, 0};
	int w = ui->set.roster_width;

	if (!ui->pane_on || COLS < ui->set.roster_min_cols || w < 8)
		return r;
	if (w > COLS / 2)
		w = COLS / 2;
	r.w = w;
	r.x = ui->set.roster_left ? 0 : COLS - w;
	return r;
}

struct rect layout_main(const struct ui *ui)
{
	struct rect p = layout_pane(ui), r = {1, 0, LINES - 3, COLS};

	if (p.w > 0) {
		/* One column between the two for the separator. */
		r.w = COLS - p.w - 1;
		r.x = ui->set.roster_left ? p.w + 1 : 0;
	}
	return r;
}

/* --- title bar --------------------------------------------------------- */

static char *window_notice(const struct ui *ui)
{
	const struct window *w = ui->wins[ui->active];
	const char *name, *status;

	switch (w->kind) {
	case WIN_STATUS:
		return xstrdup(_("status window"));
	case WIN_CONSOLE:
		return xstrdup(_("XML console"));
	case WIN_TRANSFERS:
		return xstrdup(_("file transfers"));
	case WIN_CHAT:
		break;
	}
	name = rpane_name(ui->roster, w->jid);
	status = rpane_status(ui->roster, w->jid);
	return xasprintf("%s%s%s%s (%s)%s%s", name != NULL ? name : "", name != NULL ? " <" : "",
	                 w->title, name != NULL ? ">" : "",
	                 rpane_pres_name(rpane_pres(ui->roster, w->jid)),
	                 status != NULL ? ": " : "", status != NULL ? status : "");
}

static void draw_title(struct ui *ui)
{
	struct session *s = ui->app->session;
	const char *state;
	const char *bound = session_jid(s);
	char *jid = bound != NULL ? sanitize_str(bound) : NULL, *notice = window_notice(ui), *t;

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
	t = xasprintf(" jabiru  %s [%s]  — %s", jid != NULL ? jid : _("not logged in"), state,
	              notice);
	free(jid);
	attrset(theme_attr(&ui->theme, TH_TITLE));
	move(0, 0);
	draw_clipped(t, COLS);
	fill_to(0, COLS);
	attrset(A_NORMAL);
	free(t);
	free(notice);
}

/* --- window bar -------------------------------------------------------- */

/* A short name: the roster name, else the JID's local part. */
static void short_name(const struct ui *ui, const struct window *w, char *out, size_t size)
{
	const char *name, *at;

	if (w->kind == WIN_STATUS) {
		snprintf(out, size, "%s", _("status"));
		return;
	}
	if (w->kind != WIN_CHAT) {
		snprintf(out, size, "%s", w->title);
		return;
	}
	name = rpane_name(ui->roster, w->jid);
	if (name != NULL) {
		snprintf(out, size, "%s", name);
		return;
	}
	at = strchr(w->title, '@');
	snprintf(out, size, "%.*s", at != NULL ? (int)(at - w->title) : (int)strlen(w->title),
	         w->title);
}

#define BAR_ITEM_MAX 24

static int bar_item(const struct ui *ui, int i, char *item, size_t size)
{
	const struct window *w = ui->wins[i];
	char name[64];
	int width;

	short_name(ui, w, name, sizeof(name));
	if (w->unread > 0)
		snprintf(item, size, "%d:%s(%u)", i + 1, name, w->unread);
	else
		snprintf(item, size, "%d:%s", i + 1, name);
	width = (int)utf8_width(item, strlen(item));
	return (width < BAR_ITEM_MAX ? width : BAR_ITEM_MAX) + 2;
}

/* The first window shown: the bar starts late enough for the active
 * window to fit, with "<" marking windows hidden on the left. */
static int bar_first(const struct ui *ui)
{
	char item[96];
	int first = 0, width = 1;

	for (int i = 0; i <= ui->active; i++)
		width += bar_item(ui, i, item, sizeof(item));
	while (first < ui->active && width > COLS - 2)
		width -= bar_item(ui, first++, item, sizeof(item));
	return first;
}

static void draw_bar(struct ui *ui)
{
	int y = LINES - 2, first = bar_first(ui), i;
	bool unread = false;

	attrset(theme_attr(&ui->theme, TH_BAR));
	move(y, 0);
	fill_to(y, COLS);
	move(y, 0);
	for (i = 0; i < first; i++)
		unread |= ui->wins[i]->unread > 0;
	if (first > 0) {
		attrset(theme_attr(&ui->theme, unread ? TH_UNREAD : TH_BAR));
		addch('<');
	}
	for (i = first; i < ui->nwins; i++) {
		char item[96];
		bool act = i == ui->active;
		int width = bar_item(ui, i, item, sizeof(item));

		if (getcurx(stdscr) + width > COLS - 1)
			break;
		attrset(theme_attr(&ui->theme, ui->wins[i]->unread > 0 ? TH_UNREAD
		                               : act                   ? TH_BAR_ACTIVE
		                                                       : TH_BAR));
		addstr(act ? "[" : " ");
		draw_clipped(item, width - 2);
		addstr(act ? "]" : " ");
	}
	if (i < ui->nwins) {
		/* Windows hidden on the right: ">", highlighted when unread. */
		for (unread = false; i < ui->nwins; i++)
			unread |= ui->wins[i]->unread > 0;
		attrset(theme_attr(&ui->theme, unread ? TH_UNREAD : TH_BAR));
		mvaddch(y, COLS - 1, '>');
	}
	attrset(A_NORMAL);
}

/* --- main area --------------------------------------------------------- */

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

static enum theme_el line_el(enum line_kind k)
{
	switch (k) {
	case LINE_OUT:
		return TH_OWN;
	case LINE_IN:
		return TH_PEER;
	case LINE_ERROR:
		return TH_ERROR;
	case LINE_PRESENCE:
		return TH_PRESENCE;
	default:
		return TH_INFO;
	}
}

/* The prefix ("12:34 bob: ") of a line and the text width beside it. */
static char *line_prefix(const struct ui *ui, const struct line *l, int mainw, size_t *pw,
                         size_t *width)
{
	char stamp[64];
	struct tm tm;
	char *prefix;

	localtime_r(&l->when, &tm);
	if (strftime(stamp, sizeof(stamp), ui->set.time_format, &tm) == 0)
		stamp[0] = '\0';
	prefix = l->who != NULL ? xasprintf("%s %s: ", stamp, l->who) : xasprintf("%s ", stamp);
	*pw = utf8_width(prefix, strlen(prefix));
	if (*pw > (size_t)mainw / 2)
		*pw = (size_t)mainw / 2;
	*width = (size_t)mainw > *pw ? (size_t)mainw - *pw : 1;
	return prefix;
}

size_t layout_line_rows(const struct ui *ui, const struct window *w, size_t i)
{
	const struct line *l = window_line(w, i);
	size_t pw, width, rows;
	char *prefix;

	if (l == NULL)
		return 0;
	prefix = line_prefix(ui, l, layout_main(ui).w, &pw, &width);
	rows = window_wrap(l->text, width, NULL, NULL);
	free(prefix);
	return rows;
}

/* Draws one logical line from its last row up, bottom to top; skip is how
 * many of its last rows are hidden below. Returns the rows drawn. */
static int draw_line(struct ui *ui, const struct line *l, struct rect m, int bottom, int *skip)
{
	struct rowbuf rb = {0};
	size_t pw, width;
	char *prefix = line_prefix(ui, l, m.w, &pw, &width);
	int used = 0, text_attr = l->kind == LINE_ERROR || l->kind == LINE_PRESENCE
	                              ? theme_attr(&ui->theme, line_el(l->kind))
	                              : (int)A_NORMAL;

	window_wrap(l->text, width, collect_row, &rb);
	for (size_t r = rb.n; r-- > 0;) {
		int y = bottom - used;

		if (*skip > 0) {
			(*skip)--;
			continue;
		}
		if (y < m.y)
			break;
		move(y, m.x);
		attrset(A_NORMAL);
		if (r == 0) {
			attrset(theme_attr(&ui->theme, line_el(l->kind)));
			draw_clipped(prefix, (int)pw);
		}
		fill_to(y, m.x + (int)pw);
		attrset(text_attr);
		draw_clipped_n(rb.row[r], rb.len[r], (int)width);
		attrset(A_NORMAL);
		fill_to(y, m.x + m.w);
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
	struct rect m = layout_main(ui);
	int bottom = m.y + m.h - 1, y = bottom;
	int skip = (int)w->scroll;

	if (w->kind == WIN_CONSOLE) {
		console_ui_draw(ui->app->console, w, m.y, bottom, m.x, m.w, ui->theme.colors);
		return;
	}
	if (w->kind == WIN_TRANSFERS) {
		transfers_ui_draw(ui->app, w, m.y, bottom, m.x, m.w);
		return;
	}
	for (size_t i = w->count; i-- > 0 && y >= m.y;)
		y -= draw_line(ui, window_line(w, i), m, y, &skip);
	for (; y >= m.y; y--) {
		move(y, m.x);
		fill_to(y, m.x + m.w);
	}
	if (w->scroll > 0) {
		const char *mark = w->more_below ? _("-- more below --") : _("-- scrolled up --");
		int mw = (int)utf8_width(mark, strlen(mark));

		attrset(theme_attr(&ui->theme, TH_MORE));
		move(bottom, m.x + (m.w > mw ? m.w - mw : 0));
		draw_clipped(mark, m.w);
		attrset(A_NORMAL);
	}
}

static void draw_pane(struct ui *ui)
{
	struct rect p = layout_pane(ui);
	int sep = ui->set.roster_left ? p.w : p.x - 1;

	if (p.w == 0)
		return;
	attrset(theme_attr(&ui->theme, TH_BAR));
	for (int y = p.y; y < p.y + p.h; y++)
		mvaddch(y, sep, ACS_VLINE);
	attrset(A_NORMAL);
	rpane_draw(ui->roster, &ui->theme, p.y, p.x, p.h, p.w, ui->set.roster_offline);
}

void layout_draw(struct ui *ui)
{
	if (LINES < 4 || COLS < 10) {
		erase();
		refresh();
		ui->dirty = 0;
		return;
	}
	if (rpane_dirty(ui->roster))
		ui->dirty |= DIRTY_PANE;
	if (ui->dirty & DIRTY_TITLE)
		draw_title(ui);
	if (ui->dirty & DIRTY_MAIN)
		draw_main(ui);
	if (ui->dirty & DIRTY_PANE)
		draw_pane(ui);
	if (ui->dirty & DIRTY_BAR)
		draw_bar(ui);
	input_draw(LINES - 1, COLS);
	refresh();
	ui->dirty = 0;
}
