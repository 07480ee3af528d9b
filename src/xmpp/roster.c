#include "config.h"

#include <errno.h>
#include <stdio.h>
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "cfg.h"
#include "event.h"
#include "i18n.h"
#include "loop.h"
#include "util/jid.h"
#include "util/map.h"
#include "util/str.h"
#include "util/xdg.h"
#include "xmpp/iq.h"
#include "xmpp/presence.h"
#include "xmpp/roster.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"
#include "xmpp/stanza.h"

struct roster {
	struct map items; /* bare JID -> struct roster_item * */
	char *ver;        /* the version the items belong to, NULL: none */
	char *account;    /* bare JID whose roster this is */
	bool loaded;
	struct loop_timer *save_timer; /* a cache write due after pushes */
	struct loop_timer *wait_timer; /* the roster request is late */
};

/* Pushes come in bursts (an import, another client's bulk edit): the cache
 * is written once after a burst, not once per push. */
#define SAVE_DELAY_MS 1000

static void item_free_cb(void *p)
{
	if (p == NULL)
		return;
	roster_item_free(p);
	free(p);
}

void roster_item_free(struct roster_item *it)
{
	free(it->jid);
	free(it->name);
	for (size_t i = 0; i < it->ngroups; i++)
		free(it->groups[i]);
	free(it->groups);
	memset(it, 0, sizeof(*it));
}

static bool valid_subscription(const char *s)
{
	static const char *const ok[] = {"none", "to", "from", "both", "remove"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(s, ok[i]) == 0)
			return true;
	return false;
}

static void add_group(struct roster_item *it, const char *g)
{
	if (g == NULL || g[0] == '\0' || it->ngroups == ROSTER_MAX_GROUPS)
		return;
	for (size_t i = 0; i < it->ngroups; i++)
		if (strcmp(it->groups[i], g) == 0)
			return;
	/* Exact size: thousands of items are kept, most with one group. */
	it->groups = xrealloc(it->groups, (it->ngroups + 1) * sizeof(*it->groups));
	it->groups[it->ngroups++] = xstrdup(g);
}

bool roster_item_parse(xmpp_stanza_t *item, struct roster_item *out)
{
	const char *jid = xmpp_stanza_get_attribute(item, "jid");
	const char *sub = xmpp_stanza_get_attribute(item, "subscription");
	const char *name = xmpp_stanza_get_attribute(item, "name");
	const char *ask = xmpp_stanza_get_attribute(item, "ask");
	char bare[JID_MAX + 1];
	struct jid j;
	xmpp_stanza_t *c;

	if (jid == NULL || !jid_parse(&j, jid) || j.resource[0] != '\0')
		return false;
	if (sub == NULL)
		sub = "none";
	if (!valid_subscription(sub))
		return false;
	memset(out, 0, sizeof(*out));
	out->jid = xstrdup(jid_bare(&j, bare, sizeof(bare)));
	out->name = name != NULL && name[0] != '\0' ? xstrdup(name) : NULL;
	strlcpy_(out->subscription, sub, sizeof(out->subscription));
	out->ask = ask != NULL && strcmp(ask, "subscribe") == 0;
	for (c = xmpp_stanza_get_children(item); c != NULL; c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);
		char *t;

		if (n == NULL || xmpp_stanza_is_text(c) || strcmp(n, "group") != 0)
			continue;
		t = xmpp_stanza_get_text(c);
		add_group(out, t);
		xmpp_free(xmpp_stanza_get_context(item), t);
	}
	return true;
}

/* Tabs separate the fields of a cache line; backslash escapes tab, newline
 * and itself so any name survives. */
static void put_escaped(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\t')
			buf_puts(b, "\\t");
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else if (*s == '\\')
			buf_puts(b, "\\\\");
		else
			buf_append(b, s, 1);
	}
}

char *roster_item_format(const struct roster_item *it)
{
	struct buf b;

	buf_init(&b);
	put_escaped(&b, it->jid);
	buf_printf(&b, "\t%s\t%s\t", it->subscription, it->ask ? "subscribe" : "-");
	if (it->name != NULL) {
		buf_puts(&b, "=");
		put_escaped(&b, it->name);
	}
	for (size_t i = 0; i < it->ngroups; i++) {
		buf_puts(&b, "\t");
		put_escaped(&b, it->groups[i]);
	}
	buf_cstr(&b);
	return b.data;
}

