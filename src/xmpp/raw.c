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
/* An element typed over several lines may grow to this much. */
#define RAW_MAX_TEXT (1024 * 1024)

struct raw {
	struct app *app;
	struct map pending; /* iq id -> window ("" for none) */
	size_t npending;
	/* An element begun with /raw and not complete yet: the lines that
	 * follow belong to it. */
	bool partial;
	struct buf text;
	char *window;
};

struct depth {
	int depth;
	bool closed; /* the root element ended */
};

static void on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	(void)name;
	(void)attrs;
	((struct depth *)ud)->depth++;
}

static void on_end(void *ud, const XML_Char *name)
{
	struct depth *d = ud;

	(void)name;
	if (--d->depth == 0)
		d->closed = true;
}

static char *parser_error(XML_Parser p)
{
	return xasprintf(_("malformed XML at line %lu, column %lu: %s"),
	                 (unsigned long)XML_GetCurrentLineNumber(p),
	                 (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
	                 XML_ErrorString(XML_GetErrorCode(p)));
}

int raw_parse(const char *xml, char **err)
{
	XML_Parser p = XML_ParserCreateNS("UTF-8", ' ');
	struct depth d = {0, false};
	int rc = 1;

	*err = NULL;
	if (p == NULL) {
		*err = xstrdup(_("out of memory"));
		return -1;
	}
	XML_SetUserData(p, &d);
	XML_SetElementHandler(p, on_start, on_end);
	if (XML_Parse(p, xml, (int)strlen(xml), 0) == XML_STATUS_ERROR) {
		*err = parser_error(p);
		rc = -1;
	} else if (d.closed) {
		/* Complete: the final call catches anything after the root. */
		if (XML_Parse(p, "", 0, 1) == XML_STATUS_ERROR) {
			*err = parser_error(p);
			rc = -1;
		} else {
			rc = 0;
		}
	}
	XML_ParserFree(p);
	return rc;
}

char *raw_check(const char *xml)
{
	XML_Parser p = XML_ParserCreateNS("UTF-8", ' ');
	char *msg = NULL;

	if (p == NULL)
		return xstrdup(_("out of memory"));
	if (XML_Parse(p, xml, (int)strlen(xml), 1) == XML_STATUS_ERROR)
		msg = parser_error(p);
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

static void partial_clear(struct raw *r)
{
	r->partial = false;
	buf_clear(&r->text);
	free(r->window);
	r->window = NULL;
}

/* Sends an element already known to be complete and well-formed. */
static int send_checked(struct raw *r, const char *command, const char *xml, const char *window)
{
	struct session *s = r->app->session;
	xmpp_stanza_t *st;

	if (!session_online(s)) {
		app_error(r->app, command, "not-connected", _("Not connected."));
		return -1;
	}
	st = xmpp_stanza_new_from_string(session_ctx(s), xml);
	if (st == NULL) {
		app_error(r->app, command, "malformed-xml",
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

int raw_send(struct raw *r, const char *command, const char *xml, const char *window)
{
	char *err;
	int rc = raw_parse(xml, &err);

	partial_clear(r);
	if (rc < 0) {
		app_error(r->app, command, "malformed-xml", _("%s; nothing was sent."), err);
		free(err);
		return -1;
	}
	if (rc == 0)
		return send_checked(r, command, xml, window);
	r->partial = true;
	buf_puts(&r->text, xml);
	r->window = window != NULL ? xstrdup(window) : NULL;
	app_info(r->app, _("The element is not complete yet: the next lines continue it. An "
	                   "empty line cancels."));
	return 0;
}

bool raw_waiting(const struct raw *r)
{
	return r != NULL && r->partial;
}

int raw_feed(struct raw *r, const char *command, const char *line)
{
	char *err, *xml;
	int rc;

	if (line[0] == '\0') {
		partial_clear(r);
		app_info(r->app, _("%s cancelled; nothing was sent."), command);
		return 0;
	}
	if (r->text.len + strlen(line) + 1 > RAW_MAX_TEXT) {
		partial_clear(r);
		app_error(r->app, command, "usage",
		          _("The element grew over %d bytes; nothing was sent."), RAW_MAX_TEXT);
		return -1;
	}
	buf_puts(&r->text, "\n");
	buf_puts(&r->text, line);
	rc = raw_parse(buf_cstr(&r->text), &err);
	if (rc == 1)
		return 0;
	xml = xstrdup(buf_cstr(&r->text));
	if (rc < 0) {
		partial_clear(r);
		app_error(r->app, command, "malformed-xml", _("%s; nothing was sent."), err);
		free(err);
		free(xml);
		return -1;
	}
	{
		char *window = r->window;

		r->window = NULL;
		partial_clear(r);
		rc = send_checked(r, command, xml, window);
		free(window);
	}
	free(xml);
	return rc;
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

static const struct session_hooks raw_hooks = {.offline = offline};

struct raw *raw_new(struct app *app)
{
	struct raw *r = xcalloc(1, sizeof(*r));

	r->app = app;
	buf_init(&r->text);
	map_init(&r->pending);
	session_add_hooks(app->session, &raw_hooks, r);
	return r;
}

void raw_free(struct raw *r)
{
	if (r == NULL)
		return;
	map_free(&r->pending, free);
	partial_clear(r);
	buf_free(&r->text);
	free(r);
}
