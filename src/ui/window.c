#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui/window.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/utf8.h"

struct window *window_new(enum win_kind kind, const char *jid, const char *title, size_t scrollback)
{
	struct window *w = xcalloc(1, sizeof(*w));

	w->kind = kind;
	w->jid = jid != NULL ? xstrdup(jid) : NULL;
	w->title = sanitize_str(title);
	/* Most windows hold a few lines: the ring grows to the limit only
	 * as they come, rather than costing the whole scrollback up front. */
	w->limit = scrollback > 0 ? scrollback : 1;
	return w;
}

static void line_free(struct line *l)
{
	free(l->who);
	free(l->text);
	memset(l, 0, sizeof(*l));
}

void window_clear(struct window *w)
{
	for (size_t i = 0; i < w->count; i++)
		line_free(&w->lines[(w->first + i) % w->cap]);
	w->first = 0;
	w->count = 0;
	w->scroll = 0;
	w->more_below = false;
}

void window_free(struct window *w)
{
	if (w == NULL)
		return;
	window_clear(w);
	free(w->lines);
	free(w->jid);
	free(w->title);
	free(w);
}

/* A line longer than WINDOW_LINE_MAX bytes is kept cut, with a note: a
 * peer's megabyte body would otherwise cost that much per line and be
 * wrapped again on every redraw. */
static char *bounded_text(const char *text)
{
	size_t len = strlen(text), keep;
	char *head, *line;

	if (len <= WINDOW_LINE_MAX)
		return sanitize(text, len, 1);
	keep = utf8_prefix(text, WINDOW_LINE_MAX);
	head = sanitize(text, keep, 1);
	line = xasprintf(_("%s… [%zu more bytes not kept]"), head, len - keep);
	free(head);
	return line;
}

void window_add(struct window *w, enum line_kind kind, time_t when, const char *who,
                const char *text)
{
	struct line *l;

	if (w->count == w->cap && w->cap < w->limit) {
		/* Not wrapped yet (lines are dropped only at the limit), so
		 * the lines are in order from index 0. */
		size_t want = w->cap > 0 ? w->cap * 2 : 64;

		w->cap = want < w->limit ? want : w->limit;
		w->lines = xrealloc(w->lines, w->cap * sizeof(*w->lines));
	}
	if (w->count == w->cap) {
		/* The ring is full: the oldest line goes. */
		line_free(&w->lines[w->first]);
		w->first = (w->first + 1) % w->cap;
		w->count--;
	}
	l = &w->lines[(w->first + w->count) % w->cap];
	l->when = when;
	l->kind = kind;
	l->who = who != NULL ? sanitize_str(who) : NULL;
	l->text = bounded_text(text);
	w->count++;
	if (w->scroll > 0)
		w->more_below = true;
}

const struct line *window_line(const struct window *w, size_t i)
{
	return i < w->count ? &w->lines[(w->first + i) % w->cap] : NULL;
}

size_t window_wrap(const char *text, size_t width,
                   void (*emit)(void *ud, const char *row, size_t len), void *ud)
{
	size_t rows = 0, len = strlen(text);
	const char *p = text, *end = text + len;

	if (width == 0)
		width = 1;
	while (p <= end) {
		const char *q = p, *brk = NULL;
		size_t cols = 0;

		while (q < end && *q != '\n') {
			uint32_t cp;
			size_t n = utf8_decode(q, (size_t)(end - q), &cp);
			int cw = utf8_cp_width(cp);

			if (cw < 0)
				cw = 1;
			if (cols + (size_t)cw > width)
				break;
			cols += (size_t)cw;
			q += n;
			if (cp == ' ')
				brk = q;
		}
		if (q < end && *q != '\n' && brk != NULL && brk > p)
			q = brk; /* break after the last space that fits */
		if (q == p && q < end && *q != '\n') {
			/* a character wider than the window: emit it alone */
			uint32_t cp;
			q += utf8_decode(q, (size_t)(end - q), &cp);
		}
		if (emit != NULL)
			emit(ud, p, (size_t)(q - p));
		rows++;
		if (q >= end)
			break;
		if (*q == '\n')
			q++;
		else
			while (q < end && *q == ' ')
				q++; /* no leading blanks on a wrapped row */
		p = q;
		if (p == end && end[-1] == '\n') {
			if (emit != NULL)
				emit(ud, p, 0);
			rows++;
			break;
		}
	}
	return rows;
}
