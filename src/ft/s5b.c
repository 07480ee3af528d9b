/* SOCKS5 Bytestreams (XEP-0065): the module, the streams and their data
 * phase, and the target side (answering a streamhost list). The initiator
 * side is in s5b-init.c, proxy discovery in s5b-proxy.c. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"
#include "cfg.h"
#include "ft/s5b-int.h"
#include "ft/streamhost.h"
#include "i18n.h"
#include "loop.h"
#include "util/str.h"
#include "xmpp/iq.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"
#include "xmpp/stanza.h"

/* The target reads into one buffer of this size, allocated when the stream
 * opens and freed when it ends: bounded memory whatever the file size, and
 * few enough system calls (and hash and write calls behind them) that they
 * do not show at loopback rates. */
#define S5B_READ_BUF (512 * 1024)
/* Bytes read per wake-up at most before going back to poll, so that one
 * fast stream cannot starve the terminal and the XMPP socket. */
#define S5B_READ_BUDGET (4 * S5B_READ_BUF)

static void try_next_host(struct s5b_stream *st);
static void on_host_timeout(void *ud);
static void hosts_cancel_lookups(struct s5b_stream *st);

xmpp_ctx_t *s5b_ctx(struct s5b *m)
{
	return session_ctx(m->app->session);
}

xmpp_conn_t *s5b_xconn(struct s5b *m)
{
	return session_conn(m->app->session);
}

void s5b_send(struct s5b *m, xmpp_stanza_t *st)
{
	session_send(m->app->session, st);
}

/* An iq of ours waiting for its answer: the stream by serial (0: none). */
struct s5b_wait {
	unsigned serial;
	s5b_answer_fn fn;
};

static struct s5b_stream *find_serial(struct s5b *m, unsigned serial)
{
	for (struct s5b_stream *st = m->streams; st != NULL; st = st->next)
		if (st->serial == serial && st->phase != PH_DEAD)
			return st;
	return NULL;
}

static void on_answer(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	struct s5b_wait w = *(struct s5b_wait *)ud;

	free(ud);
	if (reply == NULL || app->s5b == NULL)
		return; /* the session (or jabiru) ended first */
	w.fn(app->s5b, w.serial != 0 ? find_serial(app->s5b, w.serial) : NULL, reply);
}

void s5b_request(struct s5b *m, struct s5b_stream *st, xmpp_stanza_t *iq, s5b_answer_fn fn)
{
	struct s5b_wait *w = xmalloc(sizeof(*w));

	w->serial = st != NULL ? st->serial : 0;
	w->fn = fn;
	iq_request(m->app, iq, on_answer, w);
	xmpp_stanza_release(iq);
}

int s5b_timeout(struct s5b *m, int ms, int dflt)
{
	(void)m;
	return ms > 0 ? ms : dflt;
}

/* ---- streams ------------------------------------------------------------ */

static ssize_t op_write(struct bytestream *bs, const void *buf, size_t len);
static void op_finish(struct bytestream *bs);
static void op_abort(struct bytestream *bs);
static ssize_t op_sendfile(struct bytestream *bs, int fd, off_t *off, size_t len);

static const struct bytestream_ops ops_direct = {"socks5-direct", op_write, op_finish, op_abort,
                                                 op_sendfile};
static const struct bytestream_ops ops_proxy = {"socks5-proxy", op_write, op_finish, op_abort,
                                                op_sendfile};

struct s5b_stream *s5b_stream_new(struct s5b *m, enum bs_role role, const char *sid,
                                  const char *peer, const struct bytestream_cb *cb, void *owner)
{
	struct s5b_stream *st = xcalloc(1, sizeof(*st));

	st->bs.ops = &ops_direct;
	st->bs.cb = cb;
	st->bs.owner = owner;
	st->bs.role = role;
	st->bs.sid = xstrdup(sid);
	st->bs.peer = xstrdup(peer);
	st->m = m;
	if (++m->next_serial == 0) /* 0 names no stream */
		++m->next_serial;
	st->serial = m->next_serial;
	st->fd = -1;
	st->listen_fd = -1;
	st->next = m->streams;
	m->streams = st;
	return st;
}

