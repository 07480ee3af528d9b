/* The XMPP session on top of libstrophe, driven by jabiru's poll loop.
 *
 * libstrophe owns the socket and its own select() loop; we never let it
 * sleep. We learn the socket from the sockopt callback, poll it ourselves,
 * and call xmpp_run_once(ctx, 0) when it is ready. Two subtleties:
 * - OpenSSL may hold decrypted bytes that poll() cannot see (a TLS record is
 *   up to 16 KB, libstrophe reads 4 KB at a time). After a wake-up we keep
 *   calling xmpp_run_once() until a few calls in a row complete no stanza and
 *   the socket has nothing more: four reads of 4 KB drain any record.
 * - libstrophe's own timers (login steps, the clean-close deadline) fire only
 *   inside xmpp_run_once(). While logging in or closing, a one-second tick
 *   gives them their chance; online and idle, nothing ticks. */
#include "config.h"

#include <errno.h>
#include <openssl/rand.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "app.h"
#include "cfg.h"
#include "event.h"
#include "i18n.h"
#include "loop.h"
#include "util/jid.h"
#include "util/str.h"
#include "xmpp/castore.h"
#include "xmpp/interpose.h"
#include "xmpp/session-int.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"
#include "xmpp/stanza.h"
#include "xmpp/trust.h"
#include "xmpp/wiretap.h"
#include "xmpp/xmlout.h"

/* Calls without progress before OpenSSL is surely drained (16 KB / 4 KB). */
#define PUMP_IDLE_CALLS 4
/* Bound on work per wake-up so a flood cannot starve the keyboard. */
#define PUMP_MAX_CALLS 256

/* libstrophe's certfail and sockopt callbacks carry no user data; jabiru has
 * one connection at a time, so this names it. */
static struct session *current_session;

static void pump(struct session *s);
static void update_watch(struct session *s);

/* The shutdown's stage: the stream is closed after what is queued is
 * written; session-report.c releases the hold once it is gone. */
static bool quit_stage(void *ud, bool again)
{
	struct session *s = ud;

	(void)again;
	if (s->state == SESSION_OFFLINE)
		return false;
	session_disconnect(s);
	return true;
}

struct session *session_new(struct app *app)
{
	struct session *s = xcalloc(1, sizeof(*s));

	s->app = app;
	app_add_stage(app, quit_stage, s);
	s->fd = -1;
	s->log.handler = session_log_handler;
	s->log.userdata = s;
	castore_prefer_dir(NULL); /* before any TLS context: see castore.c */
	xmpp_initialize();
	s->ctx = xmpp_ctx_new(NULL, &s->log);
	return s;
}

void session_params_free(struct session_params *p)
{
	free(p->jid);
	str_free_secret(p->password);
	free(p->server);
	free(p->ca_file);
	free(p->resource);
	memset(p, 0, sizeof(*p));
}

static void params_copy(struct session_params *dst, const struct session_params *src)
{
	dst->jid = src->jid ? xstrdup(src->jid) : NULL;
	dst->password = src->password ? xstrdup(src->password) : NULL;
	dst->server = src->server ? xstrdup(src->server) : NULL;
	dst->port = src->port;
	dst->tls = src->tls;
	dst->ca_file = src->ca_file ? xstrdup(src->ca_file) : NULL;
	dst->resource = src->resource ? xstrdup(src->resource) : NULL;
	dst->legacy_auth = src->legacy_auth;
	dst->command = src->command;
}

static void clear_timers(struct session *s)
{
	if (s->tick != NULL)
		loop_timer_del(s->app->loop, s->tick);
	if (s->deadline != NULL)
		loop_timer_del(s->app->loop, s->deadline);
	s->tick = NULL;
	s->deadline = NULL;
}

static void release_dead(struct session *s)
{
	if (s->dead_conn != NULL) {
		xmpp_conn_release(s->dead_conn);
		s->dead_conn = NULL;
	}
}

void session_free(struct session *s)
{
	if (s == NULL)
		return;
	clear_timers(s);
	if (s->fd_watched)
		loop_fd_del(s->app->loop, s->fd);
	release_dead(s);
	if (s->conn != NULL)
		xmpp_conn_release(s->conn);
	session_params_free(&s->params);
	free(s->domain);
	free(s->refused_fp);
	free(s->refused_why);
	free(s->refused_domain);
	free(s->lost_reason);
	xmpp_ctx_free(s->ctx);
	xmpp_shutdown();
	if (current_session == s)
		current_session = NULL;
	free(s);
}

