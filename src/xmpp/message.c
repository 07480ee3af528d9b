#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "event.h"
#include "i18n.h"
#include "util/jid.h"
#include "util/lru.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "xmpp/blocking.h"
#include "xmpp/message.h"
#include "xmpp/roster.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"

struct message_state {
	struct app *app;
	/* Per bare JID, the resource a reply goes to: the last one that wrote
	 * to us. Presence from that resource unlocks it (RFC 6121 §5.1). */
	struct lru locks;
	struct lru hinted; /* bare JIDs of strangers told how to block */
};

/* Remote input fills both, one sender at a time: bounded, the oldest
 * forgotten (a forgotten lock sends a reply to the bare JID; a forgotten
 * stranger hears the hint again). */
#define MAX_LOCKS  4096
#define MAX_HINTED 256

static void iso_now(char *out, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Digits where XEP-0082's CCYY-MM-DDThh:mm:ss has them, its separators
 * between. */
static bool datetime_shape(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";

	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	return true;
}

/* An XEP-0082 DateTime (fraction optional, Z or +hh:mm) as UTC in the form
 * the batch mode promises; false for anything else: the stamp is the
 * sender's, it may be garbage. */
static bool parse_stamp(const char *s, char *out, size_t len)
{
	struct tm tm = {0};
	const char *p = s + 19;
	long off = 0;
	time_t t;

	if (strlen(s) < 20 || !datetime_shape(s))
		return false;
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return false;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if ((*p == '+' || *p == '-') && strlen(p) == 6 && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
	    isdigit((unsigned char)p[5]))
		off = (*p == '+' ? -1 : 1) * (atol(p + 1) * 3600 + atol(p + 4) * 60);
	else if (strcmp(p, "Z") != 0)
		return false;
	t = timegm(&tm) + off;
	return gmtime_r(&t, &tm) != NULL && strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
}

/* The time a delayed message was sent (XEP-0203), normalised; when the
 * stamp is missing or unreadable, now. True when the message was delayed. */
static bool message_time(xmpp_stanza_t *st, char *out, size_t len)
{
	xmpp_stanza_t *d = xmpp_stanza_get_child_by_name_and_ns(st, "delay", "urn:xmpp:delay");
	const char *stamp = d != NULL ? xmpp_stanza_get_attribute(d, "stamp") : NULL;

	if (stamp == NULL || !parse_stamp(stamp, out, len))
		iso_now(out, len);
	return d != NULL;
}

/* A sender that is no JID cannot be answered or given a window. */
static bool valid_sender(struct app *app, const char *from)
{
	struct jid j;
	char *shown;

	if (jid_parse(&j, from))
		return true;
	shown = sanitize(from, strnlen(from, 64), 0);
	app_error(app, NULL, "bad-sender",
	          _("Ignored a message whose sender address is not a JID: '%s'."), shown);
	free(shown);
	return false;
}

static void on_error_message(struct app *app, xmpp_stanza_t *st, const char *from)
{
	xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(st, "error"), *c;
	const char *condition = "undefined-condition";
	char *text = NULL;
	struct event ev;

	if (err != NULL) {
		for (c = xmpp_stanza_get_children(err); c != NULL; c = xmpp_stanza_get_next(c)) {
			const char *name = xmpp_stanza_get_name(c);

			if (name == NULL)
				continue;
			if (strcmp(name, "text") == 0) {
				/* The first: a second one leaked it. */
				if (text == NULL)
					text = xmpp_stanza_get_text(c);
			} else if (!xmpp_stanza_is_text(c))
				condition = name;
		}
	}
	ev_init(&ev, EV_MESSAGE_ERROR);
	ev_str(&ev, "from", from);
	ev_str(&ev, "id", xmpp_stanza_get_id(st));
	ev_str(&ev, "condition", condition);
	ev_str(&ev, "text", text);
	app_emit(app, &ev);
	xmpp_free(session_ctx(app->session), text);
}

/* Someone not in the roster, who may be spam: not a server's notice. */
static bool from_stranger(struct app *app, const char *bare)
{
	return strchr(bare, '@') != NULL && roster_get(app, bare) == NULL;
}

/* Says once per stranger and session how to stop them; the UI also says
 * it in the chat window the stranger's first message opens. */
static void stranger_hint(struct message_state *ms, const char *bare)
{
	char *hint;

	if (lru_get(&ms->hinted, bare) != NULL)
		return;
	lru_put(&ms->hinted, bare, ms);
	hint = app_hint(ms->app, APP_HINT_BLOCK, bare);
	app_info(ms->app, _("%s is not in your roster; if it is spam, %s stops it."), bare, hint);
	free(hint);
}

static int on_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct message_state *ms = ud;
	struct app *app = ms->app;
	const char *from = xmpp_stanza_get_from(st);
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *body_el;
	char *body, bare[JID_MAX + 1], when[32];
	bool delayed, stranger;
	struct event ev;

	(void)conn;
	if (from == NULL)
		from = session_domain(app->session);
	if (!valid_sender(app, from) || blocking_is_blocked(app, from))
		return 1; /* a blocked sender's message that still came: dropped */
	if (type == NULL)
		type = "normal";
	if (strcmp(type, "error") == 0) {
		on_error_message(app, st, from);
		return 1;
	}
	if (strcmp(type, "chat") != 0 && strcmp(type, "normal") != 0 &&
	    strcmp(type, "headline") != 0)
		return 1; /* groupchat belongs to MUC, not here */
	body_el = xmpp_stanza_get_child_by_name(st, "body");
	if (body_el == NULL)
		return 1; /* chat states and receipts carry no body */
	body = xmpp_stanza_get_text(body_el);
	jid_bare_str(from, bare, sizeof(bare));
	stranger = from_stranger(app, bare);
	if (jid_resource_str(from) != NULL) {
		lru_put(&ms->locks, bare, xstrdup(jid_resource_str(from)));
	}
	delayed = message_time(st, when, sizeof(when));
	ev_init(&ev, EV_MESSAGE);
	ev_str(&ev, "from", from);
	ev_str(&ev, "type", type);
	ev_str(&ev, "body", body != NULL ? body : "");
	ev_str(&ev, "time", when);
	ev_bool(&ev, "delayed", delayed);
	ev_str(&ev, "id", xmpp_stanza_get_id(st));
	if (stranger)
		ev_bool(&ev, "stranger", true);
	app_emit(app, &ev);
	xmpp_free(session_ctx(app->session), body);
	if (stranger)
		stranger_hint(ms, bare);
	return 1;
}

