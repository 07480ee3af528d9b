/* File transfers on the screen. Names and JIDs come from the network; the
 * window code sanitises every line before drawing it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "ft/ft.h"
#include "i18n.h"
#include "ui/transfers.h"
#include "ui/ui.h"
#include "util/str.h"

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
	char size[32], *desc = one_line(ev_get(ev, "desc")), *line;

	human_size(ev_get_int(ev, "size", 0), size, sizeof(size));
	line = xasprintf(_("%s offers the file \"%s\" (%s)%s%s. Type /files accept %s [PATH] or "
	                   "/files reject %s."),
	                 ev_get(ev, "from"), ev_get(ev, "name"), size, desc[0] != '\0' ? ": " : "",
	                 desc, ev_get(ev, "id"), ev_get(ev, "id"));
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
		                 ev_get(ev, "id"), ev_get(ev, "to"), ev_get(ev, "name"));
	case EV_FILE_DONE:
		human_size(ev_get_int(ev, "size", 0), size, sizeof(size));
		return xasprintf(_("Transfer %s done: %s (%s, %s, %llds)."), ev_get(ev, "id"),
		                 ev_get(ev, "path"), size, ev_get(ev, "method"),
		                 ev_get_int(ev, "seconds", 0));
	case EV_FILE_FAILED:
		return xasprintf(_("Transfer %s ended: %s."), ev_get(ev, "id"),
		                 ev_get(ev, "reason"));
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