void session_add_hooks(struct session *s, const struct session_hooks *h, void *ud)
{
	if (s->nhooks < SESSION_MAX_HOOKS) {
		s->hooks[s->nhooks].h = h;
		s->hooks[s->nhooks].ud = ud;
		s->nhooks++;
	}
}

void session_set_tap(struct session *s, session_tap_fn fn, void *ud)
{
	s->tap.fn = fn;
	s->tap.ud = ud;
}

static void on_fd(int fd, short revents, void *ud)
{
	(void)fd;
	(void)revents;
	pump(ud);
}

static void update_watch(struct session *s)
{
	short ev = 0;

	if (s->conn == NULL || s->fd < 0)
		return;
	if (xmpp_conn_is_connecting(s->conn))
		ev = POLLOUT;
	else if (xmpp_conn_is_connected(s->conn))
		ev = POLLIN | (xmpp_conn_send_queue_len(s->conn) > 0 ? POLLOUT : 0);
	if (!s->fd_watched) {
		loop_fd_set(s->app->loop, s->fd, ev, on_fd, s);
		s->fd_watched = true;
	} else {
		loop_fd_events(s->app->loop, s->fd, ev);
	}
}

static bool fd_readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR));
}

static void tick_cb(void *ud);

/* After malformed XML the parser is broken for good: nothing more can be
 * read from this stream; after a pre-1.0 stream header nothing useful. Close
 * it (a stream error libstrophe queued goes out first); the tick drives
 * libstrophe's close deadline, since a hostile server may never close its
 * side. */
static void close_stream(struct session *s)
{
	if (s->state == SESSION_ONLINE) {
		free(s->lost_reason);
		s->lost_reason = xstrdup(_("the server sent malformed XML"));
	}
	s->state = SESSION_CLOSING;
	xmpp_disconnect(s->conn);
	if (s->tick == NULL)
		s->tick = loop_timer_add(s->app->loop, 1000, tick_cb, s);
}

static void pump(struct session *s)
{
	int idle = 0, calls = 0;

	s->more = false;
	while (s->conn != NULL && !xmpp_conn_is_disconnected(s->conn)) {
		uint64_t before = s->recv_count;

		xmpp_run_once(s->ctx, 0);
		if (s->conn != NULL && s->malformed && s->state != SESSION_CLOSING)
			close_stream(s);
		/* Waiting for features that never come would only end in the
		 * same refusal, after libstrophe's 15 s. */
		if (s->conn != NULL && s->pre_xmpp1 && s->state == SESSION_CONNECTING)
			close_stream(s);
		if (s->conn == NULL || ++calls >= PUMP_MAX_CALLS) {
			s->more = s->conn != NULL;
			break;
		}
		if (s->recv_count != before || fd_readable(s->fd))
			idle = 0;
		else if (++idle >= PUMP_IDLE_CALLS)
			break;
	}
	update_watch(s);
}

static int sockopt_cb(xmpp_conn_t *conn, void *sock)
{
	struct session *s = current_session;

	if (s != NULL && s->conn == conn) {
		if (s->fd_watched && s->fd != *(int *)sock) {
			loop_fd_del(s->app->loop, s->fd);
			s->fd_watched = false;
		}
		s->fd = *(int *)sock;
		wiretap_watch(s->fd);
	}
	return xmpp_sockopt_cb_keepalive(conn, sock);
}

/* Called for each problem in the server's chain, with the certificate where
 * it was found (the root, say); the user sees and pins the server's own. */
static int certfail_cb(const xmpp_tlscert_t *cert, const char *why)
{
	struct session *s = current_session;
	char *fp = trust_leaf_fp(interpose_verify_ctx());

	interpose_verify_done();
	if (fp == NULL && xmpp_tlscert_get_string(cert, XMPP_CERT_FINGERPRINT_SHA256) != NULL)
		fp = trust_format_fp(xmpp_tlscert_get_string(cert, XMPP_CERT_FINGERPRINT_SHA256));
	if (s == NULL || fp == NULL) {
		free(fp);
		return 0;
	}
	if (trust_has(s->domain, fp)) {
		free(fp);
		return 1;
	}
	s->cert_refused = true;
	free(s->refused_fp);
	free(s->refused_why);
	free(s->refused_domain);
	s->refused_fp = fp;
	s->refused_why = xstrdup(why != NULL ? why : "");
	s->refused_domain = xstrdup(s->domain);
	return 0;
}

