/* Non-blocking name lookups on c-ares, one channel per lookup: a channel
 * can only be cancelled as a whole (ares_cancel, ares_destroy), so giving
 * each lookup its own makes cancelling one exact and immediate. The cost,
 * reading resolv.conf per lookup, is small beside a network round trip,
 * and it makes a new dns.servers value apply to the next lookup. */
#include "config.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "loop.h"
#include "net/resolver.h"
#include "util/str.h"

/* Addresses kept from one answer; more are never worth trying. */
#define RESOLVER_MAX_ADDRS 16
#define RESOLVER_MAX_SRV   32
/* Sockets one channel may open (a UDP one per server, TCP on truncation). */
#define RESOLVER_MAX_FDS 16

struct query {
	struct resolver *r;
	resolver_id id;
	ares_channel ch; /* NULL when answered without DNS */
	bool done;       /* the result is in, delivery is due */
	bool closing;    /* being torn down: c-ares's last callbacks are ignored */
	resolver_cb cb;
	void *ud;
	struct loop_timer *deadline, *ares_timer, *deliver;
	int fds[RESOLVER_MAX_FDS];
	size_t nfds;
	enum resolver_status status;
	const char *error;
	struct resolver_addr *addrs;
	size_t naddrs;
	struct resolver_srv *srv;
	size_t nsrv;
	struct query *next;
};

struct resolver {
	struct loop *loop;
	char *servers; /* NULL: the system's */
	resolver_id last_id;
	unsigned seed; /* SRV weights */
	struct query *queries;
};

static int library_users;

struct resolver *resolver_new(struct loop *l)
{
	struct resolver *r;

	if (library_users == 0 && ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
		return NULL;
	library_users++;
	r = xcalloc(1, sizeof(*r));
	r->loop = l;
	r->seed = (unsigned)loop_now_ms() ^ (unsigned)getpid();
	return r;
}

/* ---- a query's life --------------------------------------------------- */

static void fd_track(struct query *q, int fd, bool on)
{
	for (size_t i = 0; i < q->nfds; i++) {
		if (q->fds[i] == fd) {
			if (!on)
				q->fds[i] = q->fds[--q->nfds];
			return;
		}
	}
	if (on && q->nfds < RESOLVER_MAX_FDS)
		q->fds[q->nfds++] = fd;
}

static void timer_stop(struct query *q, struct loop_timer **t)
{
	if (*t != NULL)
		loop_timer_del(q->r->loop, *t);
	*t = NULL;
}

/* Closes the channel (its sockets go, and the loop stops watching them)
 * and every timer. c-ares calls back the lookup with ARES_EDESTRUCTION
 * meanwhile: closing makes that a no-op. */
static void query_close(struct query *q)
{
	q->closing = true;
	timer_stop(q, &q->deadline);
	timer_stop(q, &q->ares_timer);
	timer_stop(q, &q->deliver);
	if (q->ch != NULL)
		ares_destroy(q->ch);
	q->ch = NULL;
	while (q->nfds > 0)
		loop_fd_del(q->r->loop, q->fds[--q->nfds]);
}

static void query_unlink(struct query *q)
{
	for (struct query **pp = &q->r->queries; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			return;
		}
	}
}

static void query_free(struct query *q)
{
	for (size_t i = 0; i < q->nsrv; i++)
		free(q->srv[i].target);
	free(q->srv);
	free(q->addrs);
	free(q);
}

/* Hands the result over: the query is gone from the list and closed before
 * the callback runs, so the owner may start or cancel lookups in it. */
static void deliver(struct query *q)
{
	struct resolver_result res = {
	    .id = q->id,
	    .status = q->status,
	    .error = q->status == RESOLVER_OK ? NULL : q->error,
	    .addrs = q->addrs,
	    .naddrs = q->naddrs,
	    .srv = q->srv,
	    .nsrv = q->nsrv,
	};

	query_unlink(q);
	query_close(q);
	q->cb(q->ud, &res);
	query_free(q);
}

static void on_deliver(void *ud)
{
	struct query *q = ud;

	q->deliver = NULL;
	deliver(q);
}

/* The result is in (possibly from inside an ares_* call that started the
 * lookup): delivered from the loop, a moment later. */
static void complete(struct query *q, enum resolver_status status, const char *error)
{
	if (q->closing || q->done)
		return;
	q->done = true;
	q->status = status;
	q->error = error;
	timer_stop(q, &q->deadline);
	timer_stop(q, &q->ares_timer);
	q->deliver = loop_timer_add(q->r->loop, 0, on_deliver, q);
}

