/* In-band registration (XEP-0077). A new account is made on a stream of its
 * own: the session opens it raw (no SASL), this module does STARTTLS (never
 * sends the form over a plain stream), fetches the form, asks for the
 * fields one at a time through the front end while the loop runs, submits,
 * and reports the server's answer in plain words. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "i18n.h"
#include "util/jid.h"
#include "util/str.h"
#include "xmpp/iq.h"
#include "xmpp/ns.h"
#include "xmpp/reg-form.h"
#include "xmpp/register.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"
#include "xmpp/xmlout.h"

struct reg {
	struct app *app;
	struct session_raw raw;
	char *jid, *local, *domain;
	char *password; /* given in advance (JABIRU_PASSWORD), or NULL */
	bool quit_after;
	bool asking; /* a question is open in the front end */
	bool closed; /* the connection is gone */
	bool reported;
	bool ok;
	bool online_op;      /* password change or cancel on the logged-in stream */
	const char *command; /* static: the command that asked, for errors */
	const char *done_result;
	char *result, *condition, *text; /* the outcome, emitted when closed */
	struct reg_form form;
};

static void reg_free(struct reg *r)
{
	reg_form_free(&r->form);
	free(r->result);
	free(r->condition);
	free(r->text);
	free(r->jid);
	free(r->local);
	free(r->domain);
	str_free_secret(r->password);
	free(r);
}

static void emit(struct reg *r, const char *result, const char *condition, const char *text)
{
	struct event ev;

	ev_init(&ev, EV_REGISTRATION);
	ev_str(&ev, "jid", r->jid);
	ev_str(&ev, "result", result);
	ev_str(&ev, "condition", condition);
	ev_str(&ev, "text", text);
	app_emit(r->app, &ev);
}

/* The outcome; a new account's event waits until the connection is closed,
 * so that whoever reads it (a script, the title bar) sees jabiru offline. */
static void report(struct reg *r, const char *result, const char *condition, const char *text)
{
	if (r->reported)
		return;
	r->reported = true;
	r->ok = strcmp(result, "failed") != 0;
	if (r->online_op) {
		emit(r, result, condition, text);
		return;
	}
	r->result = xstrdup(result);
	r->condition = condition ? xstrdup(condition) : NULL;
	r->text = text ? xstrdup(text) : NULL;
}

static void fail(struct reg *r, const char *condition, const char *text)
{
	struct session *s = r->app->session;

	report(r, "failed", condition, text);
	app_error(r->app, r->command, "registration", _("Registration of %s failed: %s"), r->jid,
	          text);
	if (session_conn(s) != NULL && !r->online_op)
		xmpp_disconnect(session_conn(s));
}

/* The server's error in words a user understands. */
static void fail_stanza(struct reg *r, xmpp_stanza_t *st)
{
	struct stanza_error e;
	const char *cond;
	char *msg;

	stanza_error_parse(st, &e);
	cond = e.condition;
	if (strcmp(cond, "conflict") == 0)
		msg = xasprintf(_("the name %s is already taken on %s"), r->local, r->domain);
	else if (strcmp(cond, "not-acceptable") == 0)
		msg = xstrdup(_("the server did not accept the answers (a field is missing or a "
		                "value is not allowed)"));
	else if (strcmp(cond, "not-allowed") == 0 || strcmp(cond, "forbidden") == 0)
		msg = xstrdup(_("the server does not allow creating accounts this way"));
	else if (strcmp(cond, "service-unavailable") == 0 ||
	         strcmp(cond, "feature-not-implemented") == 0)
		msg = xstrdup(_("the server does not offer in-band registration"));
	else
		msg = xasprintf(_("the server answered %s"), cond);
	if (e.text != NULL) {
		char *both = xasprintf("%s (%s)", msg, e.text);

		free(msg);
		msg = both;
	}
	fail(r, cond, msg);
	free(msg);
	stanza_error_clear(&e);
}

static xmpp_stanza_t *text_child(xmpp_ctx_t *ctx, const char *name, const char *value)
{
	xmpp_stanza_t *el = xmpp_stanza_new(ctx), *t = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(el, name);
	xmpp_stanza_set_text(t, value);
	xmpp_stanza_add_child(el, t);
	xmpp_stanza_release(t);
	return el;
}

static int on_submitted(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct reg *r = ud;
	const char *type = xmpp_stanza_get_type(st);

	if (type != NULL && strcmp(type, "result") == 0) {
		report(r, "created", NULL, NULL);
		char *hint = app_hint(r->app, APP_HINT_LOGIN, r->jid);

		app_info(r->app, _("Account %s created. Log in with %s."), r->jid, hint);
		free(hint);
		xmpp_disconnect(conn);
	} else {
		fail_stanza(r, st);
	}
	return 0;
}

