/* The tests' DNS server (dnsserver.h): one UDP socket, one thread, a stop
 * pipe; the counts are shared with the test's thread under a mutex, and a
 * condition variable wakes a waiter at each question. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dnsserver.h"

#define DNS_MAX_NAMES 64

struct dns_server {
	const struct dns_record *records;
	bool answer;
	int fd;
	int stop[2];
	char addr[32];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct {
		char name[256];
		size_t count;
	} seen[DNS_MAX_NAMES];
	size_t nseen, total;
};

/* Reads the question's name (no compression in a question we get) into
 * out as "a.b.c"; the offset after it, or 0 when malformed. */
static size_t read_name(const unsigned char *p, size_t len, size_t off, char *out, size_t size)
{
	size_t o = 0;

	while (off < len && p[off] != 0) {
		size_t l = p[off++];

		if (l > 63 || off + l > len || o + l + 2 > size)
			return 0;
		if (o > 0)
			out[o++] = '.';
		memcpy(out + o, p + off, l);
		o += l;
		off += l;
	}
	if (off >= len)
		return 0;
	out[o] = '\0';
	return off + 1;
}

static size_t put_name(unsigned char *p, size_t off, const char *name)
{
	while (*name != '\0') {
		const char *dot = strchr(name, '.');
		size_t l = dot != NULL ? (size_t)(dot - name) : strlen(name);

		p[off++] = (unsigned char)l;
		memcpy(p + off, name, l);
		off += l;
		name += l;
		if (*name == '.')
			name++;
	}
	p[off++] = 0;
	return off;
}

static size_t put16(unsigned char *p, size_t off, unsigned v)
{
	p[off] = (unsigned char)(v >> 8);
	p[off + 1] = (unsigned char)v;
	return off + 2;
}

/* One answer record for r after the question (name by pointer to it). */
static size_t put_answer(unsigned char *p, size_t off, const struct dns_record *r)
{
	size_t rdlen_at;

	off = put16(p, off, 0xc00c);
	off = put16(p, off, (unsigned)r->type);
	off = put16(p, off, 1);
	off = put16(p, off, 0);
	off = put16(p, off, 60); /* TTL */
	rdlen_at = off;
	off += 2;
	if (r->type == 1) {
		inet_pton(AF_INET, r->value, p + off);
		off += 4;
	} else if (r->type == 28) {
		inet_pton(AF_INET6, r->value, p + off);
		off += 16;
	} else {
		unsigned prio, weight, port;
		char target[256];

		if (sscanf(r->value, "%u %u %u %255s", &prio, &weight, &port, target) != 4)
			return 0;
		off = put16(p, off, prio);
		off = put16(p, off, weight);
		off = put16(p, off, port);
		off = put_name(p, off, strcmp(target, ".") == 0 ? "" : target);
	}
	put16(p, rdlen_at, (unsigned)(off - rdlen_at - 2));
	return off;
}

