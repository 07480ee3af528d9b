/* The roster protocol (RFC 6121 §2): the fetch at login, pushes, and the
 * /roster back ends that edit it. */
#include "config.h"

#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cfg.h"
#include "event.h"
#include "i18n.h"
#include "loop.h"
#include "util/jid.h"
#include "util/map.h"
#include "util/str.h"
#include "xmpp/iq.h"
#include "xmpp/presence.h"
#include "xmpp/roster.h"
#include "xmpp/roster_int.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"
#include "xmpp/stanza.h"

static void emit_item(struct app *app, const struct roster_item *it)
{
	struct event ev;

	ev_init(&ev, EV_ROSTER);
	ev_str(&ev, "jid", it->jid);
	if (strcmp(it->subscription, "remove") == 0) {
		ev_bool(&ev, "removed", true);
	} else {
		ev_str(&ev, "name", it->name);
		ev_strv(&ev, "groups", (const char *const *)it->groups, it->ngroups);
		ev_str(&ev, "subscription", it->subscription);
		if (it->ask)
			ev_str(&ev, "ask", "subscribe");
	}
	app_emit(app, &ev);
}

/* Applies one item (from a push or a full roster); emits its event. */
static void apply_item(struct app *app, struct roster_item *it)
{
	struct roster *r = app->roster;

	emit_item(app, it);
	if (strcmp(it->subscription, "remove") == 0) {
		void *old = map_del(&r->items, it->jid);

		if (old != NULL)
			roster_item_destroy(old);
		roster_item_free(it);
	} else {
		struct roster_item *h = xmalloc(sizeof(*h));

		*h = *it;
		presence_roster_changed(app, h);
		roster_item_destroy(map_put(&r->items, h->jid, h));
	}
}

/* The roster result's parse tree (thousands of items) has been freed by
 * now; hand that memory back rather than keep it for the session. */
static void trim_heap(void *ud)
{
	(void)ud;
#ifdef HAVE_MALLOC_TRIM
	malloc_trim(0);
#endif
}

static void stop_waiting(struct roster *r, struct app *app)
{
	if (r->wait_timer != NULL)
		loop_timer_del(app->loop, r->wait_timer);
	r->wait_timer = NULL;
}

/* A server that never sends the roster must not keep us invisible: warn,
 * and go online without it. The request stays open; a late roster is
 * still taken. */
static void roster_late(void *ud)
{
	struct app *app = ud;

	app->roster->wait_timer = NULL;
	app_error(app, NULL, "roster-timeout",
	          _("The server has not sent the roster within %ld seconds; going online without "
	            "it (setting connect.roster_timeout)."),
	          cfg_int(app->config, "connect.roster_timeout"));
	presence_roster_loaded(app);
}

static void finish_load(struct app *app, bool cached)
{
	struct roster *r = app->roster;
	struct event ev;

	stop_waiting(r, app);
	ev_init(&ev, EV_ROSTER_LOADED);
	ev_int(&ev, "count", (long long)r->items.count);
	ev_bool(&ev, "cached", cached);
	app_emit(app, &ev);
	/* Initial presence only now: the server then sends our contacts'
	 * presence, which the roster must be there to receive (RFC 6121
	 * §2.2). */
	presence_roster_loaded(app);
	/* After this handler returns libstrophe frees the result: trim then. */
	loop_timer_add(app->loop, 0, trim_heap, NULL);
}

static void emit_all(struct app *app)
{
	const char *k;
	void *v;

	for (size_t i = 0; map_next(&app->roster->items, &i, &k, &v);)
		emit_item(app, v);
}