static void submit(struct reg *r)
{
	xmpp_ctx_t *ctx = session_ctx(r->app->session);
	xmpp_conn_t *conn = session_conn(r->app->session);
	char *id = session_new_id(r->app->session);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", id);

	xmpp_stanza_set_to(iq, r->domain);
	xmpp_stanza_add_child_ex(iq, reg_form_submit(ctx, &r->form), 0);
	/* The answers were typed: the raw stream has no session_send() to
	 * check them. */
	if (xmlout_check(r->app, iq)) {
		xmpp_id_handler_add(conn, on_submitted, id, r);
		xmpp_send(conn, iq);
	} else {
		fail(r, "bad-character", _("an answer held a character XML cannot carry"));
	}
	xmpp_stanza_release(iq);
	free(id);
}

static void ask_next(struct reg *r);

static void answered(void *ud, char *answer)
{
	struct reg *r = ud;

	r->asking = false;
	if (r->closed) {
		str_free_secret(answer);
		reg_free(r);
		return;
	}
	if (answer == NULL) {
		fail(r, "cancelled", _("cancelled"));
		return;
	}
	for (size_t i = 0; i < r->form.nfields; i++) {
		if (r->form.fields[i].value == NULL) {
			r->form.fields[i].value = answer;
			break;
		}
	}
	ask_next(r);
}

/* Asks for the first unanswered field, or submits when none is left. */
static void ask_next(struct reg *r)
{
	char *prompt;

	for (size_t i = 0; i < r->form.nfields; i++) {
		struct reg_field *f = &r->form.fields[i];

		if (f->value != NULL)
			continue;
		if (f->secret && r->password != NULL) {
			f->value = xstrdup(r->password);
			continue;
		}
		if (r->app->batch) {
			fail(r, "needs-answer",
			     _("the form asks for a field batch mode cannot answer (only the "
			       "username and JABIRU_PASSWORD are given)"));
			return;
		}
		if (f->secret)
			prompt = xasprintf(_("New password for %s: "), r->jid);
		else
			prompt =
			    xasprintf(_("%s (for %s): "), f->label ? f->label : f->var, r->jid);
		r->asking = true;
		r->app->fe_ops->ask_secret(r->app->fe, prompt, answered, r);
		free(prompt);
		return;
	}
	submit(r);
}

static int on_form(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct reg *r = ud;
	const char *type = xmpp_stanza_get_type(st);
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_ns(st, XMPP_NS_REGISTER);

	(void)conn;
	if (type == NULL || strcmp(type, "result") != 0 || q == NULL) {
		fail_stanza(r, st);
		return 0;
	}
	reg_form_parse(q, r->local, &r->form);
	if (r->form.registered) {
		fail(r, "registered", _("this account already exists"));
		return 0;
	}
	ask_next(r);
	return 0;
}

static void fetch_form(struct reg *r, xmpp_conn_t *conn)
{
	xmpp_ctx_t *ctx = session_ctx(r->app->session);
	char *id = session_new_id(r->app->session);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", id), *q = xmpp_stanza_new(ctx);

	xmpp_stanza_set_to(iq, r->domain);
	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, XMPP_NS_REGISTER);
	xmpp_stanza_add_child(iq, q);
	xmpp_stanza_release(q);
	xmpp_id_handler_add(conn, on_form, id, r);
	xmpp_send(conn, iq);
	xmpp_stanza_release(iq);
	free(id);
}

static int on_tls(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct reg *r = ud;
	const char *name = xmpp_stanza_get_name(st);

	if (name != NULL && strcmp(name, "proceed") == 0 && xmpp_conn_tls_start(conn) == 0) {
		xmpp_conn_open_stream_default(conn);
		return 0;
	}
	/* An untrusted certificate is reported by the session (closed()). */
	(void)r;
	xmpp_disconnect(conn);
	return 0;
}

static int on_features(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct reg *r = ud;
	xmpp_ctx_t *ctx = session_ctx(r->app->session);
	xmpp_stanza_t *tls = xmpp_stanza_get_child_by_ns(st, XMPP_NS_TLS);

	if (xmpp_conn_is_secured(conn)) {
		fetch_form(r, conn);
		return 0;
	}
	if (tls == NULL) {
		fail(r, "tls-missing",
		     _("the server offers no TLS; jabiru sends no password over a plain stream"));
		return 0;
	}
	tls = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(tls, "starttls");
	xmpp_stanza_set_ns(tls, XMPP_NS_TLS);
	xmpp_handler_add(conn, on_tls, XMPP_NS_TLS, NULL, NULL, r);
	xmpp_send(conn, tls);
	xmpp_stanza_release(tls);
	return 1; /* features come again on the encrypted stream */
}