static void tick_cb(void *ud)
{
	struct session *s = ud;

	s->tick = NULL;
	pump(s);
	if (s->state == SESSION_CONNECTING || s->state == SESSION_CLOSING)
		s->tick = loop_timer_add(s->app->loop, 1000, tick_cb, s);
}

/* Ends the connection at once, without the closing handshake a stalled
 * server would never answer: libstrophe then reads end of file and reports
 * the disconnection as for any cut connection. */
static void drop_connection(struct session *s)
{
	if (s->fd >= 0)
		shutdown(s->fd, SHUT_RDWR);
	else
		xmpp_disconnect(s->conn);
	pump(s);
}

static void deadline_cb(void *ud)
{
	struct session *s = ud;

	s->deadline = NULL;
	if (s->state == SESSION_CONNECTING && s->conn != NULL) {
		s->timed_out = true;
		drop_connection(s);
	}
}

void session_lost(struct session *s, const char *reason)
{
	if (s->conn == NULL || s->state != SESSION_ONLINE)
		return;
	free(s->lost_reason);
	s->lost_reason = xstrdup(reason);
	drop_connection(s);
}

uint64_t session_last_recv_ms(const struct session *s)
{
	return s->last_recv_ms;
}

static void conn_gone(struct session *s)
{
	clear_timers(s);
	if (s->fd_watched)
		loop_fd_del(s->app->loop, s->fd);
	s->fd_watched = false;
	s->fd = -1;
	wiretap_watch(-1);
	s->state = SESSION_OFFLINE;
	/* Released from the next prepare step, not inside its callback. */
	s->dead_conn = s->conn;
	s->conn = NULL;
}

/* Registration mode: the stream is opened by hand and handed to the
 * module; no SASL, no binding, no online hooks. True when handled. */
static bool raw_event(struct session *s, xmpp_conn_t *conn, xmpp_conn_event_t status, int error)
{
	const struct session_raw *raw = s->raw;

	if (status == XMPP_CONN_RAW_CONNECT) {
		/* A raw connection leaves direct TLS to us; it must be up
		 * before the first byte of XML. */
		if (s->params.tls == TLS_DIRECT && !xmpp_conn_is_secured(conn) &&
		    xmpp_conn_tls_start(conn) != 0) {
			xmpp_disconnect(conn);
			return true;
		}
		xmpp_conn_open_stream_default(conn);
		return true;
	}
	if (status == XMPP_CONN_CONNECT) {
		/* The user may take a while with the form: no login deadline. */
		clear_timers(s);
		raw->opened(s, raw->ud);
		return true;
	}
	conn_gone(s);
	s->raw = NULL;
	if (!raw->closed(s, error, raw->ud))
		session_report_login_failure(s, error, NULL);
	return true;
}

static void conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t status, int error,
                         xmpp_stream_error_t *stream_error, void *ud)
{
	struct session *s = ud;

	if (s->raw != NULL && raw_event(s, conn, status, error))
		return;
	if (status == XMPP_CONN_CONNECT) {
		s->state = SESSION_ONLINE;
		s->was_online = true;
		clear_timers(s);
		for (size_t i = 0; i < s->nhooks; i++)
			if (s->hooks[i].h->online != NULL)
				s->hooks[i].h->online(s, s->hooks[i].ud);
		session_report_online(s);
	} else if (status == XMPP_CONN_DISCONNECT || status == XMPP_CONN_FAIL) {
		if (interpose_take_null_copy())
			s->no_bind = true;
		/* Features over TLS, and no login method of them tried. */
		s->no_auth_method = s->auth_offered && !s->auth_tried;
		conn_gone(s);
		session_report_offline(s, error, stream_error);
	}
}

static char *default_resource(void)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[4];
	char res[16] = "jabiru.";

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0, sizeof(r));
	for (size_t i = 0; i < sizeof(r); i++)
		res[7 + i] = alnum[r[i] % (sizeof(alnum) - 1)];
	return xstrdup(res);
}

static bool session_prepare(void *ud)
{
	struct session *s = ud;

	release_dead(s);
	if (s->conn != NULL && xmpp_conn_is_connected(s->conn) &&
	    xmpp_conn_send_queue_len(s->conn) > 0)
		pump(s);
	return s->more;
}