static int on_presence_unlock(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct message_state *ms = ud;
	const char *from = xmpp_stanza_get_from(st), *res;
	char bare[JID_MAX + 1];
	char *locked;

	(void)conn;
	if (from == NULL || (res = jid_resource_str(from)) == NULL)
		return 1;
	jid_bare_str(from, bare, sizeof(bare));
	locked = lru_get(&ms->locks, bare);
	if (locked != NULL && strcmp(locked, res) == 0)
		lru_del(&ms->locks, bare);
	return 1;
}

static void online(struct session *s, void *ud)
{
	xmpp_conn_t *conn = session_conn(s);

	xmpp_handler_add(conn, on_message, NULL, "message", NULL, ud);
	xmpp_handler_add(conn, on_presence_unlock, NULL, "presence", NULL, ud);
}

static void offline(struct session *s, void *ud)
{
	struct message_state *ms = ud;

	(void)s;
	lru_clear(&ms->locks);
	lru_clear(&ms->hinted);
}

static const struct session_hooks message_hooks = {.online = online, .offline = offline};

void message_init(struct app *app)
{
	struct message_state *ms = xcalloc(1, sizeof(*ms));

	ms->app = app;
	lru_init(&ms->locks, MAX_LOCKS, free);
	lru_init(&ms->hinted, MAX_HINTED, NULL);
	app->message = ms;
	session_add_hooks(app->session, &message_hooks, ms);
}

void message_fini(struct app *app)
{
	if (app->message == NULL)
		return;
	lru_clear(&app->message->locks);
	lru_clear(&app->message->hinted);
	free(app->message);
	app->message = NULL;
}

int message_send(struct app *app, const char *command, const char *to, const char *body)
{
	struct session *s = app->session;
	xmpp_stanza_t *msg;
	struct jid j;
	char target[2 * JID_MAX + 2], bare[JID_MAX + 1];
	const char *res;
	char *id;
	struct event ev;

	if (!session_online(s)) {
		app_error(app, command, "not-connected", _("Not connected."));
		return -1;
	}
	if (!jid_parse(&j, to)) {
		app_error(app, command, "usage", _("'%s' is not a valid JID."), to);
		return -1;
	}
	jid_full(&j, target, sizeof(target));
	jid_bare(&j, bare, sizeof(bare));
	if (j.resource[0] == '\0' && (res = lru_get(&app->message->locks, bare)) != NULL)
		snprintf(target, sizeof(target), "%s/%s", bare, res);
	id = session_new_id(s);
	msg = xmpp_message_new(session_ctx(s), "chat", target, id);
	xmpp_message_set_body(msg, body);
	session_send(s, msg);
	xmpp_stanza_release(msg);
	ev_init(&ev, EV_MESSAGE_SENT);
	ev_str(&ev, "to", target);
	ev_str(&ev, "id", id);
	ev_str(&ev, "body", body);
	app_emit(app, &ev);
	free(id);
	return 0;
}
