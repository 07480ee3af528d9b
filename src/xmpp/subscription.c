/* Subscriptions (RFC 6121 §3): requests, answers, and the list of incoming
 * requests that wait for the user, kept in the XDG data dir so a reconnect
 * or a restart loses none. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "event.h"
#include "i18n.h"
#include "loop.h"
#include "util/jid.h"
#include "util/map.h"
#include "util/str.h"
#include "util/xdg.h"
#include "xmpp/blocking.h"
#include "xmpp/presence.h"
#include "xmpp/presence_int.h"
#include "xmpp/roster.h"
#include "xmpp/session.h"

/* Bounds the list against a flood of requests from made-up JIDs. */
#define MAX_PENDING 1000
/* A flood comes as a burst: the file is written once after it, not once
 * per request. */
#define SAVE_DELAY_MS 1000

static char *pending_file(struct presence *p)
{
	char *name, *f;

	if (p->account == NULL)
		return NULL;
	name = xasprintf("pending/%s", p->account);
	f = xdg_path(XDG_DATA, name);
	free(name);
	return f;
}

static void pending_save(struct app *app)
{
	struct presence *p = app->presence;
	char *file = pending_file(p), *tmp;
	const char *k;
	void *v;
	FILE *f;
	bool ok;

	if (file == NULL)
		return;
	tmp = xasprintf("%s.tmp", file);
	f = fopen(tmp, "w");
	if (f != NULL) {
		fchmod(fileno(f), 0600);
		for (size_t i = 0; map_next(&p->pending, &i, &k, &v);)
			fprintf(f, "%s\t%lld\n", k, (long long)*(time_t *)v);
		ok = fflush(f) == 0 && !ferror(f);
		if (fclose(f) == 0 && ok && rename(tmp, file) == 0)
			goto out;
	}
	app_error(app, NULL, "io", _("Cannot save the pending subscription requests in %s: %s"),
	          file, strerror(errno));
	unlink(tmp);
out:
	free(tmp);
	free(file);
}

static void on_save_timer(void *ud)
{
	struct app *app = ud;

	app->presence->save_timer = NULL;
	pending_save(app);
}

static void pending_changed(struct app *app)
{
	struct presence *p = app->presence;

	if (p->save_timer == NULL)
		p->save_timer = loop_timer_add(app->loop, SAVE_DELAY_MS, on_save_timer, app);
}

void presence_sub_flush(struct app *app)
{
	struct presence *p = app->presence;

	if (p->save_timer != NULL) {
		loop_timer_del(app->loop, p->save_timer);
		p->save_timer = NULL;
		pending_save(app);
	}
}

/* False when the list is full (or bare is in it already). */
static bool pending_add(struct presence *p, const char *bare, time_t when)
{
	time_t *t;

	if (map_get(&p->pending, bare) != NULL || p->pending.count >= MAX_PENDING)
		return false;
	t = xmalloc(sizeof(*t));
	*t = when;
	map_put(&p->pending, bare, t);
	return true;
}

static bool pending_drop(struct app *app, const char *bare)
{
	void *v = map_del(&app->presence->pending, bare);

	free(v);
	if (v != NULL) {
		if (app->presence->pending.count < MAX_PENDING)
			app->presence->full_told = false;
		pending_changed(app);
	}
	return v != NULL;
}

static void pending_load(struct app *app)
{
	struct presence *p = app->presence;
	char *file = pending_file(p), *line = NULL, *tab;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	struct jid j;

	if (file == NULL || (f = fopen(file, "r")) == NULL) {
		free(file);
		return;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		tab = strchr(line, '\t');
		if (tab == NULL)
			continue;
		*tab = '\0';
		if (jid_parse(&j, line))
			pending_add(p, line, (time_t)strtoll(tab + 1, NULL, 10));
	}
	free(line);
	fclose(f);
	free(file);
}

static void emit_sub(struct app *app, const char *bare, const char *type, bool stored);

void presence_sub_online(struct app *app, const char *account)
{
	struct presence *p = app->presence;
	const char *k;
	void *v;

	if (p->account != NULL && strcmp(p->account, account) == 0)
		return;
	presence_sub_flush(app); /* the other account's */
	map_free(&p->pending, free);
	map_init(&p->pending);
	free(p->account);
	p->account = xstrdup(account);
	pending_load(app);
	/* Requests from earlier sessions, for the roster pane to mark. */
	for (size_t i = 0; map_next(&p->pending, &i, &k, &v);)
		emit_sub(app, k, "subscribe", true);
	if (p->pending.count > 0) {
		char *hint = app_hint(app, APP_HINT_SUB_PENDING, NULL);

		app_info(app,
		         ngettext("%zu subscription request waits for an answer: %s",
		                  "%zu subscription requests wait for an answer: %s",
		                  p->pending.count),
		         p->pending.count, hint);
		free(hint);
	}
}

void presence_sub_free(struct app *app)
{
	presence_sub_flush(app);
	map_free(&app->presence->pending, free);
	free(app->presence->account);
	app->presence->account = NULL;
}

static void send_sub(struct app *app, const char *to, const char *type)
{
	xmpp_stanza_t *st = xmpp_presence_new(session_ctx(app->session));

	xmpp_stanza_set_to(st, to);
	xmpp_stanza_set_type(st, type);
	session_send(app->session, st);
	xmpp_stanza_release(st);
}

