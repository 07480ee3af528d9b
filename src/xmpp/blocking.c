/* Blocking (XEP-0191): the blocklist as the server keeps it, its pushes,
 * /block, /unblock and /blocked, and the local check that drops what a
 * blocked sender's stanza still brings. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "event.h"
#include "i18n.h"
#include "util/jid.h"
#include "util/map.h"
#include "util/str.h"
#include "xmpp/blocking.h"
#include "xmpp/iq.h"
#include "xmpp/ns.h"
#include "xmpp/presence.h"
#include "xmpp/roster.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"

/* A list is the user's own, but a push is remote input: bounded. */
#define MAX_BLOCKED 10000

struct blocking {
	struct map items; /* normalised JID or domain -> itself (value unused) */
	bool fetched;     /* the server sent the list this session */
	bool unsupported; /* the server answered the list with an error */
};

/* The form items are kept and compared in: the JID checked, local part
 * and domain lower-cased (ASCII), the resource as is. False for no JID. */
static bool normalise(const char *s, char *out, size_t size)
{
	struct jid j;

	if (s == NULL || !jid_parse(&j, s))
		return false;
	for (char *p = j.local; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	jid_full(&j, out, size);
	return true;
}

static void emit_list(struct app *app, const char *action, const char *const *items, size_t n)
{
	struct event ev;

	ev_init(&ev, EV_BLOCKLIST);
	ev_str(&ev, "action", action);
	ev_strv(&ev, "items", items, n);
	app_emit(app, &ev);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The items, sorted; *n set. The strings are the map's. */
static const char **sorted_items(struct blocking *b, size_t *n)
{
	const char **v = xcalloc(b->items.count + 1, sizeof(*v));
	const char *k;
	void *val;

	*n = 0;
	for (size_t i = 0; map_next(&b->items, &i, &k, &val);)
		v[(*n)++] = k;
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

static bool item_jid(xmpp_stanza_t *c, char *out, size_t size)
{
	const char *name = xmpp_stanza_get_name(c);

	return !xmpp_stanza_is_text(c) && name != NULL && strcmp(name, "item") == 0 &&
	       normalise(xmpp_stanza_get_attribute(c, "jid"), out, size);
}

struct unblocked {
	struct app *app;
	struct map *items; /* what was unblocked; NULL: everything */
};

/* A contact whose presence we see and who is no longer blocked: ask for it
 * again. The server stopped it during the block and sends no presence of
 * theirs when the block ends; a probe from a client is discouraged (RFC
 * 6121 §4.3) but it is the one way to learn it now rather than at the
 * contact's next change. */
static void probe_unblocked(void *ud, const struct roster_item *it)
{
	struct unblocked *u = ud;
	xmpp_stanza_t *st;

	if ((strcmp(it->subscription, "to") != 0 && strcmp(it->subscription, "both") != 0) ||
	    (u->items != NULL && !blocking_match(u->items, it->jid)) ||
	    blocking_is_blocked(u->app, it->jid))
		return;
	st = xmpp_presence_new(session_ctx(u->app->session));
	xmpp_stanza_set_type(st, "probe");
	xmpp_stanza_set_to(st, it->jid);
	session_send(u->app->session, st);
	xmpp_stanza_release(st);
}

static void probe_all_unblocked(struct app *app, const char *const *v, size_t n)
{
	struct map items;
	struct unblocked u = {app, n > 0 ? &items : NULL};

	map_init(&items);
	for (size_t i = 0; i < n; i++)
		map_put(&items, v[i], &items);
	roster_each(app, probe_unblocked, &u);
	map_free(&items, NULL);
}

/* Applies a <block/> or <unblock/> (from a push or our own request's
 * answer) and reports it. An <unblock/> without items unblocks everyone. */
static void apply(struct app *app, xmpp_stanza_t *el, bool block)
{
	struct blocking *b = app->blocking;
	char key[2 * JID_MAX + 2];
	const char **v = NULL;
	size_t n = 0, cap = 0;

	for (xmpp_stanza_t *c = xmpp_stanza_get_children(el); c != NULL;
	     c = xmpp_stanza_get_next(c)) {
		if (!item_jid(c, key, sizeof(key)))
			continue;
		if (block && map_get(&b->items, key) == NULL && b->items.count < MAX_BLOCKED)
			map_put(&b->items, key, b);
		else if (!block)
			map_del(&b->items, key);
		if (n == cap) {
			cap = cap ? 2 * cap : 4;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = xstrdup(key);
	}
	if (!block && n == 0)
		map_free(&b->items, NULL); /* and ready for reuse */
	emit_list(app, block ? "block" : "unblock", v, n);
	if (block)
		presence_blocked(app);
	else
		probe_all_unblocked(app, v, n);
	for (size_t i = 0; i < n; i++)
		free((char *)v[i]);
	free(v);
}

static bool on_push(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *el, void *ud)
{
	const char *name = xmpp_stanza_get_name(el);
	xmpp_stanza_t *res;

	(void)ud;
	if (strcmp(xmpp_stanza_get_type(iq), "set") != 0 || name == NULL ||
	    (strcmp(name, "block") != 0 && strcmp(name, "unblock") != 0))
		return false;
	if (!iq_from_own_account(app, iq)) {
		iq_send_error(app, iq, "service-unavailable");
		return true;
	}
	apply(app, el, strcmp(name, "block") == 0);
	res = xmpp_iq_new(session_ctx(app->session), "result", xmpp_stanza_get_id(iq));
	if (xmpp_stanza_get_from(iq) != NULL)
		xmpp_stanza_set_to(res, xmpp_stanza_get_from(iq));
	session_send(app->session, res);
	xmpp_stanza_release(res);
	return true;
}

static void on_list(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	struct blocking *b = app->blocking;
	xmpp_stanza_t *list;
	char key[2 * JID_MAX + 2];
	const char **v;
	size_t n;

	(void)ud;
	if (reply == NULL || b == NULL)
		return;
	list = xmpp_stanza_get_child_by_name_and_ns(reply, "blocklist", NS_BLOCKING);
	if (strcmp(xmpp_stanza_get_type(reply), "result") != 0 || list == NULL) {
		b->unsupported = true;
		return;
	}
	map_free(&b->items, NULL);
	for (xmpp_stanza_t *c = xmpp_stanza_get_children(list); c != NULL;
	     c = xmpp_stanza_get_next(c))
		if (item_jid(c, key, sizeof(key)) && b->items.count < MAX_BLOCKED)
			map_put(&b->items, key, b);
	b->fetched = true;
	v = sorted_items(b, &n);
	emit_list(app, "list", v, n);
	free(v);
	presence_blocked(app);
}

/* Asking for the list also asks the server for its pushes (XEP-0191 §3.2). */
static void online(struct session *s, void *ud)
{
	struct app *app = ud;
	xmpp_stanza_t *iq, *q;

	(void)s;
	app->blocking->fetched = app->blocking->unsupported = false;
	iq = iq_new_query(app, "get", NULL, NS_BLOCKING, &q);
	xmpp_stanza_set_name(q, "blocklist");
	iq_request(app, iq, on_list, NULL);
	xmpp_stanza_release(iq);
}

static const struct session_hooks blocking_hooks = {.online = online};

void blocking_init(struct app *app)
{
	app->blocking = xcalloc(1, sizeof(*app->blocking));
	map_init(&app->blocking->items);
	iq_route(app, NS_BLOCKING, "set", on_push, NULL);
	session_add_hooks(app->session, &blocking_hooks, app);
}

void blocking_fini(struct app *app)
{
	if (app->blocking == NULL)
		return;
	map_free(&app->blocking->items, NULL);
	free(app->blocking);
	app->blocking = NULL;
}

bool blocking_match(const struct map *items, const char *from)
{
	char key[2 * JID_MAX + 2];
	struct jid j;

	if (items->count == 0 || !normalise(from, key, sizeof(key)))
		return false;
	/* Full JID, bare JID, domain/resource, domain: the forms an item may
	 * take, from the most to the least specific. */
	if (map_get(items, key) != NULL)
		return true;
	jid_parse(&j, key);
	if (j.local[0] != '\0' && map_get(items, jid_bare(&j, key, sizeof(key))) != NULL)
		return true;
	if (j.resource[0] != '\0') {
		snprintf(key, sizeof(key), "%s/%s", j.domain, j.resource);
		if (map_get(items, key) != NULL)
			return true;
	}
	return map_get(items, j.domain) != NULL;
}

bool blocking_is_blocked(struct app *app, const char *from)
{
	const char *me = session_jid(app->session);

	if (app->blocking == NULL || from == NULL || (me != NULL && jid_bare_eq(from, me)))
		return false;
	return blocking_match(&app->blocking->items, from);
}

/* Online, and the server keeps a blocklist. */
static bool usable(struct app *app, const char *command)
{
	if (!session_online(app->session)) {
		app_error(app, command, "not-connected", _("Not connected."));
		return false;
	}
	if (app->blocking->unsupported) {
		app_error(app, command, "feature-not-implemented",
		          _("Your server does not offer blocking (XEP-0191)."));
		return false;
	}
	return true;
}

static bool check(struct app *app, const char *command, const char *jid, char *key, size_t size)
{
	if (!usable(app, command))
		return false;
	if (!normalise(jid, key, size)) {
		app_error(app, command, "usage", _("'%s' is not a valid JID or domain."), jid);
		return false;
	}
	return true;
}

struct edit {
	char *command, *ok_text, *key;
	bool block;
};

/* The server pushes the change to every client of ours that asked for the
 * list, this one included; the answer applies it as well, for a server
 * that leaves out the client that asked. */
static void on_edit(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	struct edit *e = ud;
	struct blocking *b = app->blocking; /* NULL at exit */
	const char *type = reply != NULL ? xmpp_stanza_get_type(reply) : NULL;

	iq_report_reply(app, reply, e->command, e->ok_text);
	if (b != NULL && type != NULL && strcmp(type, "result") == 0) {
		if (!e->block)
			map_del(&b->items, e->key);
		else if (map_get(&b->items, e->key) == NULL && b->items.count < MAX_BLOCKED)
			map_put(&b->items, e->key, b);
		if (e->block)
			presence_blocked(app);
	}
	free(e->key);
	free(e->command);
	free(e->ok_text);
	free(e);
}

static int edit(struct app *app, const char *command, const char *jid, bool block)
{
	char key[2 * JID_MAX + 2];
	xmpp_stanza_t *iq, *el, *item;
	struct edit *e;

	if (!check(app, command, jid, key, sizeof(key)))
		return -1;
	iq = iq_new_query(app, "set", NULL, NS_BLOCKING, &el);
	xmpp_stanza_set_name(el, block ? "block" : "unblock");
	item = xmpp_stanza_new(session_ctx(app->session));
	xmpp_stanza_set_name(item, "item");
	xmpp_stanza_set_attribute(item, "jid", key);
	xmpp_stanza_add_child(el, item);
	xmpp_stanza_release(item);
	e = xcalloc(1, sizeof(*e));
	e->command = xstrdup(command);
	e->ok_text = block ? xasprintf(_("Blocked %s: nothing from there reaches you now "
	                                 "(/unblock %s undoes it)."),
	                               key, key)
	                   : xasprintf(_("Unblocked %s."), key);
	e->key = xstrdup(key);
	e->block = block;
	iq_request(app, iq, on_edit, e);
	xmpp_stanza_release(iq);
	return 0;
}

int blocking_block(struct app *app, const char *command, const char *jid)
{
	return edit(app, command, jid, true);
}

int blocking_unblock(struct app *app, const char *command, const char *jid)
{
	return edit(app, command, jid, false);
}

int blocking_list(struct app *app, const char *command)
{
	struct blocking *b = app->blocking;
	const char **v;
	size_t n;

	if (!usable(app, command))
		return -1;
	v = sorted_items(b, &n);
	if (n == 0)
		app_info(app, _("Nobody is blocked."));
	else
		app_info(app,
		         ngettext("%zu JID or domain blocked:", "%zu JIDs or domains blocked:", n),
		         n);
	for (size_t i = 0; i < n; i++)
		app_info(app, "  %s", v[i]);
	emit_list(app, "list", v, n);
	free(v);
	return 0;
}