void s5b_conn_free(struct s5b_stream *st, struct s5b_conn *c, bool close_fd)
{
	struct s5b_conn **pp;

	for (pp = &st->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (c->s5.fd >= 0) {
		loop_fd_del(st->m->app->loop, c->s5.fd);
		if (close_fd)
			close(c->s5.fd);
	}
	free(c);
}

/* Closes every socket and timer of the stream (not the stream itself). */
static void stream_release(struct s5b_stream *st)
{
	struct loop *l = st->m->app->loop;

	hosts_cancel_lookups(st);
	while (st->conns != NULL)
		s5b_conn_free(st, st->conns, true);
	if (st->listen_fd >= 0) {
		loop_fd_del(l, st->listen_fd);
		close(st->listen_fd);
		st->listen_fd = -1;
	}
	if (st->fd >= 0) {
		loop_fd_del(l, st->fd);
		close(st->fd);
		st->fd = -1;
	}
	free(st->rbuf);
	st->rbuf = NULL;
	if (st->timer != NULL)
		loop_timer_del(l, st->timer);
	if (st->deadline != NULL)
		loop_timer_del(l, st->deadline);
	st->timer = st->deadline = NULL;
}

static void stream_free(struct s5b_stream *st)
{
	struct s5b_stream **pp;

	for (pp = &st->m->streams; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == st) {
			*pp = st->next;
			break;
		}
	}
	stream_release(st);
	for (size_t i = 0; i < st->nhosts; i++) {
		free(st->hosts[i].jid);
		free(st->hosts[i].host);
	}
	free(st->iq_id);
	free(st->self);
	free(st->proxy_jid);
	free(st->proxy_host);
	free(st->bs.sid);
	free(st->bs.peer);
	free(st);
}

/* Frees a dead stream unless one of its callbacks is still on the stack. */
static void stream_reap(struct s5b_stream *st)
{
	if (st->phase == PH_DEAD && st->busy == 0)
		stream_free(st);
}

void s5b_stream_fail(struct s5b_stream *st, const char *error)
{
	if (st->phase == PH_DEAD)
		return;
	st->phase = PH_DEAD;
	stream_release(st);
	st->busy++;
	if (st->bs.cb != NULL)
		st->bs.cb->closed(st->bs.owner, &st->bs, error);
	st->busy--;
	stream_reap(st);
}

static void reply_error(struct s5b *m, const char *to, const char *id, const char *type,
                        const char *condition);

/* The owner dropped the stream. A target still trying streamhosts answers
 * the initiator's query, which would otherwise wait for its deadline. */
static void op_abort(struct bytestream *bs)
{
	struct s5b_stream *st = (struct s5b_stream *)bs;

	if (st->bs.role == BS_TARGET && st->phase == PH_NEGOTIATING && st->iq_id != NULL &&
	    s5b_xconn(st->m) != NULL)
		reply_error(st->m, st->bs.peer, st->iq_id, "cancel", "item-not-found");
	st->phase = PH_DEAD;
	stream_release(st);
	stream_reap(st);
}

/* ---- the data phase ----------------------------------------------------- */

static void on_finish_timeout(void *ud)
{
	struct s5b_stream *st = ud;

	st->timer = NULL;
	s5b_stream_fail(st, _("the peer did not close the SOCKS5 stream"));
}

/* The initiator may write again: tell the owner. False when the stream
 * died in the callback (and was reaped). */
static bool notify_writable(struct s5b_stream *st, int fd)
{
	st->want_writable = false;
	loop_fd_events(st->m->app->loop, fd, POLLIN);
	st->busy++;
	if (st->bs.cb->writable != NULL)
		st->bs.cb->writable(st->bs.owner, &st->bs);
	st->busy--;
	if (st->phase == PH_DEAD) {
		stream_reap(st);
		return false;
	}
	return true;
}

/* One read on an open stream: n > 0 bytes were handed to the owner and the
 * stream lives on; 0 when it ended or must wait for poll. */
static ssize_t read_once(struct s5b_stream *st, int fd)
{
	ssize_t n;
	bool ok;

	if (st->bs.role == BS_INITIATOR) {
		unsigned char c;

		n = read(fd, &c, 1);
	} else {
		n = read(fd, st->rbuf, S5B_READ_BUF);
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0) {
		s5b_stream_fail(st, _("the SOCKS5 connection broke"));
	} else if (n == 0) {
		if (st->bs.role == BS_TARGET || st->phase == PH_FINISHING)
			s5b_stream_fail(st, NULL);
		else
			s5b_stream_fail(st, _("the peer closed the SOCKS5 stream"));
	} else if (st->bs.role == BS_INITIATOR) {
		s5b_stream_fail(st, _("the peer sent data on a stream it receives"));
	} else {
		st->busy++;
		ok = st->bs.cb->data(st->bs.owner, &st->bs, st->rbuf, (size_t)n);
		st->busy--;
		if (st->phase == PH_DEAD)
			stream_reap(st);
		else if (!ok)
			s5b_stream_fail(st, _("the received data was refused"));
		else
			return n;
	}
	return 0;
}