static void emit_sub(struct app *app, const char *bare, const char *type, bool stored)
{
	time_t *since = map_get(&app->presence->pending, bare);
	char when[32] = "";
	struct event ev;
	struct tm tm;

	if (since != NULL) {
		gmtime_r(since, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	ev_init(&ev, EV_SUBSCRIPTION);
	ev_str(&ev, "from", bare);
	ev_str(&ev, "type", type);
	ev_bool(&ev, "pending", since != NULL);
	ev_str(&ev, "time", since != NULL ? when : NULL);
	if (stored)
		ev_bool(&ev, "stored", true);
	app_emit(app, &ev);
}

/* A request past the cap: the event (not pending), and a word to the user
 * once, not a line per request of the flood. */
static void pending_full(struct app *app, const char *bare, const char *type)
{
	struct presence *p = app->presence;

	emit_sub(app, bare, type, false);
	if (p->full_told)
		return;
	p->full_told = true;
	app_error(app, NULL, "pending-full",
	          _("%d subscription requests wait for an answer already: new ones (such as from "
	            "%s) are not kept until you answer some (/sub pending)."),
	          MAX_PENDING, bare);
}

void presence_on_subscription(struct app *app, const char *from, const char *type)
{
	struct presence *p = app->presence;
	char bare[JID_MAX + 1];
	char *hint;

	jid_bare_str(from, bare, sizeof(bare));
	if (strcmp(type, "subscribe") == 0) {
		if (p->settings.auto_approve) {
			send_sub(app, bare, "subscribed");
			emit_sub(app, bare, type, false);
			app_info(app, _("%s asked to see your presence; allowed (auto-approve)."),
			         bare);
			return;
		}
		if (map_get(&p->pending, bare) == NULL) {
			if (!pending_add(p, bare, time(NULL))) {
				pending_full(app, bare, type);
				return;
			}
			pending_changed(app);
		}
		emit_sub(app, bare, type, false);
		hint = app_hint(app, APP_HINT_SUB_ANSWER, bare);
		app_info(app, _("%s asks to see your presence: %s"), bare, hint);
		free(hint);
		return;
	}
	if (strcmp(type, "unsubscribe") == 0)
		pending_drop(app, bare);
	emit_sub(app, bare, type, false);
	if (strcmp(type, "subscribed") == 0)
		app_info(app, _("%s allowed you to see their presence."), bare);
	else if (strcmp(type, "unsubscribe") == 0)
		app_info(app, _("%s no longer wants to see your presence."), bare);
	else
		app_info(app, _("%s no longer lets you see their presence (or refused)."), bare);
}

void presence_roster_changed(struct app *app, const struct roster_item *it)
{
	/* Answered from another of our clients: no longer waiting. */
	if (strcmp(it->subscription, "from") == 0 || strcmp(it->subscription, "both") == 0)
		pending_drop(app, it->jid);
}

void presence_sub_drop_blocked(struct app *app)
{
	struct presence *p = app->presence;
	const char **gone = xcalloc(p->pending.count + 1, sizeof(*gone));
	size_t n = 0;
	const char *k;
	void *v;

	for (size_t i = 0; map_next(&p->pending, &i, &k, &v);)
		if (blocking_is_blocked(app, k))
			gone[n++] = xstrdup(k);
	for (size_t i = 0; i < n; i++) {
		struct event ev;

		pending_drop(app, gone[i]);
		/* As if withdrawn: the pane and a script drop the request. */
		ev_init(&ev, EV_SUBSCRIPTION);
		ev_str(&ev, "from", gone[i]);
		ev_str(&ev, "type", "unsubscribe");
		ev_bool(&ev, "pending", false);
		ev_bool(&ev, "blocked", true);
		app_emit(app, &ev);
		free((char *)gone[i]);
	}
	if (n > 0)
		app_info(app,
		         ngettext("%zu pending subscription request from a blocked sender dropped.",
		                  "%zu pending subscription requests from blocked senders dropped.",
		                  n),
		         n);
	free(gone);
}

int presence_sub(struct app *app, const char *command, const char *action, const char *jid)
{
	static const struct {
		const char *action, *type, *done;
	} acts[] = {
	    {"request", "subscribe", N_("Asked %s to see their presence.")},
	    {"allow", "subscribed", N_("Allowed %s to see your presence.")},
	    {"deny", "unsubscribed", N_("Refused (or revoked) %s seeing your presence.")},
	    {"cancel", "unsubscribe", N_("Stopped seeing %s's presence.")},
	};
	char bare[JID_MAX + 1];
	struct jid j;

	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (strcmp(action, acts[i].action) != 0)
			continue;
		if (!session_online(app->session)) {
			app_error(app, command, "not-connected", _("Not connected."));
			return -1;
		}
		if (!jid_parse(&j, jid) || j.resource[0] != '\0') {
			app_error(app, command, "usage", _("'%s' is not a valid bare JID."), jid);
			return -1;
		}
		jid_bare(&j, bare, sizeof(bare));
		send_sub(app, bare, acts[i].type);
		if (i == 1 || i == 2)
			pending_drop(app, bare);
		app_info(app, _(acts[i].done), bare);
		return 0;
	}
	app_error(app, command, "usage",
	          _("Unknown %s action '%s': use request, allow, deny, cancel or pending."),
	          command, action);
	return -1;
}

static int cmp_pending(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void presence_sub_pending(struct app *app)
{
	struct presence *p = app->presence;
	const char **keys = xcalloc(p->pending.count + 1, sizeof(*keys));
	size_t n = 0;
	const char *k;
	void *v;
	char when[32];

	for (size_t i = 0; map_next(&p->pending, &i, &k, &v);)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_pending);
	if (n == 0)
		app_info(app, _("No subscription request waits for an answer."));
	for (size_t i = 0; i < n; i++) {
		time_t t = *(time_t *)map_get(&p->pending, keys[i]);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		app_info(app, _("Pending: %s (since %s)"), keys[i], when);
	}
	free(keys);
}