static void on_deadline(void *ud)
{
	struct query *q = ud;

	q->deadline = NULL;
	q->done = true;
	q->status = RESOLVER_TIMEOUT;
	q->error = _("the name server did not answer in time");
	deliver(q);
}

static void on_ares_timer(void *ud);

/* c-ares's next deadline of its own (a retry, the next server) as a loop
 * timer: no polling at a fixed interval. */
static void ares_rearm(struct query *q)
{
	struct timeval tv, *tvp;

	timer_stop(q, &q->ares_timer);
	if (q->done || q->closing || q->ch == NULL)
		return;
	tvp = ares_timeout(q->ch, NULL, &tv);
	if (tvp != NULL)
		q->ares_timer = loop_timer_add(q->r->loop,
		                               (uint64_t)tvp->tv_sec * 1000 +
		                                   ((uint64_t)tvp->tv_usec + 999) / 1000,
		                               on_ares_timer, q);
}

static void on_ares_timer(void *ud)
{
	struct query *q = ud;

	q->ares_timer = NULL;
	ares_process_fd(q->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	ares_rearm(q);
}

static void on_fd(int fd, short revents, void *ud)
{
	struct query *q = ud;

	ares_process_fd(q->ch, revents & (POLLIN | POLLERR | POLLHUP) ? fd : ARES_SOCKET_BAD,
	                revents & POLLOUT ? fd : ARES_SOCKET_BAD);
	ares_rearm(q);
}

/* c-ares says which of its sockets to watch, and for what. */
static void on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct query *q = data;
	short ev = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));

	if (ev != 0)
		loop_fd_set(q->r->loop, fd, ev, on_fd, q);
	else
		loop_fd_del(q->r->loop, fd);
	fd_track(q, fd, ev != 0);
}

/* Its sockets must not leak into children (password_cmd, the browser). */
static int on_socket_made(ares_socket_t fd, int type, void *ud)
{
	(void)type;
	(void)ud;
	return fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 ? 0 : -1;
}

static struct query *query_new(struct resolver *r, int timeout_ms, resolver_cb cb, void *ud)
{
	struct query *q = xcalloc(1, sizeof(*q));

	q->r = r;
	q->id = ++r->last_id;
	q->cb = cb;
	q->ud = ud;
	q->deadline =
	    loop_timer_add(r->loop, (uint64_t)(timeout_ms > 0 ? timeout_ms : 1), on_deadline, q);
	q->next = r->queries;
	r->queries = q;
	return q;
}

/* Each try waits a quarter of the lookup's time (c-ares retries and moves
 * to the next server after it), within bounds that suit a LAN and a slow
 * link alike; the lookup's own deadline ends it in any case. */
static bool channel_open(struct query *q, int timeout_ms)
{
	struct ares_options o;
	int try_ms = timeout_ms / 4;

	memset(&o, 0, sizeof(o));
	o.sock_state_cb = on_sock_state;
	o.sock_state_cb_data = q;
	o.timeout = try_ms < 200 ? 200 : try_ms > 3000 ? 3000 : try_ms;
	o.tries = 4;
	if (ares_init_options(&q->ch, &o,
	                      ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) !=
	    ARES_SUCCESS) {
		q->ch = NULL;
		return false;
	}
	ares_set_socket_configure_callback(q->ch, on_socket_made, NULL);
	if (q->r->servers != NULL &&
	    ares_set_servers_ports_csv(q->ch, q->r->servers) != ARES_SUCCESS)
		return false;
	return true;
}

static void fail_status(struct query *q, int status)
{
	switch (status) {
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
	case ARES_ENONAME:
		complete(q, RESOLVER_NOT_FOUND, _("no such name"));
		break;
	case ARES_EBADNAME:
		complete(q, RESOLVER_NOT_FOUND, _("not a valid host name"));
		break;
	case ARES_ETIMEOUT:
		complete(q, RESOLVER_TIMEOUT, _("the name server did not answer in time"));
		break;
	case ARES_ECONNREFUSED:
		complete(q, RESOLVER_ERROR, _("the name server cannot be reached"));
		break;
	default:
		complete(q, RESOLVER_ERROR, _("the name lookup failed"));
		break;
	}
}

/* ---- names and addresses ---------------------------------------------- */

/* A host name as DNS takes it: labels of 1 to 63 letters, digits, hyphens
 * (and underscores, which SRV names hold), 253 bytes at most. Anything else
 * from a peer is refused before a query is made for it. */
static bool valid_name(const char *name)
{
	size_t len = strlen(name), label = 0;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0;
}

