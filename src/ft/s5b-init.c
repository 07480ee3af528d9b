/* SOCKS5 Bytestreams, the initiator (sender) side: a listening socket per
 * stream, the streamhost list, and what follows the peer's choice — our own
 * accepted connection, or the proxy connected and activated. No byte of the
 * file is written before that: cb->open comes last. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"
#include "ft/s5b-int.h"
#include "ft/streamhost.h"
#include "i18n.h"
#include "loop.h"
#include "util/str.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

/* Connections accepted per stream at most (some peers try several
 * streamhosts at once; more than this is someone else). */
#define S5B_MAX_ACCEPTED 8

/* The numeric address of a socket's own end into out ("" on failure). */
static void local_addr(int fd, char *out, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	out[0] = '\0';
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
	    getnameinfo((struct sockaddr *)&ss, sl, out, (socklen_t)len, NULL, 0, NI_NUMERICHOST) !=
	        0)
		out[0] = '\0';
}

static int bind_one(const struct addrinfo *ai, int port)
{
	struct sockaddr_storage ss;
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons((unsigned short)port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((unsigned short)port);
	if (bind(fd, (struct sockaddr *)&ss, ai->ai_addrlen) == 0 && listen(fd, 8) == 0)
		return fd;
	close(fd);
	return -1;
}

/* Opens the stream's listening socket on the configured address and port
 * range and fills listen_host (what we advertise) and listen_port. */
static int open_listener(struct s5b_stream *st)
{
	const struct s5b_settings *set = &st->m->set;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_NUMERICHOST | AI_PASSIVE};
	struct addrinfo *ai = NULL;
	char local[64];
	const char *addr;
	int fd = -1, lo = set->port_min, hi = set->port_max;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	local_addr(session_fd(st->m->app->session), local, sizeof(local));
	addr = set->listen_addr != NULL ? set->listen_addr : local;
	if (addr[0] == '\0' || getaddrinfo(addr, NULL, &hints, &ai) != 0 || ai == NULL)
		return -1;
	if (lo <= 0 || lo > 65535)
		lo = hi = 0;
	else if (hi < lo || hi > 65535)
		hi = lo;
	for (int p = lo; p <= hi && fd < 0; p++)
		fd = bind_one(ai, p);
	freeaddrinfo(ai);
	if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	st->listen_port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                                : ((struct sockaddr_in6 *)&ss)->sin6_port);
	/* Advertise the external address if set; a wildcard listener is
	 * reached at the address that routes to the server. */
	if (set->external_addr != NULL)
		addr = set->external_addr;
	else if (strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0)
		addr = local;
	snprintf(st->listen_host, sizeof(st->listen_host), "%s", addr);
	st->listen_fd = fd;
	return 0;
}

static void on_accept(int lfd, short revents, void *ud)
{
	struct s5b_stream *st = ud;
	struct s5b_conn *c;
	size_t n = 0;
	int fd;

	(void)revents;
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (c = st->conns; c != NULL; c = c->next)
		n++;
	if (n >= S5B_MAX_ACCEPTED || st->phase != PH_NEGOTIATING) {
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->st = st;
	socks5_server_init(&c->s5, fd, st->hash);
	c->next = st->conns;
	st->conns = c;
	s5b_watch_conn(c);
}

static void add_host(xmpp_stanza_t *q, const char *jid, const char *host, int port)
{
	struct streamhost h = {.jid = (char *)jid, .host = (char *)host, .port = port};

	streamhost_add(q, &h);
}

/* The id is set when it is sent (s5b_request). */
static xmpp_stanza_t *new_query(xmpp_ctx_t *ctx, const char *to, const char *sid)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL), *q = xmpp_stanza_new(ctx);

	xmpp_stanza_set_to(iq, to);
	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, NS_BYTESTREAMS);
	xmpp_stanza_set_attribute(q, "sid", sid);
	xmpp_stanza_add_child_ex(iq, q, 0);
	return iq;
}

static bool is_result(xmpp_stanza_t *iq)
{
	const char *type = xmpp_stanza_get_type(iq);

	return type != NULL && strcmp(type, "result") == 0;
}

static void on_activated(struct s5b *m, struct s5b_stream *st, xmpp_stanza_t *iq)
{
	struct s5b_conn *c;
	int fd;

	(void)m;
	if (st == NULL || st->phase != PH_ACTIVATING)
		return; /* cancelled, or timed out, meanwhile */
	c = st->conns;
	if (!is_result(iq) || c == NULL) {
		s5b_stream_fail(st, _("the proxy refused to activate the stream"));
		return;
	}
	fd = c->s5.fd;
	s5b_conn_free(st, c, false);
	s5b_stream_open(st, fd, true);
}

/* Our connection to the proxy finished its handshake: activate. */
static void activate(struct s5b_stream *st)
{
	xmpp_ctx_t *ctx = s5b_ctx(st->m);
	xmpp_stanza_t *iq, *act, *txt;

	st->phase = PH_ACTIVATING;
	iq = new_query(ctx, st->proxy_jid, st->bs.sid);
	act = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(act, "activate");
	txt = xmpp_stanza_new(ctx);
	xmpp_stanza_set_text(txt, st->bs.peer);
	xmpp_stanza_add_child_ex(act, txt, 0);
	xmpp_stanza_add_child_ex(xmpp_stanza_get_children(iq), act, 0);
	s5b_request(st->m, st, iq, on_activated);
}