/* The parameters a connection needs, checked before anything changes. */
static bool connect_params_ok(struct session *s, const struct session_params *p, struct jid *j)
{
	if (s->state != SESSION_OFFLINE) {
		app_error(s->app, p->command, "busy", _("Already connected or connecting."));
		return false;
	}
	if (p->jid == NULL || !jid_parse(j, p->jid) || j->local[0] == '\0') {
		app_error(s->app, p->command, "usage", _("'%s' is not a valid account JID."),
		          p->jid ? p->jid : "");
		return false;
	}
	if (p->password == NULL) {
		app_error(s->app, p->command, "usage", _("No password given."));
		return false;
	}
	return true;
}

/* Forgets the last connection's parameters and outcome. */
static void connect_reset(struct session *s, const struct session_params *p, const char *domain)
{
	release_dead(s);
	session_params_free(&s->params);
	params_copy(&s->params, p);
	if (s->params.resource == NULL || s->params.resource[0] == '\0') {
		free(s->params.resource);
		s->params.resource = default_resource();
	}
	free(s->domain);
	s->domain = xstrdup(domain);
	s->sasl_failed = s->tls_missing = s->cert_refused = s->no_auth_method = false;
	s->user_closed = s->was_online = s->timed_out = s->malformed = false;
	s->pre_xmpp1 = s->no_bind = s->auth_tried = s->auth_offered = false;
	(void)interpose_take_null_copy(); /* from an earlier session */
	free(s->lost_reason);
	s->lost_reason = NULL;
}

/* A libstrophe connection for these parameters: TLS always (STARTTLS or
 * direct), our certificate check and our socket options. */
static xmpp_conn_t *connect_conn(struct session *s, const struct session_params *p,
                                 const struct jid *j)
{
	xmpp_conn_t *conn = xmpp_conn_new(s->ctx);
	long flags =
	    p->tls == TLS_DIRECT ? XMPP_CONN_FLAG_LEGACY_SSL : XMPP_CONN_FLAG_MANDATORY_TLS;
	char *full;

	if (p->legacy_auth)
		flags |= XMPP_CONN_FLAG_LEGACY_AUTH;
	xmpp_conn_set_flags(conn, flags);
	full = xasprintf("%s@%s/%s", j->local, j->domain, s->params.resource);
	xmpp_conn_set_jid(conn, full);
	free(full);
	xmpp_conn_set_pass(conn, s->params.password);
	if (s->params.ca_file != NULL)
		xmpp_conn_set_cafile(conn, s->params.ca_file);
	xmpp_conn_set_certfail_handler(conn, certfail_cb);
	xmpp_conn_set_sockopt_callback(conn, sockopt_cb);
	return conn;
}

static void announce_connecting(struct session *s, const struct session_params *p)
{
	struct event ev;

	for (size_t i = 0; i < s->nhooks; i++)
		if (s->hooks[i].h->connecting != NULL)
			s->hooks[i].h->connecting(s, s->hooks[i].ud);
	ev_init(&ev, EV_CONNECTING);
	ev_str(&ev, "jid", s->params.jid);
	ev_str(&ev, "server", s->params.server);
	if (p->port)
		ev_int(&ev, "port", p->port);
	app_emit(s->app, &ev);
}

/* libstrophe could not even start (no address): the login failed. */
static void connect_failed(struct session *s)
{
	struct event ev;

	s->raw = NULL;
	s->state = SESSION_OFFLINE;
	s->dead_conn = s->conn;
	s->conn = NULL;
	if (s->fd_watched)
		loop_fd_del(s->app->loop, s->fd);
	s->fd_watched = false;
	s->fd = -1;
	wiretap_watch(-1);
	app_error(s->app, NULL, "connect-failed", _("Cannot connect to %s: %s."),
	          s->params.server ? s->params.server : s->domain,
	          _("the host name does not resolve or no address is reachable"));
	ev_init(&ev, EV_DISCONNECTED);
	ev_str(&ev, "reason", _("login failed"));
	ev_bool(&ev, "login_failed", true);
	app_emit(s->app, &ev);
	app_release(s->app, s);
}

