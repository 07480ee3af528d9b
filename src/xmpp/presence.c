#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "cfg.h"
#include "event.h"
#include "i18n.h"
#include "loop.h"
#include "util/jid.h"
#include "util/map.h"
#include "util/str.h"
#include "xmpp/blocking.h"
#include "xmpp/iq.h"
#include "xmpp/presence.h"
#include "xmpp/presence_int.h"
#include "xmpp/roster.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"
#include "xmpp/stanza.h"

/* A contact with dozens of resources is odd; hundreds is an attack on our
 * memory. */
#define MAX_RESOURCES 32
#define MAX_STATUS    1024
/* Directed presence can come from anyone: bound how many JIDs we track. */
#define MAX_CONTACTS 50000

struct resource {
	char *name;
	char show[8];
	char *status;
	int priority;
	time_t since;
	struct resource *next;
};

static const char *const shows[] = {"online", "chat", "away", "xa", "dnd"};

static bool valid_show(const char *s)
{
	for (size_t i = 0; i < sizeof(shows) / sizeof(shows[0]); i++)
		if (strcmp(s, shows[i]) == 0)
			return true;
	return false;
}

struct presence_settings *presence_settings(struct app *app)
{
	return &app->presence->settings;
}

static void resources_free(void *p)
{
	struct resource *r = p, *n;

	for (; r != NULL; r = n) {
		n = r->next;
		free(r->name);
		free(r->status);
		free(r);
	}
}

/* <presence> with our show, status, priority and caps; to NULL: broadcast. */
static void send_presence(struct app *app, const char *to, const char *show, const char *status,
                          bool unavailable)
{
	struct presence *p = app->presence;
	xmpp_ctx_t *ctx = session_ctx(app->session);
	xmpp_stanza_t *st = xmpp_presence_new(ctx), *c;
	char prio[16];

	if (to != NULL)
		xmpp_stanza_set_to(st, to);
	if (unavailable) {
		xmpp_stanza_set_type(st, "unavailable");
	} else {
		if (strcmp(show, "online") != 0)
			stanza_add_text(st, "show", show);
		snprintf(prio, sizeof(prio), "%d", p->priority);
		stanza_add_text(st, "priority", prio);
		c = iq_caps_element(app);
		xmpp_stanza_add_child(st, c);
		xmpp_stanza_release(c);
	}
	if (status != NULL && status[0] != '\0')
		stanza_add_text(st, "status", status);
	session_send(app->session, st);
	xmpp_stanza_release(st);
}

static void broadcast(struct app *app)
{
	struct presence *p = app->presence;

	if (session_online(app->session) && p->initial_sent)
		send_presence(app, NULL, p->auto_away ? "away" : p->show,
		              p->auto_away ? _("Away (idle)") : p->status, false);
}

void presence_roster_loaded(struct app *app)
{
	struct presence *p = app->presence;

	if (p->initial_sent)
		return;
	p->initial_sent = true;
	broadcast(app);
	presence_arm_idle(app);
}

static void emit_presence(struct app *app, const char *from, const char *show, const char *status,
                          int priority)
{
	struct event ev;

	ev_init(&ev, EV_PRESENCE);
	ev_str(&ev, "from", from);
	ev_str(&ev, "show", show);
	ev_str(&ev, "status", status);
	ev_int(&ev, "priority", priority);
	app_emit(app, &ev);
}

static char *child_text(xmpp_stanza_t *st, const char *name, size_t max)
{
	xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(st, name);
	char *t, *r;

	if (c == NULL || (t = xmpp_stanza_get_text(c)) == NULL)
		return NULL;
	r = xstrndup(t, max);
	xmpp_free(xmpp_stanza_get_context(st), t);
	return r;
}

/* Updates (or removes) one resource of a contact. */
static void store_resource(struct app *app, const char *bare, const char *res, const char *show,
                           const char *status, int prio, bool gone)
{
	struct presence *p = app->presence;
	struct resource *head = map_get(&p->contacts, bare), **pp, *r;
	size_t n = 0;

	for (pp = &head; *pp != NULL; pp = &(*pp)->next, n++)
		if (strcmp((*pp)->name, res) == 0)
			break;
	r = *pp;
	if (gone) {
		if (r != NULL) {
			*pp = r->next;
			r->next = NULL;
			resources_free(r);
		}
	} else {
		if (r == NULL) {
			if (n >= MAX_RESOURCES ||
			    (head == NULL && p->contacts.count >= MAX_CONTACTS))
				return;
			r = xcalloc(1, sizeof(*r));
			r->name = xstrdup(res);
			*pp = r;
		}
		strlcpy_(r->show, show, sizeof(r->show));
		free(r->status);
		r->status = status != NULL ? xstrdup(status) : NULL;
		r->priority = prio;
		r->since = time(NULL);
	}
	if (head == NULL)
		map_del(&p->contacts, bare);
	else
		map_put(&p->contacts, bare, head);
}

