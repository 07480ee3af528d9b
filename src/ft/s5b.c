/* SOCKS5 Bytestreams (XEP-0065): the module, the streams and their data
 * phase. The target's negotiation (the streamhost list) is in s5b-target.c,
 * the initiator's in s5b-init.c, proxy discovery in s5b-proxy.c. */
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
#include "i18n.h"
#include "loop.h"
#include "util/str.h"
#include "xmpp/iq.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"

/* The target reads into one buffer of this size, allocated when the stream
 * opens and freed when it ends: bounded memory whatever the file size, and
 * few enough system calls (and hash and write calls behind them) that they
 * do not show at loopback rates. */
#define S5B_READ_BUF (512 * 1024)
/* Bytes read per wake-up at most before going back to poll, so that one
 * fast stream cannot starve the terminal and the XMPP socket. */
#define S5B_READ_BUDGET (4 * S5B_READ_BUF)

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

	s5b_hosts_cancel(st);
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

void s5b_stream_free(struct s5b_stream *st)
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
		s5b_stream_free(st);
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

/* The owner dropped the stream. A target still trying streamhosts answers
 * the initiator's query, which would otherwise wait for its deadline. */
static void op_abort(struct bytestream *bs)
{
	struct s5b_stream *st = (struct s5b_stream *)bs;

	if (st->bs.role == BS_TARGET && st->phase == PH_NEGOTIATING && st->iq_id != NULL &&
	    s5b_xconn(st->m) != NULL)
		s5b_reply_error(st->m, st->bs.peer, st->iq_id, "cancel", "item-not-found");
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

static void on_conn_fd(int fd, short revents, void *ud)
{
	struct s5b_conn *c = ud;
	struct s5b_stream *st = c->st;
	enum socks5_state state;

	(void)fd;
	(void)revents;
	state = socks5_step(&c->s5);
	if (state == S5_DONE || state == S5_FAILED) {
		if (st->bs.role == BS_INITIATOR)
			s5b_init_conn_done(st, c);
		else
			s5b_target_conn_done(st, c);
		return;
	}
	s5b_watch_conn(c);
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
	str_set(&set->proxy_jid, set->use_proxy ? proxy : NULL);
	str_set(&set->listen_addr, cfg_str(cfg, "s5b.listen"));
	str_set(&set->external_addr, cfg_str(cfg, "s5b.external"));
	if (!cfg_parse_ports(cfg_str(cfg, "s5b.ports"), &set->port_min, &set->port_max))
		set->port_min = set->port_max = 0;
}

void s5b_init(struct app *app, bytestream_attach_fn attach, void *ud)
{
	struct s5b *m = xcalloc(1, sizeof(*m));

	m->app = app;
	m->attach = attach;
	m->attach_ud = ud;
	m->set.connect_timeout_ms = 10000;
	m->set.deadline_ms = 30000;
	read_settings(m, app->config, NULL);
	cfg_watch(app->config, read_settings, m);
	app->s5b = m;
	session_add_hooks(app->session, &s5b_hooks, m);
	/* Sets only: a get is not ours, and is answered service-unavailable. */
	iq_route(app, NS_BYTESTREAMS, "set", s5b_target_query, m);
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
		s5b_stream_free(m->streams);
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

struct bytestream *s5b_initiate(struct app *app, const char *sid, const char *peer_full_jid,
                                const struct bytestream_cb *cb, void *owner)
{
	return s5b_init_start(app->s5b, sid, peer_full_jid, cb, owner);
}