int session_connect(struct session *s, const struct session_params *p)
{
	struct jid j;
	int rc;

	if (!connect_params_ok(s, p, &j))
		return -1;
	if (!s->in_loop) {
		loop_prepare_add(s->app->loop, LOOP_PHASE_WORK, session_prepare, s);
		s->in_loop = true;
	}
	current_session = s;
	connect_reset(s, p, j.domain);
	s->conn = connect_conn(s, p, &j);
	s->state = SESSION_CONNECTING;
	announce_connecting(s, p);
	if (s->raw != NULL)
		rc = xmpp_connect_raw(s->conn, s->params.server, (unsigned short)p->port,
		                      conn_handler, s);
	else
		rc = xmpp_connect_client(s->conn, s->params.server, (unsigned short)p->port,
		                         conn_handler, s);
	if (rc != XMPP_EOK) {
		connect_failed(s);
		return -1;
	}
	update_watch(s);
	s->tick = loop_timer_add(s->app->loop, 1000, tick_cb, s);
	s->deadline_s = cfg_int(s->app->config, "connect.timeout");
	s->deadline = loop_timer_add(s->app->loop, (uint64_t)s->deadline_s * 1000, deadline_cb, s);
	return 0;
}

int session_connect_raw(struct session *s, const struct session_params *p,
                        const struct session_raw *raw)
{
	int rc;

	if (s->state != SESSION_OFFLINE)
		return session_connect(s, p); /* reports "busy" */
	s->raw = raw;
	rc = session_connect(s, p);
	if (rc != 0)
		s->raw = NULL;
	return rc;
}

void session_disconnect(struct session *s)
{
	if (s->conn == NULL || s->state == SESSION_OFFLINE)
		return;
	s->user_closed = true;
	if (s->state == SESSION_CONNECTING)
		s->was_online = true; /* no login-failure report for a cancel */
	s->state = SESSION_CLOSING;
	xmpp_disconnect(s->conn);
	if (s->tick == NULL)
		s->tick = loop_timer_add(s->app->loop, 1000, tick_cb, s);
	pump(s);
}

enum session_state session_state(const struct session *s)
{
	return s->state;
}

bool session_offers_rosterver(const struct session *s)
{
	return s->rosterver;
}

bool session_online(const struct session *s)
{
	return s->state == SESSION_ONLINE;
}

const char *session_jid(const struct session *s)
{
	const char *bound;
	struct jid j;

	if (s->conn == NULL || s->state != SESSION_ONLINE)
		return NULL;
	bound = xmpp_conn_get_bound_jid(s->conn);
	/* The server's <bind><jid/> text, used in titles, events and as our
	 * own address: one that is not a JID (a newline in it) is not used.
	 * The legacy login (XEP-0078) binds the resource it was given. */
	if (bound != NULL && jid_parse(&j, bound))
		return bound;
	return xmpp_conn_get_jid(s->conn);
}

int session_fd(const struct session *s)
{
	return s->conn != NULL ? s->fd : -1;
}

const char *session_domain(const struct session *s)
{
	return s->domain;
}

xmpp_ctx_t *session_ctx(struct session *s)
{
	return s->ctx;
}

xmpp_conn_t *session_conn(struct session *s)
{
	return s->conn;
}

void session_send(struct session *s, xmpp_stanza_t *st)
{
	/* What the server would end the session over is not sent at all. */
	if (!xmlout_check(s->app, st))
		return;
	if (s->conn != NULL && s->state == SESSION_ONLINE) {
		xmpp_send(s->conn, st);
		update_watch(s);
	}
}

char *session_new_id(struct session *s)
{
	char *id = xmpp_uuid_gen(s->ctx);
	char *copy = xstrdup(id != NULL ? id : "jabiru");

	xmpp_free(s->ctx, id);
	return copy;
}

int session_trust_pending(struct session *s, const char *command)
{
	struct session_params p;
	int rc;

	if (s->refused_fp == NULL || s->refused_domain == NULL)
		return -1;
	if (trust_add(s->refused_domain, s->refused_fp) != 0) {
		app_error(s->app, command, "io", _("Cannot store the trusted fingerprint: %s"),
		          strerror(errno));
		return -1;
	}
	app_info(s->app, _("Trusting %s for %s from now on."), s->refused_fp, s->refused_domain);
	free(s->refused_fp);
	s->refused_fp = NULL;
	/* After a refused registration there is no password to log in with. */
	if (s->state != SESSION_OFFLINE || s->params.jid == NULL || s->params.password == NULL ||
	    s->params.password[0] == '\0')
		return 0;
	memset(&p, 0, sizeof(p));
	params_copy(&p, &s->params);
	rc = session_connect(s, &p);
	session_params_free(&p);
	return rc;
}