/* Target: bytes arrive; initiator: the peer closing (or sending, which the
 * protocol does not allow). The target reads until the socket is drained
 * (a short read) or the budget is spent, then goes back to poll. */
static void on_data_fd(int fd, short revents, void *ud)
{
	struct s5b_stream *st = ud;
	size_t budget = S5B_READ_BUDGET;
	ssize_t n;

	if ((revents & POLLOUT) && st->want_writable && st->phase == PH_OPEN &&
	    !notify_writable(st, fd))
		return;
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	do {
		n = read_once(st, fd);
		budget = (size_t)n < budget ? budget - (size_t)n : 0;
	} while (n == S5B_READ_BUF && budget > 0);
}

void s5b_stream_open(struct s5b_stream *st, int fd, bool via_proxy)
{
	st->fd = fd;
	st->via_proxy = via_proxy;
	st->bs.ops = via_proxy ? &ops_proxy : &ops_direct;
	st->phase = PH_OPEN;
	if (st->deadline != NULL) {
		loop_timer_del(st->m->app->loop, st->deadline);
		st->deadline = NULL;
	}
	if (st->bs.role == BS_TARGET)
		st->rbuf = xmalloc(S5B_READ_BUF);
	loop_fd_set(st->m->app->loop, fd, POLLIN, on_data_fd, st);
	st->busy++;
	st->bs.cb->open(st->bs.owner, &st->bs);
	st->busy--;
	stream_reap(st);
}

/* The socket is full after a short or refused write: ask poll to tell when
 * it drains, and let the owner wait for writable(). */
static ssize_t wait_writable(struct s5b_stream *st, ssize_t n)
{
	st->want_writable = true;
	loop_fd_events(st->m->app->loop, st->fd, POLLIN | POLLOUT);
	return n < 0 ? 0 : n;
}

static ssize_t op_write(struct bytestream *bs, const void *buf, size_t len)
{
	struct s5b_stream *st = (struct s5b_stream *)bs;
	ssize_t n;

	if (st->phase != PH_OPEN || st->bs.role != BS_INITIATOR)
		return -1;
	do
		n = send(st->fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && (size_t)n == len)
		return n;
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		return -1;
	return wait_writable(st, n);
}

/* The file goes from the page cache to the socket without a copy through
 * jabiru: plain TCP carries it unchanged. */
static ssize_t op_sendfile(struct bytestream *bs, int fd, off_t *off, size_t len)
{
	struct s5b_stream *st = (struct s5b_stream *)bs;
	ssize_t n;

	if (st->phase != PH_OPEN || st->bs.role != BS_INITIATOR) {
		errno = EPIPE;
		return -1;
	}
	/* sendfile has no MSG_NOSIGNAL; main ignores SIGPIPE, so a peer that
	 * went away is EPIPE here, like send's. */
	do
		n = sendfile(st->fd, fd, off, len);
	while (n < 0 && errno == EINTR);
	if (n == 0 && len > 0) {
		errno = ENODATA; /* the file is shorter than it was */
		return -1;
	}
	if (n >= 0 && (size_t)n == len)
		return n;
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		return -1;
	return wait_writable(st, n);
}

/* Nothing is buffered here (writes go straight to the socket), so finishing
 * is a FIN; the stream is closed when the peer closes its side, which tells
 * that it read everything. */
static void op_finish(struct bytestream *bs)
{
	struct s5b_stream *st = (struct s5b_stream *)bs;

	if (st->phase != PH_OPEN)
		return;
	if (st->bs.role == BS_TARGET) {
		s5b_stream_fail(st, NULL);
		return;
	}
	st->phase = PH_FINISHING;
	st->want_writable = false;
	shutdown(st->fd, SHUT_WR);
	loop_fd_events(st->m->app->loop, st->fd, POLLIN);
	st->timer = loop_timer_add(st->m->app->loop,
	                           (uint64_t)s5b_timeout(st->m, st->m->set.deadline_ms, 30000),
	                           on_finish_timeout, st);
}