static void on_roster_result(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	struct roster *r = app->roster;
	xmpp_stanza_t *q, *c;
	const char *ver;

	(void)ud;
	if (reply == NULL)
		return;
	if (strcmp(xmpp_stanza_get_type(reply), "result") != 0) {
		char *text;
		const char *cond = iq_error_condition(reply, &text);

		app_error(app, NULL, cond, _("The server did not send the roster: %s %s"), cond,
		          text ? text : "");
		free(text);
		finish_load(app, false);
		return;
	}
	q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", XMPP_NS_ROSTER);
	if (q == NULL) {
		/* XEP-0237 §2.3: an empty result means the cached version is
		 * current; changes, if any, come as pushes. */
		emit_all(app);
		finish_load(app, true);
		return;
	}
	map_free(&r->items, roster_item_destroy); /* and ready for reuse */
	for (c = xmpp_stanza_get_children(q); c != NULL; c = xmpp_stanza_get_next(c)) {
		struct roster_item it;
		const char *n = xmpp_stanza_get_name(c);

		if (n == NULL || strcmp(n, "item") != 0 || xmpp_stanza_is_text(c))
			continue;
		if (!roster_item_parse(c, &it)) {
			app_info(app, _("Ignored a malformed roster item."));
			continue;
		}
		if (strcmp(it.subscription, "remove") == 0) {
			roster_item_free(&it);
			continue;
		}
		apply_item(app, &it);
	}
	ver = xmpp_stanza_get_attribute(q, "ver");
	free(r->ver);
	r->ver = ver != NULL ? xstrdup(ver) : NULL;
	roster_cache_save(app);
	finish_load(app, false);
}

static bool on_push(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *q, void *ud)
{
	struct roster *r = app->roster;
	xmpp_stanza_t *c, *item = NULL, *res;
	struct roster_item it;
	int nitems = 0;
	const char *ver;

	(void)ud;
	if (strcmp(xmpp_stanza_get_type(iq), "set") != 0)
		return false;
	if (!iq_from_own_account(app, iq)) {
		app_error(app, NULL, "roster-spoof",
		          _("Ignored a roster push from %s: only your server may change your "
		            "roster."),
		          xmpp_stanza_get_from(iq));
		iq_send_error(app, iq, "service-unavailable");
		return true;
	}
	for (c = xmpp_stanza_get_children(q); c != NULL; c = xmpp_stanza_get_next(c))
		if (!xmpp_stanza_is_text(c) && xmpp_stanza_get_name(c) != NULL &&
		    strcmp(xmpp_stanza_get_name(c), "item") == 0) {
			item = c;
			nitems++;
		}
	if (nitems != 1 || !roster_item_parse(item, &it)) {
		app_info(app, _("Ignored a malformed roster push."));
		iq_send_error(app, iq, "bad-request");
		return true;
	}
	apply_item(app, &it);
	ver = xmpp_stanza_get_attribute(q, "ver");
	if (ver != NULL) {
		free(r->ver);
		r->ver = xstrdup(ver);
	}
	roster_cache_schedule(app);
	res = xmpp_iq_new(session_ctx(app->session), "result", xmpp_stanza_get_id(iq));
	if (xmpp_stanza_get_from(iq) != NULL)
		xmpp_stanza_set_to(res, xmpp_stanza_get_from(iq));
	session_send(app->session, res);
	xmpp_stanza_release(res);
	return true;
}

static void online(struct session *s, void *ud)
{
	struct app *app = ud;
	struct roster *r = app->roster;
	char bare[JID_MAX + 1];
	xmpp_stanza_t *iq, *q;

	jid_bare_str(session_jid(s), bare, sizeof(bare));
	if (r->account == NULL || strcmp(r->account, bare) != 0) {
		map_free(&r->items, roster_item_destroy); /* and ready for reuse */
		free(r->ver);
		r->ver = NULL;
		free(r->account);
		r->account = xstrdup(bare);
	}
	if (r->ver == NULL)
		roster_cache_load(app);
	iq = iq_new_query(app, "get", NULL, XMPP_NS_ROSTER, &q);
	if (session_offers_rosterver(s))
		xmpp_stanza_set_attribute(q, "ver", r->ver != NULL ? r->ver : "");
	iq_request(app, iq, on_roster_result, NULL);
	xmpp_stanza_release(iq);
	stop_waiting(r, app);
	r->wait_timer = loop_timer_add(
	    app->loop, (uint64_t)cfg_int(app->config, "connect.roster_timeout") * 1000, roster_late,
	    app);
}

