#include "config.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "event.h"
#include "i18n.h"
#include "util/map.h"
#include "util/str.h"
#include "xmpp/console.h"
#include "xmpp/raw.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"

/* Unanswered /raw iqs kept at most: a user who sends more without answers
 * loses only the announcement of the oldest. */
#define RAW_MAX_PENDING 256

struct raw {
	struct app *app;
	struct map pending; /* iq id -> window ("" for none) */
	size_t npending;
};

char *raw_check(const char *xml)
{
	XML_Parser p = XML_ParserCreateNS("UTF-8", ' ');
	char *msg = NULL;

	if (p == NULL)
		return xstrdup(_("out of memory"));
	if (XML_Parse(p, xml, (int)strlen(xml), 1) == XML_STATUS_ERROR)
		msg = xasprintf(_("malformed XML at line %lu, column %lu: %s"),
		                (unsigned long)XML_GetCurrentLineNumber(p),
		                (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
		                XML_ErrorString(XML_GetErrorCode(p)));
	XML_ParserFree(p);
	return msg;
}

static int on_result(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct raw *r = ud;
	const char *id = xmpp_stanza_get_id(st);
	char *window, *text = NULL, *red;
	size_t len;
	struct event ev;

	(void)conn;
	if (id == NULL || (window = map_del(&r->pending, id)) == NULL)
		return 0;
	r->npending--;
	if (xmpp_stanza_to_text(st, &text, &len) != 0)
		text = NULL;
	red = console_redact(text != NULL ? text : "", text != NULL ? len : 0);
	ev_init(&ev, EV_RAW_RESULT);
	ev_str(&ev, "id", id);
	ev_str(&ev, "type", xmpp_stanza_get_type(st));
	ev_str(&ev, "from", xmpp_stanza_get_from(st));
	ev_str(&ev, "xml", red);
	ev_str(&ev, "window", window[0] != '\0' ? window : NULL);
	app_emit(r->app, &ev);
	free(red);
	free(window);
	xmpp_free(session_ctx(r->app->session), text);
	return 0;
}

static void track(struct raw *r, xmpp_stanza_t *st, const char *window)
{
	const char *type = xmpp_stanza_get_type(st);
	const char *id = xmpp_stanza_get_id(st);

	if (type == NULL || (strcmp(type, "get") != 0 && strcmp(type, "set") != 0))
		return; /* only requests are answered */
	if (r->npending >= RAW_MAX_PENDING || map_get(&r->pending, id) != NULL)
		return;
	map_put(&r->pending, id, xstrdup(window != NULL ? window : ""));
	r->npending++;
	xmpp_id_handler_add(session_conn(r->app->session), on_result, id, r);
}

int raw_send(struct raw *r, const char *xml, const char *window)
{
	struct session *s = r->app->session;
	xmpp_stanza_t *st;
	char *err;

	if ((err = raw_check(xml)) != NULL) {
		app_error(r->app, "/raw", "malformed-xml", "%s", err);
		free(err);
		return -1;
	}
	if (!session_online(s)) {
		app_error(r->app, "/raw", "not-connected", _("Not connected."));
		return -1;
	}
	st = xmpp_stanza_new_from_string(session_ctx(s), xml);
	if (st == NULL) {
		app_error(r->app, "/raw", "malformed-xml",
		          _("libstrophe could not read this element; nothing was sent."));
		return -1;
	}
	if (xmpp_stanza_get_name(st) != NULL && strcmp(xmpp_stanza_get_name(st), "iq") == 0) {
		if (xmpp_stanza_get_id(st) == NULL) {
			char *id = session_new_id(s);

			xmpp_stanza_set_id(st, id);
			free(id);
		}
		track(r, st, window);
	}
	session_send(s, st);
	xmpp_stanza_release(st);
	return 0;
}

static void offline(struct session *s, void *ud)
{
	struct raw *r = ud;

	(void)s;
	/* libstrophe dropped the handlers with the connection. */
	map_free(&r->pending, free);
	map_init(&r->pending);
	r->npending = 0;
}

static const struct session_hooks raw_hooks = {NULL, offline};

struct raw *raw_new(struct app *app)
{
	struct raw *r = xcalloc(1, sizeof(*r));

	r->app = app;
	map_init(&r->pending);
	session_add_hooks(app->session, &raw_hooks, r);
	return r;
}

void raw_free(struct raw *r)
{
	if (r == NULL)
		return;
	map_free(&r->pending, free);
	free(r);
}