/* host as an IPv4 or IPv6 literal, into a; false when it is a name. */
static bool literal(const char *host, int port, struct resolver_addr *a)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&a->sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->sa;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		a->len = sizeof(*in);
		return true;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		a->len = sizeof(*in6);
		return true;
	}
	return false;
}

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct query *q = arg;

	(void)timeouts;
	if (!q->closing && status == ARES_SUCCESS && ai != NULL) {
		q->addrs = xcalloc(RESOLVER_MAX_ADDRS, sizeof(*q->addrs));
		for (struct ares_addrinfo_node *n = ai->nodes;
		     n != NULL && q->naddrs < RESOLVER_MAX_ADDRS; n = n->ai_next) {
			if ((n->ai_family != AF_INET && n->ai_family != AF_INET6) ||
			    n->ai_addrlen > sizeof(q->addrs[0].sa))
				continue;
			memcpy(&q->addrs[q->naddrs].sa, n->ai_addr, n->ai_addrlen);
			q->addrs[q->naddrs].len = n->ai_addrlen;
			q->naddrs++;
		}
		if (q->naddrs > 0)
			complete(q, RESOLVER_OK, NULL);
		else
			complete(q, RESOLVER_NOT_FOUND, _("no such name"));
	} else if (!q->closing) {
		fail_status(q, status);
	}
	if (ai != NULL)
		ares_freeaddrinfo(ai);
}

