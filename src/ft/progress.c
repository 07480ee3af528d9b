/* Progress of the transfers under way: one timer, only while a byte can
 * move, for the file-progress events, the rate and ETA of the transfers
 * window, and files.idle_timeout, the same for every method. */
#include "config.h"

#include <stdlib.h>

#include "app.h"
#include "ft/ft-int.h"
#include "i18n.h"
#include "loop.h"
#include "util/str.h"

#define PROGRESS_MS 500

static void update_rate(struct transfer *t, uint64_t now)
{
	if (now > t->rate_t) {
		long long r = (t->bytes - t->rate_bytes) * 1000 / (long long)(now - t->rate_t);

		/* Smoothed, so that the ETA does not jump about. */
		t->rate = t->rate == 0 ? r : (t->rate * 3 + r) / 4;
	}
	t->rate_bytes = t->bytes;
	t->rate_t = now;
}

/* files.idle_timeout, whatever the stream: a peer that stops sending, or
 * stops reading, while keeping its connection open, fails the transfer
 * (the stream engines know no more than that bytes stopped). */
static bool stalled(struct transfer *t, uint64_t now)
{
	int idle_ms = t->app->ft->set.idle_timeout_ms;
	char *reason;

	if (idle_ms <= 0 || now - t->moved_ms < (uint64_t)idle_ms)
		return false;
	reason = xasprintf(_("nothing moved for %d seconds (files.idle_timeout)"), idle_ms / 1000);
	transfer_fail(t, FT_FAILED, reason);
	free(reason);
	return true;
}

static void on_progress(void *ud)
{
	struct ft *ft = ud;
	uint64_t now = loop_now_ms();

	ft->progress_timer = NULL;
	for (struct transfer *t = ft->list; t != NULL; t = t->next) {
		struct event ev;

		if (t->state != FT_ACTIVE && t->state != FT_FINISHING)
			continue;
		if (stalled(t, now)) /* fails it; nothing is freed */
			continue;
		update_rate(t, now);
		if (t->bytes == t->reported)
			continue;
		t->reported = t->bytes;
		ev_init(&ev, EV_FILE_PROGRESS);
		ev_str(&ev, "id", t->idstr);
		ev_int(&ev, "bytes", t->bytes);
		ev_int(&ev, "total", t->total);
		ev_int(&ev, "rate", t->rate);
		app_emit(ft->app, &ev);
	}
	transfer_progress_arm(ft);
}

/* One timer for all transfers, only while one is moving: idle means asleep. */
void transfer_progress_arm(struct ft *ft)
{
	if (ft->progress_timer != NULL)
		return;
	for (struct transfer *t = ft->list; t != NULL; t = t->next) {
		if (t->state == FT_ACTIVE || t->state == FT_FINISHING) {
			ft->progress_timer =
			    loop_timer_add(ft->app->loop, PROGRESS_MS, on_progress, ft);
			return;
		}
	}
}

size_t ft_views(struct app *app, struct ft_view *out, size_t max)
{
	size_t n = 0;

	for (struct transfer *t = app->ft->list; t != NULL && n < max; t = t->next, n++) {
		struct ft_view *v = &out[n];

		v->id = t->idstr;
		v->direction = t->dir == FT_SEND ? "send" : "receive";
		v->peer = t->peer != NULL ? t->peer : "";
		v->name = t->safe_name != NULL ? t->safe_name : "";
		v->method = t->method_name;
		v->state = transfer_state_name(t->state);
		v->bytes = t->bytes;
		v->total = t->total;
		v->rate = t->state == FT_ACTIVE ? t->rate : 0;
		v->eta_s = v->rate > 0 ? (t->total - t->bytes) / v->rate : -1;
	}
	return n;
}