static int on_stream_error(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	(void)st;
	fail(ud, "stream-error", _("the server closed the stream"));
	xmpp_disconnect(conn);
	return 0;
}

static void reg_opened(struct session *s, void *ud)
{
	struct reg *r = ud;
	xmpp_conn_t *conn = session_conn(s);

	xmpp_handler_add(conn, on_stream_error, XMPP_NS_STREAMS, "error", NULL, r);
	xmpp_handler_add(conn, on_features, XMPP_NS_STREAMS, "features", NULL, r);
}

static bool reg_closed(struct session *s, int error, void *ud)
{
	struct reg *r = ud;
	bool handled = r->reported;

	(void)s;
	(void)error;
	if (!handled)
		report(r, "failed", "connection", _("the connection ended"));
	emit(r, r->result, r->condition, r->text);
	if (r->quit_after)
		app_quit(r->app, r->ok ? EXIT_OK : EXIT_FAILURE_);
	r->closed = true;
	if (!r->asking)
		reg_free(r);
	return handled;
}

int register_account(struct app *app, const struct session_params *p, bool quit_after)
{
	struct reg *r;
	struct jid j;
	struct session_params sp = *p;

	if (p->jid == NULL || !jid_parse(&j, p->jid) || j.local[0] == '\0') {
		app_error(app, p->command, "usage", _("'%s' is not a valid account JID."),
		          p->jid ? p->jid : "");
		return -1;
	}
	r = xcalloc(1, sizeof(*r));
	r->app = app;
	r->command = p->command;
	r->jid = xstrdup(p->jid);
	r->local = xstrdup(j.local);
	r->domain = xstrdup(j.domain);
	r->password = p->password ? xstrdup(p->password) : NULL;
	r->quit_after = quit_after;
	r->raw.opened = reg_opened;
	r->raw.closed = reg_closed;
	r->raw.ud = r;
	sp.password = (char *)"";
	if (session_connect_raw(app->session, &sp, &r->raw) != 0) {
		reg_free(r);
		return -1;
	}
	return 0;
}

/* ---- on the logged-in stream ----------------------------------------- */

/* The answer from our own server, through iq_request (which takes none
 * from anyone else). NULL: the session ended first, and the request's
 * state goes with it. */
static void on_online_answer(struct app *app, xmpp_stanza_t *st, void *ud)
{
	struct reg *r = ud;
	const char *type = st != NULL ? xmpp_stanza_get_type(st) : NULL;

	(void)app;
	if (st == NULL) {
		/* Nothing to tell: the disconnection is reported already. */
	} else if (type != NULL && strcmp(type, "result") == 0) {
		report(r, r->done_result, NULL, NULL);
		if (strcmp(r->done_result, "password-changed") == 0)
			app_info(r->app, _("The password of %s is changed."), r->jid);
		else
			app_info(r->app, _("The account %s is removed from the server."), r->jid);
	} else {
		fail_stanza(r, st);
	}
	reg_free(r);
}

static int online_request(struct app *app, const char *command, const char *password)
{
	struct session *s = app->session;
	xmpp_ctx_t *ctx = session_ctx(s);
	struct reg *r;
	struct jid j;
	char bare[JID_MAX + 1];
	xmpp_stanza_t *iq, *q, *c;

	if (!session_online(s) || !jid_parse(&j, session_jid(s))) {
		app_error(app, command, "offline", _("Not connected."));
		return -1;
	}
	r = xcalloc(1, sizeof(*r));
	r->app = app;
	r->command = command;
	r->online_op = true;
	r->jid = xstrdup(jid_bare(&j, bare, sizeof(bare)));
	r->local = xstrdup(j.local);
	r->domain = xstrdup(j.domain);
	r->done_result = password != NULL ? "password-changed" : "cancelled";
	iq = xmpp_iq_new(ctx, "set", NULL);
	xmpp_stanza_set_to(iq, r->domain);
	q = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, XMPP_NS_REGISTER);
	if (password != NULL) {
		c = text_child(ctx, "username", r->local);
		xmpp_stanza_add_child(q, c);
		xmpp_stanza_release(c);
		c = text_child(ctx, "password", password);
	} else {
		c = xmpp_stanza_new(ctx);
		xmpp_stanza_set_name(c, "remove");
	}
	xmpp_stanza_add_child(q, c);
	xmpp_stanza_release(c);
	xmpp_stanza_add_child(iq, q);
	xmpp_stanza_release(q);
	iq_request(app, iq, on_online_answer, r);
	xmpp_stanza_release(iq);
	return 0;
}

int register_change_password(struct app *app, const char *command, const char *password)
{
	return online_request(app, command, password);
}

int register_cancel(struct app *app, const char *command)
{
	return online_request(app, command, NULL);
}