void presence_blocked(struct app *app)
{
	struct presence *p = app->presence;
	const char **gone = xcalloc(p->contacts.count + 1, sizeof(*gone));
	size_t n = 0;
	const char *k;
	void *v;

	/* The server stops their presence but sends no unavailable for them
	 * (XEP-0191 has it send ours to them): they are offline here now. */
	for (size_t i = 0; map_next(&p->contacts, &i, &k, &v);)
		if (blocking_is_blocked(app, k))
			gone[n++] = xstrdup(k);
	for (size_t i = 0; i < n; i++) {
		resources_free(map_del(&p->contacts, gone[i]));
		emit_presence(app, gone[i], "offline", NULL, 0);
		free((char *)gone[i]);
	}
	free(gone);
	presence_sub_drop_blocked(app);
}

static void on_available(struct app *app, xmpp_stanza_t *st, const char *from, bool gone)
{
	char bare[JID_MAX + 1], *show, *status, *prio_s;
	const char *res = jid_resource_str(from);
	long prio = 0;

	jid_bare_str(from, bare, sizeof(bare));
	show = gone ? NULL : child_text(st, "show", 8);
	status = child_text(st, "status", MAX_STATUS);
	prio_s = child_text(st, "priority", 8);
	if (prio_s != NULL) {
		prio = strtol(prio_s, NULL, 10);
		if (prio < -128 || prio > 127)
			prio = 0;
	}
	if (show != NULL && (!valid_show(show) || strcmp(show, "online") == 0)) {
		free(show);
		show = NULL; /* RFC 6121 §4.7.2.1: unknown values mean available */
	}
	store_resource(app, bare, res != NULL ? res : "",
	               gone   ? "offline"
	               : show ? show
	                      : "online",
	               status, (int)prio, gone);
	emit_presence(app, from, gone ? "offline" : show ? show : "online", status, (int)prio);
	free(show);
	free(status);
	free(prio_s);
}

static int on_presence(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct app *app = ud;
	const char *from = xmpp_stanza_get_from(st);
	const char *type = xmpp_stanza_get_type(st);
	struct jid j;

	(void)conn;
	if (from == NULL || !jid_parse(&j, from))
		return 1;
	/* Pushed before the block reached the server, or a server that does
	 * not enforce it: never shown. Unavailable passes: it only takes a
	 * resource away. */
	if ((type == NULL || strcmp(type, "unavailable") != 0) && blocking_is_blocked(app, from))
		return 1;
	if (type == NULL || strcmp(type, "unavailable") == 0) {
		on_available(app, st, from, type != NULL);
	} else if (strcmp(type, "error") == 0) {
		char *text;
		const char *cond = iq_error_condition(st, &text);

		app_error(app, NULL, cond, _("Presence error from %s: %s%s%s"), from, cond,
		          text ? " — " : "", text ? text : "");
		free(text);
	} else if (strcmp(type, "subscribe") == 0 || strcmp(type, "subscribed") == 0 ||
	           strcmp(type, "unsubscribe") == 0 || strcmp(type, "unsubscribed") == 0) {
		presence_on_subscription(app, from, type);
	}
	return 1;
}

static void on_idle(void *ud)
{
	struct app *app = ud;
	struct presence *p = app->presence;
	uint64_t limit = (uint64_t)p->settings.auto_away_minutes * 60000, idle;

	p->idle_timer = NULL;
	if (limit == 0 || !session_online(app->session))
		return;
	idle = loop_now_ms() - p->last_activity;
	if (idle < limit) {
		/* Activity since the timer was set: sleep for the rest. */
		p->idle_timer = loop_timer_add(app->loop, limit - idle, on_idle, app);
		return;
	}
	if (!p->auto_away && strcmp(p->show, "online") == 0) {
		p->auto_away = true;
		broadcast(app);
		app_info(app, _("Idle: your presence is now away."));
	}
}

/* One timer, re-armed only when it fires: typing costs no timer work. */
void presence_arm_idle(struct app *app)
{
	struct presence *p = app->presence;

	if (p->settings.auto_away_minutes == 0 || p->idle_timer != NULL)
		return;
	p->last_activity = loop_now_ms();
	p->idle_timer = loop_timer_add(app->loop, (uint64_t)p->settings.auto_away_minutes * 60000,
	                               on_idle, app);
}

