/* File transfers on the screen. Names and JIDs come from the network; the
 * window code sanitises every line before drawing it. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "ft/ft.h"
#include "i18n.h"
#include "ui/draw.h"
#include "ui/transfers.h"
#include "ui/ui.h"
#include "ui/window.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/utf8.h"

#define BAR_WIDTH 20
#define MAX_ROWS  128

static void human_size(long long n, char *out, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, len, "%lld B", n);
	else
		snprintf(out, len, "%.1f %s", v, units[u]);
}

/* A description on one line: a newline in it could pass for a line of
 * jabiru's own. */
static char *one_line(const char *s)
{
	char *r = xstrdup(s != NULL ? s : "");

	for (char *p = r; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return r;
}

static char *offer_line(const struct event *ev)
{
	const char *id = EV_GET_STR(ev, EV_FILE_OFFER, id);
	char size[32], *desc = one_line(EV_GET_STR(ev, EV_FILE_OFFER, desc)), *line;

	human_size(EV_GET_INT(ev, EV_FILE_OFFER, size, 0), size, sizeof(size));
	line = xasprintf(_("%s offers the file \"%s\" (%s)%s%s. Type /files accept %s [PATH] or "
	                   "/files reject %s."),
	                 EV_GET_STR(ev, EV_FILE_OFFER, from), EV_GET_STR(ev, EV_FILE_OFFER, name),
	                 size, desc[0] != '\0' ? ": " : "", desc, id, id);
	free(desc);
	return line;
}

char *transfers_event_line(const struct event *ev)
{
	char size[32];

	switch (ev->kind) {
	case EV_FILE_OFFER:
		return offer_line(ev);
	case EV_FILE_OUTGOING:
		return xasprintf(_("Transfer %s: waiting for %s to accept \"%s\"."),
		                 EV_GET_STR(ev, EV_FILE_OUTGOING, id),
		                 EV_GET_STR(ev, EV_FILE_OUTGOING, to),
		                 EV_GET_STR(ev, EV_FILE_OUTGOING, name));
	case EV_FILE_DONE:
		human_size(EV_GET_INT(ev, EV_FILE_DONE, size, 0), size, sizeof(size));
		return xasprintf(
		    _("Transfer %s done: %s (%s, %s, %llds)."), EV_GET_STR(ev, EV_FILE_DONE, id),
		    EV_GET_STR(ev, EV_FILE_DONE, path), size, EV_GET_STR(ev, EV_FILE_DONE, method),
		    EV_GET_INT(ev, EV_FILE_DONE, seconds, 0));
	case EV_FILE_FAILED:
		return xasprintf(_("Transfer %s ended: %s."), EV_GET_STR(ev, EV_FILE_FAILED, id),
		                 EV_GET_STR(ev, EV_FILE_FAILED, reason));
	default:
		return NULL;
	}
}

char *transfers_row(const struct ft_view *v, int width)
{
	char size[32], rate[32], eta[32], bar[BAR_WIDTH + 3], *row;
	int fill = v->total > 0 ? (int)(v->bytes * BAR_WIDTH / v->total)
	                        : (strcmp(v->state, "done") == 0 ? BAR_WIDTH : 0);

	human_size(v->total, size, sizeof(size));
	human_size(v->rate, rate, sizeof(rate));
	if (v->eta_s >= 0)
		snprintf(eta, sizeof(eta), "%lld:%02lld", v->eta_s / 60, v->eta_s % 60);
	else
		snprintf(eta, sizeof(eta), "-");
	bar[0] = '[';
	for (int i = 0; i < BAR_WIDTH; i++)
		bar[i + 1] = i < fill ? '#' : '.';
	bar[BAR_WIDTH + 1] = ']';
	bar[BAR_WIDTH + 2] = '\0';
	row = xasprintf("%3s %s %-24.24s %-24.24s %9s %s %9s/s %6s %-13s %s", v->id,
	                strcmp(v->direction, "send") == 0 ? "->" : "<-", v->peer, v->name, size,
	                bar, v->rate > 0 ? rate : "-", eta, v->method[0] != '\0' ? v->method : "-",
	                v->state);
	(void)width; /* the window wraps what does not fit */
	return row;
}

void transfers_show(struct ui *ui, struct app *app)
{
	struct ft_view views[MAX_ROWS];
	size_t n = ft_views(app, views, MAX_ROWS);

	if (n == 0) {
		ui_print_help(ui, _("No file transfers."));
		return;
	}
	ui_print_help(ui, _(" ID    peer                     name                          size "
	                    "progress                    rate    ETA method        state"));
	for (size_t i = 0; i < n; i++) {
		char *row = transfers_row(&views[i], 0);

		ui_print_help(ui, row);
		free(row);
	}
}

/* ---- the transfers window --------------------------------------------- */

/* "1.5K", "120M": at most five columns, so a row fits 80 columns. */
static void short_size(long long n, char *out, size_t len)
{
	static const char units[] = "BKMGT";
	double v = (double)n;
	size_t u = 0;

	while (v >= 1000 && u + 1 < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	if (u > 0 && v < 10)
		snprintf(out, len, "%.1f%c", v, units[u]);
	else
		snprintf(out, len, "%.0f%c", v, units[u]);
}

enum col { C_ID, C_DIR, C_PEER, C_NAME, C_SIZE, C_BAR, C_RATE, C_ETA, C_METHOD, C_STATE, NCOLS };

/* On a very narrow area the fixed columns alone do not fit: cut from the
 * right so that nothing is drawn past the area's edge. */
static void clip_plan(int cols, int *wd)
{
	int total = -1;

	for (int c = 0; c < NCOLS; c++)
		total += wd[c] > 0 ? wd[c] + 1 : 0;
	for (int c = NCOLS - 1; c >= 0 && total > cols; c--) {
		int cut = wd[c] < total - cols ? wd[c] : total - cols;

		if (wd[c] == 0)
			continue;
		wd[c] -= cut;
		total -= cut + (wd[c] == 0 ? 1 : 0);
	}
}

/* Column widths for the area; 0 hides a column. The fixed ones first,
 * then peer, name and bar share what is left. Below 100 columns the method
 * is shortened ("direct", "proxy", "ibb"); on a narrow area (80 columns
 * with the roster pane) the rate, the ETA and then the method go, in that
 * order, before the name gets too short to read. */
static void plan(int cols, int *wd)
{
	static const int fixed[NCOLS] = {3, 2, 0, 0, 5, 0, 7, 5, 13, 10};
	static const enum col drop[] = {C_RATE, C_ETA, C_METHOD};
	int avail = cols, bar;

	for (int c = 0; c < NCOLS; c++) {
		wd[c] = fixed[c];
		if (c == C_METHOD && cols < 100)
			wd[c] = 6;
		avail -= wd[c] + (c + 1 < NCOLS ? 1 : 0);
	}
	for (size_t i = 0; avail < 21 && i < sizeof(drop) / sizeof(drop[0]); i++) {
		avail += wd[drop[i]] + 1;
		wd[drop[i]] = 0;
	}
	if (avail < 3)
		avail = 3;
	bar = avail / 3 < 6 ? (avail >= 12 ? 6 : 0) : (avail / 3 > 22 ? 22 : avail / 3);
	wd[C_BAR] = bar;
	wd[C_PEER] = (avail - bar) * 2 / 5;
	wd[C_NAME] = avail - bar - wd[C_PEER];
	clip_plan(cols, wd);
}

/* The method as the column has room for it. */
static const char *method_label(const char *m, int width)
{
	if (m[0] == '\0')
		return "-";
	if (width < 13 && strncmp(m, "socks5-", 7) == 0)
		return m + 7;
	return m;
}

/* Draws s in a cell of w columns at x, cut to fit (wide characters
 * measured): returns the next cell's column. */
static int cell(int y, int x, int w, const char *s, bool right)
{
	size_t len = strlen(s);
	int sw = (int)utf8_width(s, len), pad = 0;

	if (w <= 0)
		return x;
	if (right && sw < w)
		pad = w - sw;
	move(y, x + pad);
	draw_clipped(s, w - pad);
	return x + w + 1;
}

static void draw_row(const struct ft_view *v, int y, int x0, const int *wd)
{
	char size[16], rate[24], eta[24], bar[32], *peer = sanitize_str(v->peer);
	int x = x0, fill;

	/* A narrow peer column shows who rather than where: the local part. */
	if (wd[C_PEER] < 20 && strchr(peer, '@') != NULL && peer[0] != '@')
		*strchr(peer, '@') = '\0';

	short_size(v->total, size, sizeof(size));
	if (v->rate > 0) {
		short_size(v->rate, rate, sizeof(rate));
		strcat(rate, "/s");
	} else {
		snprintf(rate, sizeof(rate), "-");
	}
	if (v->eta_s >= 0 && v->eta_s < 100 * 3600)
		snprintf(eta, sizeof(eta), "%lld:%02lld", v->eta_s / 60, v->eta_s % 60);
	else
		snprintf(eta, sizeof(eta), "-");
	fill = v->total > 0 ? (int)(v->bytes * (wd[C_BAR] - 2) / v->total)
	                    : (strcmp(v->state, "done") == 0 ? wd[C_BAR] - 2 : 0);
	bar[0] = '\0';
	if (wd[C_BAR] >= 3) {
		int inner = wd[C_BAR] - 2;
		char pct[8];
		int pl = snprintf(pct, sizeof(pct), "%d%%", inner > 0 ? fill * 100 / inner : 0);

		/* The percentage over the bar's middle: a narrow bar still
		 * shows that bytes move. */
		if (v->total > 0)
			pl = snprintf(pct, sizeof(pct), "%lld%%", v->bytes * 100 / v->total);
		bar[0] = '[';
		for (int i = 0; i < inner; i++)
			bar[i + 1] = i < fill ? '#' : '.';
		if (pl <= inner)
			memcpy(bar + 1 + (inner - pl) / 2, pct, (size_t)pl);
		bar[wd[C_BAR] - 1] = ']';
		bar[wd[C_BAR]] = '\0';
	}
	x = cell(y, x, wd[C_ID], v->id, true);
	x = cell(y, x, wd[C_DIR], strcmp(v->direction, "send") == 0 ? "->" : "<-", false);
	x = cell(y, x, wd[C_PEER], peer, false);
	x = cell(y, x, wd[C_NAME], v->name, false);
	x = cell(y, x, wd[C_SIZE], size, true);
	x = cell(y, x, wd[C_BAR], bar, false);
	x = cell(y, x, wd[C_RATE], rate, true);
	x = cell(y, x, wd[C_ETA], eta, true);
	x = cell(y, x, wd[C_METHOD], method_label(v->method, wd[C_METHOD]), false);
	cell(y, x, wd[C_STATE], v->state, false);
	free(peer);
}

static void blank_rows(int top, int bottom, int x0, int cols)
{
	for (int y = top; y <= bottom; y++) {
		move(y, x0);
		for (int x = 0; x < cols; x++)
			addch(' ');
	}
}

static void draw_head(int y, int x0, const int *wd)
{
	static const char *const titles[NCOLS] = {
	    N_("ID"),       NULL,       N_("peer"), N_("name"),   N_("size"),
	    N_("progress"), N_("rate"), N_("ETA"),  N_("method"), N_("state")};
	int x = x0;

	attrset(A_BOLD | A_UNDERLINE);
	for (int c = 0; c < NCOLS; c++)
		x = cell(y, x, wd[c], titles[c] != NULL ? _(titles[c]) : "",
		         c == C_ID || c == C_SIZE || c == C_RATE || c == C_ETA);
	attrset(A_NORMAL);
}

void transfers_ui_draw(struct app *app, const struct window *w, int top, int bottom, int x0,
                       int cols)
{
	struct ft_view views[MAX_ROWS];
	size_t n = ft_views(app, views, MAX_ROWS), first = 0;
	int wd[NCOLS], y;

	blank_rows(top, bottom, x0, cols);
	plan(cols, wd);
	draw_head(top++, x0, wd);
	/* The last notice given while this window was active (an answer to
	 * /files accept, an error): the window's ring holds it, sanitised. */
	if (w->count > 0 && top < bottom) {
		const struct line *l = window_line(w, w->count - 1);

		attrset(l->kind == LINE_ERROR ? A_BOLD : A_NORMAL);
		move(bottom, x0);
		draw_clipped(l->text, cols);
		attrset(A_NORMAL);
		bottom--;
	}
	if (n == 0 && top <= bottom) {
		move(top, x0);
		draw_clipped(_("No file transfers. /sendfile JID FILE sends one."), cols);
		return;
	}
	/* More transfers than rows: the newest stay in view. */
	if (bottom - top + 1 > 0 && n > (size_t)(bottom - top + 1))
		first = n - (size_t)(bottom - top + 1);
	for (y = top; first < n && y <= bottom; first++, y++)
		draw_row(&views[first], y, x0, wd);
}

bool transfers_is_event(const struct event *ev)
{
	switch (ev->kind) {
	case EV_INFO: /* ft says "trying in-band", "receiving into" this way */
	case EV_ERROR:
	case EV_FILE_OFFER:
	case EV_FILE_OUTGOING:
	case EV_FILE_PROGRESS:
	case EV_FILE_DONE:
	case EV_FILE_FAILED:
	case EV_FILE:
		return true;
	default:
		return false;
	}
}