/* Splits at the next tab and unescapes in place; NULL at the end. */
static char *next_field(char **p)
{
	char *start = *p, *r = start, *w = start;

	if (start == NULL)
		return NULL;
	for (; *r != '\0' && *r != '\t'; r++) {
		if (*r == '\\' && r[1] != '\0') {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
		} else {
			*w++ = *r;
		}
	}
	*p = *r == '\t' ? r + 1 : NULL;
	*w = '\0';
	return start;
}

bool roster_item_unformat(char *line, struct roster_item *out)
{
	char *p = line, *jid, *sub, *ask, *name, *g;
	struct jid j;

	jid = next_field(&p);
	sub = next_field(&p);
	ask = next_field(&p);
	name = next_field(&p);
	if (jid == NULL || sub == NULL || ask == NULL || name == NULL || !jid_parse(&j, jid) ||
	    !valid_subscription(sub) || (name[0] != '\0' && name[0] != '='))
		return false;
	memset(out, 0, sizeof(*out));
	out->jid = xstrdup(jid);
	strlcpy_(out->subscription, sub, sizeof(out->subscription));
	out->ask = strcmp(ask, "subscribe") == 0;
	out->name = name[0] == '=' ? xstrdup(name + 1) : NULL;
	while ((g = next_field(&p)) != NULL)
		add_group(out, g);
	return true;
}

static char *cache_file(struct roster *r)
{
	char *name, *f;

	if (r->account == NULL)
		return NULL;
	name = xasprintf("roster/%s", r->account);
	f = xdg_path(XDG_CACHE, name);
	free(name);
	return f;
}

/* Written to a temporary file and renamed, so a crash never leaves half a
 * roster that a later login would trust. */
static void cache_save(struct app *app)
{
	struct roster *r = app->roster;
	char *file = cache_file(r), *tmp, *line;
	const char *k;
	void *v;
	FILE *f;
	bool ok;

	if (file == NULL || r->ver == NULL) {
		free(file);
		return;
	}
	tmp = xasprintf("%s.tmp", file);
	f = fopen(tmp, "w");
	if (f == NULL) {
		app_error(app, NULL, "io", _("Cannot write the roster cache %s: %s"), tmp,
		          strerror(errno));
		goto out;
	}
	fchmod(fileno(f), 0600);
	fprintf(f, "jabiru-roster 1\n");
	line = xstrdup(r->ver);
	{
		struct buf b;

		buf_init(&b);
		put_escaped(&b, line);
		fprintf(f, "%s\n", buf_cstr(&b));
		buf_free(&b);
	}
	free(line);
	for (size_t i = 0; map_next(&r->items, &i, &k, &v);) {
		line = roster_item_format(v);
		fprintf(f, "%s\n", line);
		free(line);
	}
	ok = fflush(f) == 0 && !ferror(f);
	if (fclose(f) != 0 || !ok || rename(tmp, file) != 0) {
		app_error(app, NULL, "io", _("Cannot write the roster cache %s: %s"), file,
		          strerror(errno));
		unlink(tmp);
	}
out:
	free(tmp);
	free(file);
}

/* Loads the cached items and version; a missing or damaged cache means no
 * version, so the server sends the whole roster. */
static void cache_load(struct app *app)
{
	struct roster *r = app->roster;
	char *file = cache_file(r), *line = NULL, *p;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int lineno = 0;
	bool bad = false;

	if (file == NULL || (f = fopen(file, "r")) == NULL) {
		free(file);
		return;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		struct roster_item it;

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		lineno++;
		if (lineno == 1) {
			bad = strcmp(line, "jabiru-roster 1") != 0;
		} else if (lineno == 2) {
			p = line;
			r->ver = xstrdup(next_field(&p));
		} else if (roster_item_unformat(line, &it)) {
			struct roster_item *h = xmalloc(sizeof(*h));

			*h = it;
			item_free_cb(map_put(&r->items, h->jid, h));
		} else {
			bad = true;
		}
		if (bad)
			break;
	}
	free(line);
	fclose(f);
	if (bad || lineno < 2) {
		app_info(app, _("The roster cache %s is damaged; fetching the whole roster."),
		         file);
		free(r->ver);
		r->ver = NULL;
		map_free(&r->items, item_free_cb); /* and ready for reuse */
	}
	free(file);
}

static void on_save_timer(void *ud)
{
	struct app *app = ud;

	app->roster->save_timer = NULL;
	cache_save(app);
}

static void schedule_save(struct app *app)
{
	if (app->roster->save_timer == NULL)
		app->roster->save_timer =
		    loop_timer_add(app->loop, SAVE_DELAY_MS, on_save_timer, app);
}