/* ---- connecting --------------------------------------------------------- */

int s5b_connect_addr(const struct resolver_addr *a, const char **why)
{
	int fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 ||
	    (connect(fd, (const struct sockaddr *)&a->sa, a->len) != 0 && errno != EINPROGRESS)) {
		if (fd >= 0)
			close(fd);
		*why = _("cannot connect to the streamhost");
		return -1;
	}
	return fd;
}

int s5b_connect(const char *host, int port, const char **why)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST};
	struct addrinfo *res = NULL;
	struct resolver_addr a;
	char service[16];

	/* Numeric only: this never asks DNS, so it never blocks. */
	snprintf(service, sizeof(service), "%d", port);
	if (getaddrinfo(host, service, &hints, &res) != 0 || res == NULL ||
	    res->ai_addrlen > sizeof(a.sa)) {
		if (res != NULL)
			freeaddrinfo(res);
		*why = _("cannot resolve the streamhost's address");
		return -1;
	}
	memcpy(&a.sa, res->ai_addr, res->ai_addrlen);
	a.len = res->ai_addrlen;
	freeaddrinfo(res);
	return s5b_connect_addr(&a, why);
}

static void on_conn_fd(int fd, short revents, void *ud);

void s5b_watch_conn(struct s5b_conn *c)
{
	short ev = socks5_events(&c->s5);

	if (ev != 0)
		loop_fd_set(c->st->m->app->loop, c->s5.fd, ev, on_conn_fd, c);
	else
		loop_fd_del(c->st->m->app->loop, c->s5.fd);
}

/* ---- target: trying the streamhosts ------------------------------------- */