void presence_activity(struct app *app)
{
	struct presence *p = app->presence;

	if (p == NULL)
		return;
	p->last_activity = loop_now_ms();
	if (p->auto_away) {
		p->auto_away = false;
		broadcast(app);
		app_info(app, _("Back: your presence is %s again."), p->show);
		presence_arm_idle(app);
	}
}

int presence_set_status(struct app *app, const char *command, const char *show, const char *message)
{
	struct presence *p = app->presence;

	if (show == NULL) {
		app_info(app, _("Presence: %s, priority %d%s%s%s"), p->show, p->priority,
		         p->status ? " (" : "", p->status ? p->status : "", p->status ? ")" : "");
		return 0;
	}
	if (!valid_show(show)) {
		app_error(app, command, "usage",
		          _("Unknown presence '%s': use online, chat, away, xa or dnd."), show);
		return -1;
	}
	strlcpy_(p->show, show, sizeof(p->show));
	free(p->status);
	p->status = message != NULL && message[0] != '\0' ? xstrdup(message) : NULL;
	p->auto_away = false;
	broadcast(app);
	app_info(app,
	         session_online(app->session) ? _("Presence set to %s.")
	                                      : _("Presence %s will be sent at login."),
	         p->show);
	return 0;
}

int presence_set_priority(struct app *app, const char *command, const char *prio)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(prio, &end, 10);
	if (errno != 0 || *end != '\0' || end == prio || v < -128 || v > 127) {
		app_error(app, command, "usage", _("The priority is a number from -128 to 127."));
		return -1;
	}
	app->presence->priority = (int)v;
	broadcast(app);
	app_info(app, _("Priority set to %ld."), v);
	return 0;
}

int presence_directed(struct app *app, const char *command, const char *jid, const char *show,
                      const char *message)
{
	struct jid j;
	bool off = strcmp(show, "offline") == 0;

	if (!session_online(app->session)) {
		app_error(app, command, "not-connected", _("Not connected."));
		return -1;
	}
	if (!jid_parse(&j, jid)) {
		app_error(app, command, "usage", _("'%s' is not a valid JID."), jid);
		return -1;
	}
	if (!off && !valid_show(show)) {
		app_error(app, command, "usage",
		          _("Unknown presence '%s': use online, chat, away, xa, dnd or offline."),
		          show);
		return -1;
	}
	send_presence(app, jid, show, message, off);
	app_info(app, _("Presence %s sent to %s."), show, jid);
	return 0;
}

static void on_version(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	char *who = ud, *name, *ver, *os, *text;
	xmpp_stanza_t *q;

	if (reply == NULL) {
		free(who);
		return;
	}
	q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_VERSION);
	if (strcmp(xmpp_stanza_get_type(reply), "result") != 0 || q == NULL) {
		const char *cond = iq_error_condition(reply, &text);

		app_error(app, app->presence->info_command, cond,
		          _("%s did not tell its version: %s"), who, cond);
		free(text);
		free(who);
		return;
	}
	name = child_text(q, "name", 256);
	ver = child_text(q, "version", 256);
	os = child_text(q, "os", 256);
	app_info(app, _("%s runs %s %s%s%s"), who, name ? name : "?", ver ? ver : "",
	         os ? _(" on ") : "", os ? os : "");
	free(name);
	free(ver);
	free(os);
	free(who);
}

static void on_disco(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	char *who = ud, *text;
	xmpp_stanza_t *q, *c;
	struct buf b;

	if (reply == NULL) {
		free(who);
		return;
	}
	q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", XMPP_NS_DISCO_INFO);
	if (strcmp(xmpp_stanza_get_type(reply), "result") != 0 || q == NULL) {
		const char *cond = iq_error_condition(reply, &text);

		app_error(app, app->presence->info_command, cond,
		          _("%s did not list its features: %s"), who, cond);
		free(text);
		free(who);
		return;
	}
	buf_init(&b);
	for (c = xmpp_stanza_get_children(q); c != NULL; c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c), *var;

		if (n != NULL && !xmpp_stanza_is_text(c) && strcmp(n, "feature") == 0 &&
		    (var = xmpp_stanza_get_attribute(c, "var")) != NULL && b.len < 8192)
			buf_printf(&b, "%s%s", b.len ? " " : "", var);
	}
	app_info(app, _("%s features: %s"), who, buf_cstr(&b));
	buf_free(&b);
	free(who);
}