static void offline(struct session *s, void *ud)
{
	struct app *app = ud;

	(void)s;
	stop_waiting(app->roster, app);
	roster_cache_flush(app);
}

/* What the user last asked an item to be, until the server has answered
 * the set that asked it: a second edit builds on this, not on the last
 * push, which may not include the first edit yet. */
struct desired {
	struct roster_item item;
	unsigned serial; /* of the newest set for this JID */
};

static void desired_free(void *p)
{
	struct desired *d = p;

	roster_item_free(&d->item);
	free(d);
}

static const struct session_hooks roster_hooks = {.online = online, .offline = offline};

void roster_init(struct app *app)
{
	app->roster = xcalloc(1, sizeof(*app->roster));
	/* Keyed by each item's own JID: 2,000 contacts, 2,000 fewer copies. */
	map_init_borrowed(&app->roster->items);
	map_init_borrowed(&app->roster->desired);
	iq_route(app, XMPP_NS_ROSTER, "set", on_push, NULL);
	session_add_hooks(app->session, &roster_hooks, app);
}

void roster_fini(struct app *app)
{
	if (app->roster == NULL)
		return;
	stop_waiting(app->roster, app);
	roster_cache_flush(app);
	map_free(&app->roster->items, roster_item_destroy);
	map_free(&app->roster->desired, desired_free);
	free(app->roster->ver);
	free(app->roster->account);
	free(app->roster);
	app->roster = NULL;
}

const struct roster_item *roster_get(struct app *app, const char *bare)
{
	return map_get(&app->roster->items, bare);
}

void roster_each(struct app *app, void (*fn)(void *ud, const struct roster_item *it), void *ud)
{
	const char *k;
	void *v;

	for (size_t i = 0; map_next(&app->roster->items, &i, &k, &v);)
		fn(ud, v);
}

static int cmp_item(const void *a, const void *b)
{
	const struct roster_item *x = *(const struct roster_item *const *)a;
	const struct roster_item *y = *(const struct roster_item *const *)b;

	return strcmp(x->jid, y->jid);
}

void roster_list(struct app *app)
{
	struct roster *r = app->roster;
	const struct roster_item **v = xcalloc(r->items.count + 1, sizeof(*v));
	size_t n = 0;
	const char *k;
	void *val;

	for (size_t i = 0; map_next(&r->items, &i, &k, &val);)
		v[n++] = val;
	qsort(v, n, sizeof(*v), cmp_item);
	app_info(app, ngettext("Roster: %zu contact", "Roster: %zu contacts", n), n);
	for (size_t i = 0; i < n; i++) {
		struct buf g;

		buf_init(&g);
		for (size_t j = 0; j < v[i]->ngroups; j++)
			buf_printf(&g, "%s%s", j ? ", " : "", v[i]->groups[j]);
		app_info(app, "  %s%s%s%s  [%s]  %s%s", v[i]->jid, v[i]->name ? " (" : "",
		         v[i]->name ? v[i]->name : "", v[i]->name ? ")" : "", buf_cstr(&g),
		         v[i]->subscription, v[i]->ask ? _(" (request sent)") : "");
		buf_free(&g);
	}
	free(v);
}

static bool check_online_jid(struct app *app, const char *command, const char *jid, char *bare)
{
	struct jid j;

	if (!session_online(app->session)) {
		app_error(app, command, "not-connected", _("Not connected."));
		return false;
	}
	if (!jid_parse(&j, jid) || j.resource[0] != '\0') {
		app_error(app, command, "usage", _("'%s' is not a valid bare JID."), jid);
		return false;
	}
	jid_bare(&j, bare, JID_MAX + 1);
	return true;
}

struct set_request {
	char *command, *ok_text, *jid;
	unsigned serial;
};

/* Answered (or the session ended): once the newest set for the JID is, the
 * server's pushes say the rest. The server answers one stream's iqs in
 * order, so the older sets were answered before. */