static void reply_error(struct s5b *m, const char *to, const char *id, const char *type,
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
		reply_error(st->m, st->bs.peer, st->iq_id, "cancel", "item-not-found");
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
static void hosts_cancel_lookups(struct s5b_stream *st)
{
	for (size_t i = 0; i < st->nhosts; i++) {
		resolver_cancel(st->m->app->resolver, st->hosts[i].dns);
		st->hosts[i].dns = 0;
	}
}

static void on_conn_fd(int fd, short revents, void *ud)
{
	struct s5b_conn *c = ud;
	struct s5b_stream *st = c->st;
	enum socks5_state state;

	(void)fd;
	(void)revents;
	state = socks5_step(&c->s5);
	if (state == S5_DONE || state == S5_FAILED) {
		if (st->bs.role == BS_INITIATOR) {
			s5b_init_conn_done(st, c);
		} else if (state == S5_DONE) {
			target_connected(st, c);
		} else {
			st->last_why = c->s5.error;
			next_host(st);
		}
		return;
	}
	s5b_watch_conn(c);
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
static bool on_query(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *payload, void *ud)
{
	struct s5b *m = ud;
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(iq, "query", NS_BYTESTREAMS);
	const char *from = xmpp_stanza_get_from(iq), *id = xmpp_stanza_get_id(iq);
	const char *sid, *mode, *self = session_jid(m->app->session);
	struct s5b_stream *st;

	(void)app;
	(void)payload;
	if (from == NULL || id == NULL || self == NULL)
		return 1;
	if (q == NULL) { /* the namespace only deeper down: still answered */
		reply_error(m, from, id, "modify", "bad-request");
		return 1;
	}
	sid = xmpp_stanza_get_attribute(q, "sid");
	mode = xmpp_stanza_get_attribute(q, "mode");
	if (sid == NULL || sid[0] == '\0' || strlen(sid) > 128) {
		reply_error(m, from, id, "modify", "bad-request");
		return 1;
	}
	if (mode != NULL && strcmp(mode, "tcp") != 0) {
		reply_error(m, from, id, "cancel", "feature-not-implemented");
		return 1;
	}
	if (m->lookup == NULL || stream_exists(m, sid, from)) {
		reply_error(m, from, id, "cancel", "not-acceptable");
		return 1;
	}
	/* The owner takes the stream itself, before a byte moves: one owner,
	 * who can drop it at any time. */
	st = s5b_stream_new(m, BS_TARGET, sid, from, NULL, NULL);
	if (!m->lookup(m->lookup_ud, &st->bs) || st->bs.cb == NULL) {
		st->phase = PH_DEAD;
		stream_free(st);
		reply_error(m, from, id, "cancel", "not-acceptable");
		return 1;
	}
	st->iq_id = xstrdup(id);
	st->self = xstrdup(self);
	socks5_hash(st->hash, sid, from, self);
	if (parse_hosts(st, q) == 0) {
		reply_error(m, from, id, "modify", "bad-request");
		s5b_stream_fail(st, _("the peer offered no usable streamhost"));
		return 1;
	}
	st->deadline = loop_timer_add(
	    m->app->loop, (uint64_t)s5b_timeout(m, m->set.deadline_ms, 30000), on_deadline, st);
	resolve_hosts(st);
	try_next_host(st);
	return 1;
}

/* ---- the module --------------------------------------------------------- */

static void online(struct session *s, void *ud)
{
	struct s5b *m = ud;

	(void)s;
	s5b_proxy_discover(m);
}

/* Streams still negotiating depend on the XMPP session and fail; open ones
 * are plain TCP and go on. */
static void offline(struct session *s, void *ud)
{
	struct s5b *m = ud;
	struct s5b_stream *st, *next;

	(void)s;
	for (st = m->streams; st != NULL; st = next) {
		next = st->next;
		if (st->phase == PH_NEGOTIATING || st->phase == PH_ACTIVATING) {
			free(st->iq_id); /* a query nobody can answer now */
			st->iq_id = NULL;
			s5b_stream_fail(st, _("disconnected from the server"));
		}
	}
	s5b_proxy_forget(m);
}

static const struct session_hooks s5b_hooks = {.online = online, .offline = offline};

/* At init and after /set: the next stream uses the new values; the proxy
 * is looked up at login. The values were checked by cfg. */
static void read_settings(void *ud, const struct config *cfg, const char *name)
{
	struct s5b_settings *set = &((struct s5b *)ud)->set;
	const char *proxy = cfg_str(cfg, "s5b.proxy");

	(void)name;
	set->offer_direct = cfg_bool(cfg, "s5b.direct");
	set->use_proxy = strcmp(proxy, "none") != 0;
	s5b_set_str(&set->proxy_jid, set->use_proxy ? proxy : NULL);
	s5b_set_str(&set->listen_addr, cfg_str(cfg, "s5b.listen"));
	s5b_set_str(&set->external_addr, cfg_str(cfg, "s5b.external"));
	if (!cfg_parse_ports(cfg_str(cfg, "s5b.ports"), &set->port_min, &set->port_max))
		set->port_min = set->port_max = 0;
}

void s5b_init(struct app *app)
{
	struct s5b *m = xcalloc(1, sizeof(*m));

	m->app = app;
	m->set.connect_timeout_ms = 10000;
	m->set.deadline_ms = 30000;
	read_settings(m, app->config, NULL);
	cfg_watch(app->config, read_settings, m);
	app->s5b = m;
	session_add_hooks(app->session, &s5b_hooks, m);
	/* Sets only: a get is not ours, and is answered service-unavailable. */
	iq_route(app, NS_BYTESTREAMS, "set", on_query, m);
	iq_add_feature(app, NS_BYTESTREAMS);
}

void s5b_fini(struct app *app)
{
	struct s5b *m = app->s5b;

	if (m == NULL)
		return;
	cfg_unwatch(app->config, read_settings, m);
	while (m->streams != NULL) {
		m->streams->busy = 0;
		m->streams->phase = PH_DEAD;
		stream_free(m->streams);
	}
	s5b_proxy_forget(m);
	free(m->set.listen_addr);
	free(m->set.external_addr);
	free(m->set.proxy_jid);
	free(m);
	app->s5b = NULL;
}

struct s5b_settings *s5b_settings(struct app *app)
{
	return &app->s5b->set;
}

void s5b_set_str(char **field, const char *value)
{
	free(*field);
	*field = value != NULL && value[0] != '\0' ? xstrdup(value) : NULL;
}

void s5b_set_lookup(struct app *app, s5b_lookup_fn lookup, void *ud)
{
	app->s5b->lookup = lookup;
	app->s5b->lookup_ud = ud;
}

const char *s5b_proxy_jid(struct app *app)
{
	return app->s5b->proxy_jid;
}

struct bytestream *s5b_initiate(struct app *app, const char *sid, const char *peer_full_jid,
                                const struct bytestream_cb *cb, void *owner)
{
	return s5b_init_start(app->s5b, sid, peer_full_jid, cb, owner);
}
