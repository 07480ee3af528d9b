/* SOCKS5 Bytestreams, the target (receiver) side's negotiation: the
 * streamhost list of an incoming query, every host's name looked up at
 * once (net/resolver, never blocking), the hosts tried in order, each with
 * its timeout, under one deadline, and the answer: streamhost-used, or
 * item-not-found. The data phase that follows is s5b.c's. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "ft/s5b-int.h"
#include "ft/streamhost.h"
#include "i18n.h"
#include "loop.h"
#include "util/str.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

static void try_next_host(struct s5b_stream *st);

void s5b_reply_error(struct s5b *m, const char *to, const char *id, const char *type,
                     const char *condition)
{
	struct stanza_error e = {.type = type, .condition = condition};
	xmpp_stanza_t *iq = stanza_error_new(s5b_ctx(m), "iq", to, id, &e);

	s5b_send(m, iq);
	xmpp_stanza_release(iq);
}

static void target_all_failed(struct s5b_stream *st, const char *why)
{
	if (s5b_xconn(st->m) != NULL)
		s5b_reply_error(st->m, st->bs.peer, st->iq_id, "cancel", "item-not-found");
	s5b_stream_fail(st, why);
}

static void target_connected(struct s5b_stream *st, struct s5b_conn *c)
{
	struct s5b_host *h = &st->hosts[st->cur];
	xmpp_ctx_t *ctx = s5b_ctx(st->m);
	xmpp_stanza_t *iq, *q, *used;
	int fd = c->s5.fd;

	if (st->timer != NULL)
		loop_timer_del(st->m->app->loop, st->timer);
	st->timer = NULL;
	s5b_conn_free(st, c, false);
	iq = xmpp_iq_new(ctx, "result", st->iq_id);
	xmpp_stanza_set_to(iq, st->bs.peer);
	q = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, NS_BYTESTREAMS);
	xmpp_stanza_set_attribute(q, "sid", st->bs.sid);
	used = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(used, "streamhost-used");
	xmpp_stanza_set_attribute(used, "jid", h->jid);
	xmpp_stanza_add_child_ex(q, used, 0);
	xmpp_stanza_add_child_ex(iq, q, 0);
	s5b_send(st->m, iq);
	xmpp_stanza_release(iq);
	/* A streamhost that is the initiator itself is a direct connection. */
	s5b_stream_open(st, fd, strcmp(h->jid, st->bs.peer) != 0);
}

/* The streamhost being tried failed: on to the next one. */
static void next_host(struct s5b_stream *st)
{
	if (st->timer != NULL)
		loop_timer_del(st->m->app->loop, st->timer);
	st->timer = NULL;
	while (st->conns != NULL)
		s5b_conn_free(st, st->conns, true);
	st->cur++;
	try_next_host(st);
}

void s5b_target_conn_done(struct s5b_stream *st, struct s5b_conn *c)
{
	if (c->s5.state == S5_DONE) {
		target_connected(st, c);
	} else {
		st->last_why = c->s5.error;
		next_host(st);
	}
}

static void on_host_timeout(void *ud)
{
	struct s5b_stream *st = ud;

	st->timer = NULL; /* the loop frees it */
	st->last_why = _("the streamhost did not answer in time");
	next_host(st);
}

static void on_deadline(void *ud)
{
	struct s5b_stream *st = ud;

	st->deadline = NULL;
	if (st->bs.role == BS_TARGET)
		target_all_failed(st, _("no streamhost could be reached in time"));
	else
		s5b_stream_fail(st, _("the SOCKS5 negotiation took too long"));
}

/* The first of h's addresses that a connect can start to. */
static int connect_host(const struct s5b_host *h, const char **why)
{
	int fd = -1;

	for (size_t i = 0; i < h->naddrs && fd < 0; i++)
		fd = s5b_connect_addr(&h->addrs[i], why);
	return fd;
}

