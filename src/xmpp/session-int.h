/* The session's state, shared by session.c (the connection and the poll
 * loop) and session-report.c (what the user is told about it). Nothing
 * else includes this: other modules use session.h. */
#ifndef JABIRU_XMPP_SESSION_INT_H
#define JABIRU_XMPP_SESSION_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <strophe.h>

#include "xmpp/session.h"
#include "xmpp/session_hooks.h"

#define SESSION_MAX_HOOKS 16

struct session {
	struct app *app;
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	xmpp_log_t log;
	enum session_state state;
	struct session_params params;
	char *domain;
	int fd;
	bool fd_watched;
	bool more; /* the last pump stopped at its bound */
	bool in_loop;
	uint64_t recv_count;
	uint64_t last_recv_ms; /* when the server last sent something */
	struct loop_timer *tick;
	struct loop_timer *deadline;
	xmpp_conn_t *dead_conn; /* released outside libstrophe's callbacks */
	/* what went wrong during this login, learnt from libstrophe */
	bool sasl_failed;
	bool tls_missing;
	bool no_auth_method; /* neither SASL we know nor allowed legacy auth */
	bool cert_refused;
	bool user_closed;
	bool was_online;
	bool timed_out;    /* the login deadline passed */
	long deadline_s;   /* connect.timeout when the login started */
	bool malformed;    /* the server sent XML the parser refused */
	bool pre_xmpp1;    /* a plain stream header without version 1.0 */
	bool no_bind;      /* the features after SASL offered no binding */
	bool auth_offered; /* features arrived over TLS */
	bool auth_tried;   /* a SASL or jabber:iq:auth login was sent */
	char *lost_reason; /* why jabiru gave the session up (session_lost) */
	bool rosterver;    /* the stream features offer roster versioning */
	char *refused_fp;
	char *refused_why;
	char *refused_domain;
	struct {
		const struct session_hooks *h;
		void *ud;
	} hooks[SESSION_MAX_HOOKS];
	size_t nhooks;
	struct {
		session_tap_fn fn;
		void *ud;
	} tap;
	const struct session_raw *raw; /* registration mode, else NULL */
};

/* session-log.c: libstrophe's log handler (userdata: the session). */
void session_log_handler(void *ud, xmpp_log_level_t level, const char *area, const char *msg);

/* session-report.c */
void session_report_online(struct session *s);
void session_report_login_failure(struct session *s, int error, xmpp_stream_error_t *se);
/* Runs the offline hooks (after a session that was online) and emits the
 * disconnected event with its reason; a failed login is reported first. */
void session_report_offline(struct session *s, int error, xmpp_stream_error_t *se);

#endif
