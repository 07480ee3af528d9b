#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "i18n.h"
#include "ui/console.h"
#include "ui/draw.h"
#include "ui/window.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/utf8.h"
#include "xmpp/console.h"
#include "xmpp/xmlfmt.h"

/* Colour pairs of their own, clear of the ones ui.c defines. */
enum { P_ELEMENT = 20, P_ATTR, P_VALUE, P_IN, P_OUT, P_HEAD };

/* One entry laid out into rows; drawn only when draw is set. */
struct lay {
	int x0; /* screen column of the area's left edge */
	int cols;
	int y0;  /* screen row of the entry's first row */
	int top; /* rows above it are not drawn */
	int bottom;
	bool draw;
	bool colors;
	int row;
	int x;
};

static attr_t kind_attr(bool colors, enum xf_kind k)
{
	if (!colors)
		return k == XF_ELEMENT ? A_BOLD : (k == XF_NS ? A_DIM : A_NORMAL);
	switch (k) {
	case XF_ELEMENT:
		return COLOR_PAIR(P_ELEMENT) | A_BOLD;
	case XF_ATTR:
		return COLOR_PAIR(P_ATTR);
	case XF_VALUE:
		return COLOR_PAIR(P_VALUE);
	case XF_NS:
		return A_DIM;
	default:
		return A_NORMAL;
	}
}

static bool visible(const struct lay *L)
{
	int y = L->y0 + L->row;

	return L->draw && y >= L->top && y <= L->bottom;
}

/* Puts text, wrapping at the width to column cont on the next row. Each
 * character goes through the drawing gate (a notice line may hold '\n'). */
static void put(struct lay *L, attr_t attr, const char *s, size_t n, int cont)
{
	size_t used;
	char out[SANITIZE_CHAR_MAX];

	for (size_t i = 0; i < n; i += used) {
		size_t k = draw_char_form(s + i, n - i, out, &used);
		int cw = (int)utf8_width(out, k);

		if (L->x + cw > L->cols && L->x > cont) {
			L->row++;
			L->x = cont;
		}
		if (visible(L)) {
			attrset(attr);
			mvaddnstr(L->y0 + L->row, L->x0 + L->x, out, (int)k);
		}
		L->x += cw;
	}
}