static void ask_client(struct app *app, const char *full)
{
	xmpp_stanza_t *iq = iq_new_query(app, "get", full, NS_VERSION, NULL);

	iq_request(app, iq, on_version, xstrdup(full));
	xmpp_stanza_release(iq);
	iq = iq_new_query(app, "get", full, XMPP_NS_DISCO_INFO, NULL);
	iq_request(app, iq, on_disco, xstrdup(full));
	xmpp_stanza_release(iq);
}

int presence_info(struct app *app, const char *command, const char *jid, bool ask)
{
	struct jid j;
	char bare[JID_MAX + 1], full[2 * JID_MAX + 2], when[32];
	const struct roster_item *it;
	struct resource *r;

	if (!jid_parse(&j, jid)) {
		app_error(app, command, "usage", _("'%s' is not a valid JID."), jid);
		return -1;
	}
	app->presence->info_command = command; /* for the answers' errors */
	jid_bare(&j, bare, sizeof(bare));
	it = app->roster != NULL ? roster_get(app, bare) : NULL;
	if (it != NULL)
		app_info(app, _("%s%s%s%s: subscription %s"), bare, it->name ? " (" : "",
		         it->name ? it->name : "", it->name ? ")" : "", it->subscription);
	r = map_get(&app->presence->contacts, bare);
	if (r == NULL)
		app_info(app, _("%s: offline (no resource known)"), bare);
	for (; r != NULL; r = r->next) {
		struct tm tm;

		localtime_r(&r->since, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		app_info(app, _("%s/%s: %s, priority %d, since %s%s%s%s"), bare, r->name, r->show,
		         r->priority, when, r->status ? " (" : "", r->status ? r->status : "",
		         r->status ? ")" : "");
		if (ask && j.resource[0] == '\0' && session_online(app->session)) {
			snprintf(full, sizeof(full), "%s/%s", bare, r->name);
			ask_client(app, full);
		}
	}
	if (ask && j.resource[0] != '\0') {
		if (!session_online(app->session)) {
			app_error(app, command, "not-connected", _("Not connected."));
			return -1;
		}
		ask_client(app, jid_full(&j, full, sizeof(full)));
	}
	return 0;
}

static void online(struct session *s, void *ud)
{
	struct app *app = ud;
	char bare[JID_MAX + 1];

	app->presence->initial_sent = false;
	app->presence->auto_away = false;
	xmpp_handler_add(session_conn(s), on_presence, NULL, "presence", NULL, app);
	presence_sub_online(app, jid_bare_str(session_jid(s), bare, sizeof(bare)));
}

/* Whatever we knew of our contacts' presence is stale once offline. */
static void offline(struct session *s, void *ud)
{
	struct app *app = ud;
	struct presence *p = app->presence;

	(void)s;
	map_free(&p->contacts, resources_free);
	map_init(&p->contacts);
	presence_sub_flush(app);
	p->initial_sent = false;
	if (p->idle_timer != NULL)
		loop_timer_del(app->loop, p->idle_timer);
	p->idle_timer = NULL;
}

static const struct session_hooks presence_hooks = {.online = online, .offline = offline};

/* At init and after /set. A running idle timer recomputes its limit when it
 * fires; one is armed when auto-away is turned on while online. */
static void read_settings(void *ud, const struct config *cfg, const char *name)
{
	struct app *app = ud;
	struct presence *p = app->presence;

	(void)name;
	p->settings.auto_away_minutes = (unsigned)cfg_int(cfg, "presence.auto_away");
	p->settings.auto_approve = cfg_bool(cfg, "subscription.auto_approve");
	if (name != NULL && session_online(app->session))
		presence_arm_idle(app);
}

void presence_init(struct app *app)
{
	struct presence *p = xcalloc(1, sizeof(*p));

	app->presence = p;
	strlcpy_(p->show, "online", sizeof(p->show));
	read_settings(app, app->config, NULL);
	cfg_watch(app->config, read_settings, app);
	map_init(&p->contacts);
	map_init(&p->pending);
	session_add_hooks(app->session, &presence_hooks, app);
}

void presence_fini(struct app *app)
{
	struct presence *p = app->presence;

	if (p == NULL)
		return;
	cfg_unwatch(app->config, read_settings, app);
	if (p->idle_timer != NULL)
		loop_timer_del(app->loop, p->idle_timer);
	map_free(&p->contacts, resources_free);
	presence_sub_free(app);
	free(p->status);
	free(p);
	app->presence = NULL;
}