static void flush_save(struct app *app)
{
	if (app->roster->save_timer != NULL) {
		loop_timer_del(app->loop, app->roster->save_timer);
		app->roster->save_timer = NULL;
		cache_save(app);
	}
}

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
			item_free_cb(old);
		roster_item_free(it);
	} else {
		struct roster_item *h = xmalloc(sizeof(*h));

		*h = *it;
		presence_roster_changed(app, h);
		item_free_cb(map_put(&r->items, h->jid, h));
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
	r->loaded = true;
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
	q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_ROSTER);
	if (q == NULL) {
		/* XEP-0237 §2.3: an empty result means the cached version is
		 * current; changes, if any, come as pushes. */
		emit_all(app);
		finish_load(app, true);
		return;
	}
	map_free(&r->items, item_free_cb); /* and ready for reuse */
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
	cache_save(app);
	finish_load(app, false);
}

static bool from_own_account(struct app *app, xmpp_stanza_t *iq)
{
	const char *from = xmpp_stanza_get_from(iq);
	const char *me = session_jid(app->session);

	if (from == NULL)
		return true;
	/* Only our bare JID (or our own full JID) may push (RFC 6121 §2.1.6). */
	return me != NULL && jid_bare_eq(from, me) &&
	       (jid_resource_str(from) == NULL || strcmp(from, me) == 0);
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
	if (!from_own_account(app, iq)) {
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
	schedule_save(app);
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
		map_free(&r->items, item_free_cb); /* and ready for reuse */
		free(r->ver);
		r->ver = NULL;
		free(r->account);
		r->account = xstrdup(bare);
	}
	r->loaded = false;
	if (r->ver == NULL)
		cache_load(app);
	iq = iq_new_query(app, "get", NULL, NS_ROSTER, &q);
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
	flush_save(app);
}

static const struct session_hooks roster_hooks = {.online = online, .offline = offline};

void roster_init(struct app *app)
{
	app->roster = xcalloc(1, sizeof(*app->roster));
	/* Keyed by each item's own JID: 2,000 contacts, 2,000 fewer copies. */
	map_init_borrowed(&app->roster->items);
	iq_register(app, NS_ROSTER, on_push, NULL);
	session_add_hooks(app->session, &roster_hooks, app);
}

void roster_fini(struct app *app)
{
	if (app->roster == NULL)
		return;
	stop_waiting(app->roster, app);
	flush_save(app);
	map_free(&app->roster->items, item_free_cb);
	free(app->roster->ver);
	free(app->roster->account);
	free(app->roster);
	app->roster = NULL;
}

const struct roster_item *roster_get(struct app *app, const char *bare)
{
	return map_get(&app->roster->items, bare);
}

size_t roster_count(struct app *app)
{
	return app->roster->items.count;
}

bool roster_loaded(struct app *app)
{
	return app->roster->loaded;
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

int roster_set(struct app *app, const char *command, const char *jid, const char *name,
               bool keep_name, const char *const *groups, size_t ngroups, bool keep_groups,
               bool add)
{
	char bare[JID_MAX + 1], *ok;
	const struct roster_item *old;
	xmpp_stanza_t *iq, *q, *item;

	if (!check_online_jid(app, command, jid, bare))
		return -1;
	old = roster_get(app, bare);
	if ((keep_name || keep_groups) && old == NULL && !add) {
		app_error(app, command, "not-in-roster", _("%s is not in your roster."), bare);
		return -1;
	}
	iq = iq_new_query(app, "set", NULL, NS_ROSTER, &q);
	item = xmpp_stanza_new(session_ctx(app->session));
	xmpp_stanza_set_name(item, "item");
	xmpp_stanza_set_attribute(item, "jid", bare);
	if (keep_name && old != NULL)
		name = old->name;
	if (name != NULL && name[0] != '\0')
		xmpp_stanza_set_attribute(item, "name", name);
	if (keep_groups && old != NULL) {
		groups = (const char *const *)old->groups;
		ngroups = old->ngroups;
	}
	for (size_t i = 0; i < ngroups; i++)
		stanza_add_text(item, "group", groups[i]);
	xmpp_stanza_add_child(q, item);
	xmpp_stanza_release(item);
	ok = xasprintf(_("Roster updated: %s."), bare);
	iq_request_report(app, iq, command, ok);
	free(ok);
	xmpp_stanza_release(iq);
	return 0;
}

int roster_remove(struct app *app, const char *command, const char *jid)
{
	char bare[JID_MAX + 1], *ok;
	xmpp_stanza_t *iq, *q, *item;

	if (!check_online_jid(app, command, jid, bare))
		return -1;
	iq = iq_new_query(app, "set", NULL, NS_ROSTER, &q);
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
