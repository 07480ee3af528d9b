#include "config.h"

#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "event.h"
#include "i18n.h"
#include "util/str.h"
#include "xmpp/console.h"
#include "xmpp/iq.h"
#include "xmpp/raw.h"
#include "xmpp/session.h"

/* Unanswered /raw iqs awaited at most: a user who sends more without
 * answers gets no announcement of the newer ones. */
#define RAW_MAX_PENDING 256
/* An element typed over several lines may grow to this much. */
#define RAW_MAX_TEXT (1024 * 1024)

struct raw {
	struct app *app;
	struct raw_wait *pending;
	size_t npending;
	/* An element begun with /raw and not complete yet: the lines that
	 * follow belong to it. */
	bool partial;
	struct buf text;
	char *window;
};

/* A /raw iq whose answer is awaited through iq_request. */
struct raw_wait {
	struct raw *r;
	unsigned handle;
	char *window; /* NULL for none */
	struct raw_wait *next;
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

static void wait_free(struct raw_wait *w)
{
	for (struct raw_wait **pp = &w->r->pending; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			w->r->npending--;
			break;
		}
	free(w->window);
	free(w);
}

/* The answer, from the entity asked: shown as it came, secrets redacted.
 * NULL: the session ended first, and there is nothing to show. */
static void on_result(struct app *app, xmpp_stanza_t *st, void *ud)
{
	struct raw_wait *w = ud;
	char *text = NULL, *red;
	size_t len;
	struct event ev;

	if (st != NULL) {
		if (xmpp_stanza_to_text(st, &text, &len) != 0)
			text = NULL;
		red = console_redact(text != NULL ? text : "", text != NULL ? len : 0);
		ev_init(&ev, EV_RAW_RESULT);
		ev_str(&ev, "id", xmpp_stanza_get_id(st));
		ev_str(&ev, "type", xmpp_stanza_get_type(st));
		ev_str(&ev, "from", xmpp_stanza_get_from(st));
		ev_str(&ev, "xml", red);
		ev_str(&ev, "window", w->window);
		app_emit(app, &ev);
		free(red);
		xmpp_free(session_ctx(app->session), text);
	}
	wait_free(w);
}

/* Sends st, awaiting its answer when it is a request. */
static void send_tracked(struct raw *r, xmpp_stanza_t *st, const char *window)
{
	const char *type = xmpp_stanza_get_type(st);
	struct raw_wait *w;

	if (type == NULL || (strcmp(type, "get") != 0 && strcmp(type, "set") != 0) ||
	    r->npending >= RAW_MAX_PENDING) {
		session_send(r->app->session, st);
		return;
	}
	w = xcalloc(1, sizeof(*w));
	w->r = r;
	w->window = window != NULL ? xstrdup(window) : NULL;
	w->next = r->pending;
	r->pending = w;
	r->npending++;
	w->handle = iq_request(r->app, st, on_result, w);
	if (w->handle == 0) {
		/* Its id is awaited already: sent, its answer goes to the first. */
		wait_free(w);
		session_send(r->app->session, st);
	}
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
		send_tracked(r, st, window);
	} else {
		session_send(s, st);
	}
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

struct raw *raw_new(struct app *app)
{
	struct raw *r = xcalloc(1, sizeof(*r));

	r->app = app;
	buf_init(&r->text);
	return r;
}

void raw_free(struct raw *r)
{
	if (r == NULL)
		return;
	while (r->pending != NULL) {
		iq_cancel(r->app, r->pending->handle);
		wait_free(r->pending);
	}
	partial_clear(r);
	buf_free(&r->text);
	free(r);
}