static void count(struct dns_server *s, const char *name)
{
	size_t i;

	pthread_mutex_lock(&s->lock);
	s->total++;
	for (i = 0; i < s->nseen; i++)
		if (strcasecmp(s->seen[i].name, name) == 0)
			break;
	if (i == s->nseen && s->nseen < DNS_MAX_NAMES)
		snprintf(s->seen[s->nseen++].name, sizeof(s->seen[0].name), "%s", name);
	if (i < s->nseen)
		s->seen[i].count++;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void answer(struct dns_server *s, const unsigned char *q, size_t qlen, size_t qend,
                   const char *name, unsigned qtype, const struct sockaddr *to, socklen_t tolen)
{
	unsigned char out[1500];
	size_t off = qend, n = 0;
	bool known = false;

	if (qend > 512)
		return;
	memcpy(out, q, qend);
	(void)qlen;
	for (const struct dns_record *r = s->records; r != NULL && r->name != NULL; r++) {
		if (strcasecmp(r->name, name) != 0)
			continue;
		known = true;
		if ((unsigned)r->type == qtype && off < sizeof(out) - 300) {
			size_t next = put_answer(out, off, r);

			if (next > 0) {
				off = next;
				n++;
			}
		}
	}
	out[2] = (unsigned char)(0x80 | (q[2] & 0x01));   /* QR; RD as asked */
	out[3] = (unsigned char)(0x80 | (known ? 0 : 3)); /* RA; NXDOMAIN */
	put16(out, 4, 1);
	put16(out, 6, (unsigned)n);
	put16(out, 8, 0);
	put16(out, 10, 0);
	sendto(s->fd, out, off, 0, to, tolen);
}

static void *serve(void *ud)
{
	struct dns_server *s = ud;

	for (;;) {
		struct pollfd pf[2] = {{.fd = s->fd, .events = POLLIN},
		                       {.fd = s->stop[0], .events = POLLIN}};
		unsigned char q[1500];
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		char name[256];
		ssize_t len;
		size_t end;

		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			return NULL;
		if (pf[1].revents != 0)
			return NULL;
		if ((pf[0].revents & POLLIN) == 0)
			continue;
		len = recvfrom(s->fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
		if (len < 12 || (q[5] | (q[4] << 8)) != 1)
			continue;
		end = read_name(q, (size_t)len, 12, name, sizeof(name));
		if (end == 0 || end + 4 > (size_t)len)
			continue;
		count(s, name);
		if (s->answer)
			answer(s, q, (size_t)len, end + 4, name,
			       (unsigned)(q[end] << 8 | q[end + 1]), (struct sockaddr *)&from, fl);
	}
}

struct dns_server *dns_server_start(const struct dns_record *records, bool answer)
{
	struct dns_server *s = calloc(1, sizeof(*s));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);

	if (s == NULL)
		return NULL;
	s->records = records;
	s->answer = answer;
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &sl) != 0 || pipe(s->stop) != 0) {
		perror("dns_server_start");
		if (s->fd >= 0)
			close(s->fd);
		free(s);
		return NULL;
	}
	snprintf(s->addr, sizeof(s->addr), "127.0.0.1:%d", ntohs(sa.sin_port));
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	if (pthread_create(&s->thread, NULL, serve, s) != 0) {
		perror("dns_server_start: thread");
		close(s->fd);
		close(s->stop[0]);
		close(s->stop[1]);
		free(s);
		return NULL;
	}
	return s;
}

const char *dns_server_addr(const struct dns_server *s)
{
	return s->addr;
}

static size_t seen_locked(struct dns_server *s, const char *name)
{
	for (size_t i = 0; i < s->nseen; i++)
		if (strcasecmp(s->seen[i].name, name) == 0)
			return s->seen[i].count;
	return 0;
}

size_t dns_server_seen(struct dns_server *s, const char *name)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = seen_locked(s, name);
	pthread_mutex_unlock(&s->lock);
	return n;
}

size_t dns_server_total(struct dns_server *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->total;
	pthread_mutex_unlock(&s->lock);
	return n;
}

bool dns_server_wait_names(struct dns_server *s, const char *const *names, int timeout_ms)
{
	struct timespec end;
	bool all = false;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s->lock);
	for (;;) {
		all = true;
		for (size_t i = 0; names[i] != NULL; i++)
			all = all && seen_locked(s, names[i]) > 0;
		if (all || pthread_cond_timedwait(&s->cond, &s->lock, &end) == ETIMEDOUT)
			break;
	}
	if (!all) {
		all = true;
		for (size_t i = 0; names[i] != NULL; i++)
			all = all && seen_locked(s, names[i]) > 0;
	}
	pthread_mutex_unlock(&s->lock);
	return all;
}

void dns_server_stop(struct dns_server *s)
{
	if (s == NULL)
		return;
	(void)!write(s->stop[1], "x", 1);
	pthread_join(s->thread, NULL);
	close(s->fd);
	close(s->stop[0]);
	close(s->stop[1]);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}