static void on_set_reply(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	struct set_request *q = ud;
	/* At exit iq_fini ends the requests after roster_fini. */
	struct desired *d = app->roster != NULL ? map_get(&app->roster->desired, q->jid) : NULL;

	iq_report_reply(app, reply, q->command, q->ok_text);
	if (d != NULL && d->serial == q->serial)
		desired_free(map_del(&app->roster->desired, q->jid));
	free(q->command);
	free(q->ok_text);
	free(q->jid);
	free(q);
}

/* Sets the desired item for bare (name and groups copied) and returns it. */
static struct desired *desire(struct roster *r, const char *bare, const char *name,
                              const char *const *groups, size_t ngroups)
{
	struct desired *d = xcalloc(1, sizeof(*d));

	d->item.jid = xstrdup(bare);
	d->item.name = name != NULL && name[0] != '\0' ? xstrdup(name) : NULL;
	for (size_t i = 0; i < ngroups; i++)
		roster_item_add_group(&d->item, groups[i]);
	d->serial = ++r->set_serial;
	return d;
}

static void send_set(struct app *app, const char *command, const struct desired *d)
{
	struct set_request *q = xcalloc(1, sizeof(*q));
	xmpp_stanza_t *iq, *query, *item;

	iq = iq_new_query(app, "set", NULL, XMPP_NS_ROSTER, &query);
	item = xmpp_stanza_new(session_ctx(app->session));
	xmpp_stanza_set_name(item, "item");
	xmpp_stanza_set_attribute(item, "jid", d->item.jid);
	if (d->item.name != NULL)
		xmpp_stanza_set_attribute(item, "name", d->item.name);
	for (size_t i = 0; i < d->item.ngroups; i++)
		stanza_add_text(item, "group", d->item.groups[i]);
	xmpp_stanza_add_child(query, item);
	xmpp_stanza_release(item);
	q->command = xstrdup(command);
	q->ok_text = xasprintf(_("Roster updated: %s."), d->item.jid);
	q->jid = xstrdup(d->item.jid);
	q->serial = d->serial;
	iq_request(app, iq, on_set_reply, q);
	xmpp_stanza_release(iq);
}

int roster_set(struct app *app, const char *command, const char *jid, const char *name,
               bool keep_name, const char *const *groups, size_t ngroups, bool keep_groups,
               bool add)
{
	struct roster *r = app->roster;
	char bare[JID_MAX + 1];
	const struct roster_item *old;
	struct desired *d, *prev;

	if (!check_online_jid(app, command, jid, bare))
		return -1;
	prev = map_get(&r->desired, bare);
	old = prev != NULL ? &prev->item : roster_get(app, bare);
	if ((keep_name || keep_groups) && old == NULL && !add) {
		app_error(app, command, "not-in-roster", _("%s is not in your roster."), bare);
		return -1;
	}
	if (keep_name && old != NULL)
		name = old->name;
	if (keep_groups && old != NULL) {
		groups = (const char *const *)old->groups;
		ngroups = old->ngroups;
	}
	d = desire(r, bare, name, groups, ngroups);
	send_set(app, command, d);
	/* Last: name and groups may point into prev. */
	prev = map_put(&r->desired, d->item.jid, d);
	if (prev != NULL)
		desired_free(prev);
	return 0;
}

int roster_remove(struct app *app, const char *command, const char *jid)
{
	char bare[JID_MAX + 1], *ok;
	xmpp_stanza_t *iq, *q, *item;
	struct desired *d;

	if (!check_online_jid(app, command, jid, bare))
		return -1;
	/* The item goes: no later edit builds on what was asked for it. */
	d = map_del(&app->roster->desired, bare);
	if (d != NULL)
		desired_free(d);
	iq = iq_new_query(app, "set", NULL, XMPP_NS_ROSTER, &q);
	item = xmpp_stanza_new(session_ctx(app->session));
	xmpp_stanza_set_name(item, "item");
	xmpp_stanza_set_attribute(item, "jid", bare);
	xmpp_stanza_set_attribute(item, "subscription", "remove");
	xmpp_stanza_add_child(q, item);
	xmpp_stanza_release(item);
	ok = xasprintf(_("Removed %s from the roster."), bare);
	iq_request_report(app, iq, command, ok);
	free(ok);
	xmpp_stanza_release(iq);
	return 0;
}