resolver_id resolver_addrs(struct resolver *r, const char *host, int port, int timeout_ms,
                           resolver_cb cb, void *ud)
{
	struct query *q = query_new(r, timeout_ms, cb, ud);
	struct ares_addrinfo_hints hints;
	struct resolver_addr a;
	char service[8];

	if (literal(host, port, &a)) {
		q->addrs = xmalloc(sizeof(*q->addrs));
		q->addrs[0] = a;
		q->naddrs = 1;
		complete(q, RESOLVER_OK, NULL);
		return q->id;
	}
	if (!valid_name(host)) {
		complete(q, RESOLVER_NOT_FOUND, _("not a valid host name"));
		return q->id;
	}
	if (!channel_open(q, timeout_ms)) {
		complete(q, RESOLVER_ERROR, _("the name lookup could not be started"));
		return q->id;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = ARES_AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%d", port);
	ares_getaddrinfo(q->ch, host, service, &hints, on_addrinfo, q);
	ares_rearm(q);
	return q->id;
}

/* ---- SRV ---------------------------------------------------------------- */

static int rand_below(struct resolver *r, int n)
{
	return n <= 0 ? 0 : rand_r(&r->seed) % n;
}

/* RFC 2782: by priority; within one priority, pick at random with the
 * weights as odds (zero weights first, so they keep a small chance). */
static void srv_order(struct resolver *r, struct resolver_srv *v, size_t n)
{
	for (size_t i = 1; i < n; i++) { /* stable: by priority, zero weights first */
		struct resolver_srv x = v[i];
		size_t j = i;

		while (j > 0 &&
		       (v[j - 1].priority > x.priority || (v[j - 1].priority == x.priority &&
		                                           v[j - 1].weight > 0 && x.weight == 0))) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	for (size_t start = 0; start < n;) {
		size_t end = start;
		int sum = 0;

		while (end < n && v[end].priority == v[start].priority)
			sum += v[end++].weight;
		for (size_t k = start; k + 1 < end; k++) {
			int pick = rand_below(r, sum + 1), run = 0;
			size_t c = k;

			for (size_t j = k; j < end; j++) {
				run += v[j].weight;
				if (run >= pick) {
					c = j;
					break;
				}
			}
			struct resolver_srv t = v[k];
			v[k] = v[c];
			v[c] = t;
			sum -= v[k].weight;
		}
		start = end;
	}
}

static void on_srv(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query *q = arg;
	struct ares_srv_reply *reply = NULL;

	(void)timeouts;
	if (q->closing)
		return;
	if (status != ARES_SUCCESS) {
		fail_status(q, status);
		return;
	}
	status = ares_parse_srv_reply(abuf, alen, &reply);
	if (status != ARES_SUCCESS) {
		fail_status(q, status);
		return;
	}
	q->srv = xcalloc(RESOLVER_MAX_SRV, sizeof(*q->srv));
	for (struct ares_srv_reply *s = reply; s != NULL && q->nsrv < RESOLVER_MAX_SRV;
	     s = s->next) {
		size_t len = strlen(s->host);

		if (len > 0 && s->host[len - 1] == '.')
			len--;
		if (len == 0 || s->port == 0) /* "." : no such service here */
			continue;
		q->srv[q->nsrv].target = xstrndup(s->host, len);
		q->srv[q->nsrv].port = s->port;
		q->srv[q->nsrv].priority = s->priority;
		q->srv[q->nsrv].weight = s->weight;
		q->nsrv++;
	}
	ares_free_data(reply);
	if (q->nsrv == 0) {
		complete(q, RESOLVER_NOT_FOUND, _("the domain offers no such service"));
		return;
	}
	srv_order(q->r, q->srv, q->nsrv);
	complete(q, RESOLVER_OK, NULL);
}

resolver_id resolver_srv(struct resolver *r, const char *service, const char *domain,
                         int timeout_ms, resolver_cb cb, void *ud)
{
	struct query *q = query_new(r, timeout_ms, cb, ud);
	char *name = xasprintf("_%s._tcp.%s", service, domain);

	if (!valid_name(name))
		complete(q, RESOLVER_NOT_FOUND, _("not a valid host name"));
	else if (!channel_open(q, timeout_ms))
		complete(q, RESOLVER_ERROR, _("the name lookup could not be started"));
	else
		ares_query(q->ch, name, ns_c_in, ns_t_srv, on_srv, q);
	free(name);
	ares_rearm(q);
	return q->id;
}

/* ---- the rest ----------------------------------------------------------- */

void resolver_cancel(struct resolver *r, resolver_id id)
{
	if (r == NULL || id == 0)
		return;
	for (struct query *q = r->queries; q != NULL; q = q->next) {
		if (q->id == id) {
			query_unlink(q);
			query_close(q);
			query_free(q);
			return;
		}
	}
}

const char *resolver_addr_text(const struct resolver_addr *a, char *buf, size_t size)
{
	const void *in;

	if (a->sa.ss_family == AF_INET)
		in = &((const struct sockaddr_in *)&a->sa)->sin_addr;
	else if (a->sa.ss_family == AF_INET6)
		in = &((const struct sockaddr_in6 *)&a->sa)->sin6_addr;
	else
		return NULL;
	return inet_ntop(a->sa.ss_family, in, buf, (socklen_t)size);
}

size_t resolver_pending(const struct resolver *r)
{
	size_t n = 0;

	for (const struct query *q = r->queries; q != NULL; q = q->next)
		n++;
	return n;
}

void resolver_free(struct resolver *r)
{
	if (r == NULL)
		return;
	while (r->queries != NULL) {
		struct query *q = r->queries;

		query_unlink(q);
		query_close(q);
		query_free(q);
	}
	free(r->servers);
	free(r);
	if (--library_users == 0)
		ares_library_cleanup();
}

/* One "ADDR", "ADDR:PORT" or "[ADDR6]:PORT" of a server list. */
static bool valid_server(const char *s, size_t len)
{
	char host[64];
	const char *port = NULL;
	unsigned char buf[sizeof(struct in6_addr)];

	if (len == 0 || len >= sizeof(host))
		return false;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (close == NULL || close == s + 1)
			return false;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		if (close + 1 < s + len) {
			if (close[1] != ':')
				return false;
			port = close + 2;
		}
		if (inet_pton(AF_INET6, host, buf) != 1)
			return false;
	} else {
		memcpy(host, s, len);
		host[len] = '\0';
		if (inet_pton(AF_INET6, host, buf) == 1)
			return true; /* a bare IPv6 address has no port */
		char *colon = strchr(host, ':');

		if (colon != NULL) {
			*colon = '\0';
			port = s + (colon - host) + 1;
		}
		if (inet_pton(AF_INET, host, buf) != 1)
			return false;
	}
	if (port != NULL) {
		long p = 0;
		const char *end = s + len;

		if (port >= end)
			return false;
		for (const char *c = port; c < end; c++) {
			if (*c < '0' || *c > '9' || (p = p * 10 + (*c - '0')) > 65535)
				return false;
		}
		if (p == 0)
			return false;
	}
	return true;
}

bool resolver_servers_valid(const char *servers)
{
	const char *s = servers;

	if (s == NULL || *s == '\0')
		return true;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);

		if (!valid_server(s, len))
			return false;
		if (comma == NULL)
			return true;
		s = comma + 1;
	}
}

bool resolver_set_servers(struct resolver *r, const char *servers)
{
	if (!resolver_servers_valid(servers))
		return false;
	free(r->servers);
	r->servers = servers != NULL && *servers != '\0' ? xstrdup(servers) : NULL;
	return true;
}