static void try_next_host(struct s5b_stream *st)
{
	struct s5b *m = st->m;

	for (; st->cur < st->nhosts; st->cur++) {
		struct s5b_host *h = &st->hosts[st->cur];
		const char *why = NULL;
		struct s5b_conn *c;
		int fd;

		if (h->state == H_RESOLVING)
			return; /* host_resolved goes on */
		if (h->state == H_FAILED) {
			st->last_why = h->why;
			continue;
		}
		fd = connect_host(h, &why);
		if (fd < 0) {
			st->last_why = why;
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->st = st;
		socks5_client_init(&c->s5, fd, st->hash, true);
		c->next = st->conns;
		st->conns = c;
		s5b_watch_conn(c);
		st->timer = loop_timer_add(
		    m->app->loop, (uint64_t)s5b_timeout(m, m->set.connect_timeout_ms, 10000),
		    on_host_timeout, st);
		return;
	}
	target_all_failed(st, st->last_why != NULL ? st->last_why
	                                           : _("no streamhost could be reached"));
}

/* A streamhost's lookup ended; if the hosts before it are all done with,
 * it is the one to try now. */
static void host_resolved(void *ud, const struct resolver_result *res)
{
	struct s5b_stream *st = ud;
	size_t i;

	for (i = 0; i < st->nhosts && st->hosts[i].dns != res->id; i++)
		;
	if (i == st->nhosts)
		return;
	st->hosts[i].dns = 0;
	if (res->status == RESOLVER_OK) {
		st->hosts[i].state = H_READY;
		for (size_t k = 0; k < res->naddrs && k < S5B_HOST_ADDRS; k++)
			st->hosts[i].addrs[st->hosts[i].naddrs++] = res->addrs[k];
	} else {
		st->hosts[i].state = H_FAILED;
		st->hosts[i].why = res->status == RESOLVER_TIMEOUT
		                       ? _("the streamhost's name did not resolve in time")
		                       : _("cannot resolve the streamhost's address");
	}
	if (i == st->cur && st->conns == NULL && st->phase == PH_NEGOTIATING)
		try_next_host(st);
}

/* Looks up every streamhost at once (IP literals are answered without
 * DNS), each bounded by the per-host timeout. */
static void resolve_hosts(struct s5b_stream *st)
{
	struct s5b *m = st->m;
	int ms = s5b_timeout(m, m->set.connect_timeout_ms, 10000);

	for (size_t i = 0; i < st->nhosts; i++) {
		struct s5b_host *h = &st->hosts[i];

		if (m->app->resolver == NULL) {
			h->state = H_FAILED;
			h->why = _("cannot resolve the streamhost's address");
			continue;
		}
		h->state = H_RESOLVING;
		h->dns = resolver_addrs(m->app->resolver, h->host, h->port, ms, host_resolved, st);
	}
}

/* No lookup may call back into a stream that is gone. */
void s5b_hosts_cancel(struct s5b_stream *st)
{
	for (size_t i = 0; i < st->nhosts; i++) {
		resolver_cancel(st->m->app->resolver, st->hosts[i].dns);
		st->hosts[i].dns = 0;
	}
}

static int parse_hosts(struct s5b_stream *st, xmpp_stanza_t *q)
{
	struct streamhost h[S5B_MAX_HOSTS];
	size_t n = streamhost_parse(q, h, S5B_MAX_HOSTS);

	for (size_t i = 0; i < n; i++) {
		st->hosts[st->nhosts].jid = h[i].jid; /* taken over */
		st->hosts[st->nhosts].host = h[i].host;
		st->hosts[st->nhosts].port = h[i].port;
		st->nhosts++;
	}
	return (int)st->nhosts;
}

static bool stream_exists(struct s5b *m, const char *sid, const char *peer)
{
	for (struct s5b_stream *st = m->streams; st != NULL; st = st->next)
		if (st->phase != PH_DEAD && strcmp(st->bs.sid, sid) == 0 &&
		    strcmp(st->bs.peer, peer) == 0)
			return true;
	return false;
}

/* An incoming streamhost list (we are the target). */
bool s5b_target_query(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *payload, void *ud)
{
	struct s5b *m = ud;
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(iq, "query", NS_BYTESTREAMS);
	const char *from = xmpp_stanza_get_from(iq), *id = xmpp_stanza_get_id(iq);
	const char *sid, *mode, *self = session_jid(m->app->session);
	struct s5b_stream *st;

	(void)app;
	(void)payload;
	if (from == NULL || id == NULL || self == NULL)
		return true;
	if (q == NULL) { /* the namespace only deeper down: still answered */
		s5b_reply_error(m, from, id, "modify", "bad-request");
		return true;
	}
	sid = xmpp_stanza_get_attribute(q, "sid");
	mode = xmpp_stanza_get_attribute(q, "mode");
	if (sid == NULL || sid[0] == '\0' || strlen(sid) > 128) {
		s5b_reply_error(m, from, id, "modify", "bad-request");
		return true;
	}
	if (mode != NULL && strcmp(mode, "tcp") != 0) {
		s5b_reply_error(m, from, id, "cancel", "feature-not-implemented");
		return true;
	}
	if (stream_exists(m, sid, from)) {
		s5b_reply_error(m, from, id, "cancel", "not-acceptable");
		return true;
	}
	/* The owner takes the stream itself, before a byte moves: one owner,
	 * who can drop it at any time. */
	st = s5b_stream_new(m, BS_TARGET, sid, from, NULL, NULL);
	if (!m->attach(m->attach_ud, NS_BYTESTREAMS, &st->bs) || st->bs.cb == NULL) {
		st->phase = PH_DEAD;
		s5b_stream_free(st);
		s5b_reply_error(m, from, id, "cancel", "not-acceptable");
		return true;
	}
	st->iq_id = xstrdup(id);
	st->self = xstrdup(self);
	socks5_hash(st->hash, sid, from, self);
	if (parse_hosts(st, q) == 0) {
		s5b_reply_error(m, from, id, "modify", "bad-request");
		s5b_stream_fail(st, _("the peer offered no usable streamhost"));
		return true;
	}
	st->deadline = loop_timer_add(
	    m->app->loop, (uint64_t)s5b_timeout(m, m->set.deadline_ms, 30000), on_deadline, st);
	resolve_hosts(st);
	try_next_host(st);
	return true;
}
