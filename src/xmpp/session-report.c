/* What the user is told when a session comes up, when a login fails (one
 * clear line for each cause libstrophe lets us tell apart) and when a
 * session ends. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "event.h"
#include "i18n.h"
#include "util/str.h"
#include "xmpp/session-int.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"
#include "xmpp/stanza.h"

void session_report_online(struct session *s)
{
	struct event ev;

	ev_init(&ev, EV_CONNECTED);
	ev_str(&ev, "jid", session_jid(s));
	ev_bool(&ev, "secure", xmpp_conn_is_secured(s->conn) != 0);
	app_emit(s->app, &ev);
}

void session_report_login_failure(struct session *s, int error, xmpp_stream_error_t *se)
{
	const char *where = s->params.server ? s->params.server : s->domain;
	struct event ev;
	char *hint;

	if (s->malformed) {
		app_error(s->app, NULL, "malformed-xml",
		          _("%s sent malformed XML; the login stopped."), where);
	} else if (s->timed_out) {
		app_error(s->app, NULL, "connect-timeout",
		          _("The server did not complete the login within %ld seconds; "
		            "jabiru gave up (setting connect.timeout)."),
		          s->deadline_s);
	} else if (s->cert_refused) {
		ev_init(&ev, EV_TLS_UNTRUSTED);
		ev_str(&ev, "domain", s->refused_domain);
		ev_str(&ev, "fingerprint", s->refused_fp);
		ev_str(&ev, "reason", s->refused_why);
		app_emit(s->app, &ev);
		hint = app_hint(s->app, APP_HINT_TLS_TRUST, NULL);
		app_error(s->app, NULL, "tls-untrusted",
		          _("The certificate of %s is not trusted (%s). Its SHA-256 fingerprint is "
		            "%s. If you know it to be right, type %s to accept it for this "
		            "domain."),
		          s->refused_domain, s->refused_why, s->refused_fp, hint);
		free(hint);
	} else if (s->sasl_failed) {
		app_error(s->app, NULL, "auth-failed",
		          _("Login as %s failed: wrong password or unknown account."),
		          s->params.jid);
	} else if (s->no_bind) {
		app_error(s->app, NULL, "bind-failed",
		          _("%s accepted the login but offers no resource binding; jabiru cannot "
		            "go online there."),
		          where);
	} else if (s->no_auth_method) {
		app_error(s->app, NULL, "auth-failed",
		          _("%s offers no login method jabiru uses. If it only knows the old "
		            "jabber:iq:auth login, set legacy_auth = true in the account."),
		          s->domain);
	} else if (s->pre_xmpp1) {
		app_error(s->app, NULL, "tls-failed",
		          _("%s speaks a version of XMPP older than 1.0 (no version in its stream "
		            "header), which cannot offer TLS; jabiru will not log in without it."),
		          where);
	} else if (s->tls_missing) {
		app_error(s->app, NULL, "tls-failed",
		          _("%s does not offer TLS; jabiru will not log in without it."), where);
	} else if (se != NULL) {
		char *text = stanza_stream_error_text(se);

		app_error(s->app, NULL, "stream-error", _("The server closed the stream: %s"),
		          text);
		free(text);
	} else if (error == ECONNREFUSED) {
		app_error(s->app, NULL, "connect-failed", _("Connection to %s refused."), where);
	} else if (error == ETIMEDOUT) {
		app_error(s->app, NULL, "connect-failed", _("Connection to %s timed out."), where);
	} else if (error != 0) {
		app_error(s->app, NULL, "connect-failed", _("Connection to %s failed: %s."), where,
		          strerror(error));
	} else {
		app_error(s->app, NULL, "connect-failed",
		          _("Connection to %s closed during the login."), where);
	}
}

void session_report_offline(struct session *s, int error, xmpp_stream_error_t *se)
{
	struct event ev;
	const char *reason;
	char *owned = NULL;

	if (!s->was_online)
		session_report_login_failure(s, error, se);
	for (size_t i = 0; i < s->nhooks; i++)
		if (s->was_online && s->hooks[i].h->offline != NULL)
			s->hooks[i].h->offline(s, s->hooks[i].ud);
	if (s->user_closed) {
		reason = _("disconnected");
	} else if (!s->was_online) {
		reason = _("login failed");
	} else if (s->lost_reason != NULL) {
		reason = s->lost_reason;
	} else if (se != NULL) {
		char *text = stanza_stream_error_text(se);

		reason = owned = xasprintf(_("stream error: %s"), text);
		free(text);
	} else if (error != 0) {
		reason = owned = xasprintf(_("connection lost: %s"), strerror(error));
	} else {
		reason = _("the server closed the connection");
	}
	ev_init(&ev, EV_DISCONNECTED);
	ev_str(&ev, "reason", reason);
	ev_bool(&ev, "login_failed", !s->was_online && !s->user_closed);
	app_emit(s->app, &ev);
	free(owned);
	app_release(s->app, s); /* the shutdown's stage (session.c) */
}