void s5b_init_conn_done(struct s5b_stream *st, struct s5b_conn *c)
{
	if (c->to_proxy) {
		if (c->s5.state == S5_DONE) {
			loop_fd_del(st->m->app->loop, c->s5.fd);
			activate(st);
		} else {
			s5b_stream_fail(st, c->s5.error);
		}
		return;
	}
	/* Accepted: a failed one is dropped (others may follow); a finished
	 * one waits quietly for streamhost-used. */
	if (c->s5.state == S5_FAILED)
		s5b_conn_free(st, c, true);
	else
		loop_fd_del(st->m->app->loop, c->s5.fd);
}

/* The peer named us: use the accepted connection that finished with our
 * hash, drop every other one. */
static void use_direct(struct s5b_stream *st)
{
	struct s5b_conn *c, *chosen = NULL;
	int fd;

	for (c = st->conns; c != NULL; c = c->next)
		if (c->s5.state == S5_DONE)
			chosen = c;
	if (chosen == NULL) {
		s5b_stream_fail(st, _("the peer named our address, but no SOCKS5 connection "
		                      "from it was completed"));
		return;
	}
	fd = chosen->s5.fd;
	s5b_conn_free(st, chosen, false);
	while (st->conns != NULL)
		s5b_conn_free(st, st->conns, true);
	loop_fd_del(st->m->app->loop, st->listen_fd);
	close(st->listen_fd);
	st->listen_fd = -1;
	s5b_stream_open(st, fd, false);
}

static void use_proxy(struct s5b_stream *st)
{
	const char *why = NULL;
	struct s5b_conn *c;
	int fd;

	while (st->conns != NULL)
		s5b_conn_free(st, st->conns, true);
	if (st->listen_fd >= 0) {
		loop_fd_del(st->m->app->loop, st->listen_fd);
		close(st->listen_fd);
		st->listen_fd = -1;
	}
	fd = s5b_connect(st->proxy_host, st->proxy_port, &why);
	if (fd < 0) {
		s5b_stream_fail(st, why);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->st = st;
	c->to_proxy = true;
	socks5_client_init(&c->s5, fd, st->hash, true);
	st->conns = c;
	s5b_watch_conn(c);
}

static void on_used(struct s5b *m, struct s5b_stream *st, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *q, *used;
	const char *jid;

	(void)m;
	if (st == NULL || st->phase != PH_NEGOTIATING)
		return; /* cancelled, or timed out, meanwhile */
	if (!is_result(iq)) {
		char *why = xasprintf(_("the peer could not use any streamhost (%s)"),
		                      stanza_error_condition(iq));

		s5b_stream_fail(st, why);
		free(why);
		return;
	}
	q = xmpp_stanza_get_child_by_name_and_ns(iq, "query", NS_BYTESTREAMS);
	used = q != NULL ? xmpp_stanza_get_child_by_name(q, "streamhost-used") : NULL;
	jid = used != NULL ? xmpp_stanza_get_attribute(used, "jid") : NULL;
	if (jid != NULL && st->listen_fd >= 0 && strcmp(jid, st->self) == 0)
		use_direct(st);
	else if (jid != NULL && st->proxy_jid != NULL && strcmp(jid, st->proxy_jid) == 0)
		use_proxy(st);
	else
		s5b_stream_fail(st, _("the peer named a streamhost that was not offered"));
}

static void on_init_deadline(void *ud)
{
	struct s5b_stream *st = ud;

	st->deadline = NULL;
	s5b_stream_fail(st, _("the SOCKS5 negotiation took too long"));
}

struct bytestream *s5b_init_start(struct s5b *m, const char *sid, const char *peer,
                                  const struct bytestream_cb *cb, void *owner)
{
	const char *self = session_jid(m->app->session);
	struct s5b_stream *st;
	xmpp_stanza_t *iq, *q;
	int deadline;

	if (self == NULL)
		return NULL;
	st = s5b_stream_new(m, BS_INITIATOR, sid, peer, cb, owner);
	st->self = xstrdup(self);
	socks5_hash(st->hash, sid, self, peer);
	if (m->set.offer_direct && open_listener(st) == 0)
		loop_fd_set(m->app->loop, st->listen_fd, POLLIN, on_accept, st);
	if (m->set.use_proxy && m->proxy_host != NULL) {
		st->proxy_jid = xstrdup(m->proxy_jid);
		st->proxy_host = xstrdup(m->proxy_host);
		st->proxy_port = m->proxy_port;
	}
	if (st->listen_fd < 0 && st->proxy_jid == NULL) {
		st->bs.cb = NULL;
		s5b_stream_fail(st, NULL); /* nothing to offer: no callback */
		return NULL;
	}
	iq = new_query(s5b_ctx(m), peer, sid);
	q = xmpp_stanza_get_children(iq);
	xmpp_stanza_set_attribute(q, "mode", "tcp");
	if (st->listen_fd >= 0)
		add_host(q, self, st->listen_host, st->listen_port);
	if (st->proxy_jid != NULL)
		add_host(q, st->proxy_jid, st->proxy_host, st->proxy_port);
	deadline = s5b_timeout(m, m->set.deadline_ms, 30000);
	st->deadline = loop_timer_add(m->app->loop, (uint64_t)deadline * 2, on_init_deadline, st);
	s5b_request(m, st, iq, on_used);
	return &st->bs;
}