static void lay_entry(struct lay *L, const struct console_entry *e, const struct xf_doc *d)
{
	struct tm tm;
	char stamp[16], *head;
	int maxind = L->cols / 2;

	localtime_r(&e->when.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	head = xasprintf("%s.%03ld %s", stamp, e->when.tv_nsec / 1000000L,
	                 e->dir == CONSOLE_IN ? _("↓ received") : _("↑ sent"));
	L->row = 0;
	L->x = 0;
	put(L, L->colors ? COLOR_PAIR(e->dir == CONSOLE_IN ? P_IN : P_OUT) | A_BOLD : A_BOLD, head,
	    strlen(head), 0);
	free(head);
	for (size_t i = 0; i < d->nlines; i++) {
		const struct xf_line *l = &d->lines[i];
		int ind = l->indent * 2 < maxind ? l->indent * 2 : maxind;
		int cont = ind + 4 < maxind ? ind + 4 : maxind;

		L->row++;
		L->x = ind;
		for (size_t k = 0; k < l->n; k++) {
			const struct xf_span *sp = &d->spans[l->first + k];

			put(L, kind_attr(L->colors, sp->kind), d->text + sp->off, sp->len, cont);
		}
	}
	attrset(A_NORMAL);
}

/* Blanks one row of the area (clrtoeol would also wipe a pane beside it). */
static void blank(int y, int x0, int cols)
{
	move(y, x0);
	for (int x = 0; x < cols; x++)
		addch(' ');
}

static void draw_header(struct console *c, const struct window *w, int y, int x0, int cols,
                        bool colors)
{
	struct console_view *v = console_view(c);
	char *desc = console_filter_describe(&v->filter);
	char *head =
	    xasprintf(_("XML console: %zu elements%s%s%s%s%s"), console_count(c),
	              desc[0] ? _(" — filter: ") : "", desc, v->paused ? _(" — paused") : "",
	              v->compact ? _(" — compact") : "", w->scroll > 0 ? _(" — scrolled up") : "");
	/* The filter holds what the user typed: no control reaches the tty. */
	char *clean = sanitize_str(head);
	struct lay L = {.x0 = x0, .cols = cols, .y0 = y, .top = y, .bottom = y, .draw = true};

	blank(y, x0, cols);
	put(&L, colors ? COLOR_PAIR(P_HEAD) | A_BOLD : A_REVERSE, clean, strlen(clean), cols);
	attrset(A_NORMAL);
	free(clean);
	free(head);
	free(desc);
}

void console_ui_draw(struct console *c, struct window *w, int top, int bottom, int x0, int cols,
                     bool colors)
{
	struct console_view *v = console_view(c);
	struct xf_doc d = {0};
	int y = bottom, skip = (int)w->scroll;

	if (colors) {
		init_pair(P_ELEMENT, COLOR_BLUE, -1);
		init_pair(P_ATTR, COLOR_CYAN, -1);
		init_pair(P_VALUE, COLOR_GREEN, -1);
		init_pair(P_IN, COLOR_MAGENTA, -1);
		init_pair(P_OUT, COLOR_YELLOW, -1);
		init_pair(P_HEAD, COLOR_WHITE, COLOR_BLUE);
	}
	for (int r = top; r <= bottom; r++)
		blank(r, x0, cols);
	draw_header(c, w, top, x0, cols, colors);
	top++;
	/* The last notice given while this window was active (a /raw error):
	 * the window's own line ring holds it, already sanitised. */
	if (w->count > 0 && top < bottom) {
		const struct line *l = window_line(w, w->count - 1);
		struct lay L = {
		    .x0 = x0, .cols = cols, .y0 = top, .top = top, .bottom = top, .draw = true};

		put(&L, l->kind == LINE_ERROR ? A_BOLD : A_NORMAL, l->text, strlen(l->text), cols);
		attrset(A_NORMAL);
		top++;
	}
	for (size_t i = console_count(c); i-- > 0 && y >= top;) {
		const struct console_entry *e = console_entry(c, i);
		struct lay L = {
		    .x0 = x0, .cols = cols, .top = top, .bottom = bottom, .colors = colors};
		int rows;

		if ((v->paused && e->seq > v->paused_seq) || !console_filter_match(&v->filter, e))
			continue;
		xmlfmt_format(&d, e->xml, e->len, v->compact);
		lay_entry(&L, e, &d);
		rows = L.row + 1;
		if (skip >= rows) {
			skip -= rows;
			continue;
		}
		L.y0 = y - (rows - 1 - skip);
		L.draw = true;
		lay_entry(&L, e, &d);
		y = L.y0 - 1;
		skip = 0;
	}
	xmlfmt_free(&d);
}

size_t console_ui_newest_rows(struct console *c, int cols)
{
	struct console_view *v = console_view(c);
	const struct console_entry *e;
	struct xf_doc d = {0};
	struct lay L = {.cols = cols};

	if (console_count(c) == 0 || cols <= 0)
		return 0;
	e = console_entry(c, console_count(c) - 1);
	if ((v->paused && e->seq > v->paused_seq) || !console_filter_match(&v->filter, e))
		return 0; /* not drawn, so it cannot push anything */
	xmlfmt_format(&d, e->xml, e->len, v->compact);
	lay_entry(&L, e, &d); /* draw unset: only counts the rows */
	xmlfmt_free(&d);
	return (size_t)L.row + 1;
}

char *console_ui_result_text(const struct event *ev)
{
	const char *type = EV_GET_STR(ev, EV_RAW_RESULT, type);
	const char *from = EV_GET_STR(ev, EV_RAW_RESULT, from);

	return xasprintf(_("Answer to /raw iq %s from %s (%s): %s"),
	                 EV_GET_STR(ev, EV_RAW_RESULT, id), from != NULL ? from : _("the server"),
	                 type != NULL ? type : "?", EV_GET_STR(ev, EV_RAW_RESULT, xml));
}
