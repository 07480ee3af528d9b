/* SOCKS5 for XEP-0065, both roles, one state-change function. Each wait
 * state knows how many bytes its message still needs and reads no more, so
 * a message split over many reads is put together here, and bytes after the
 * handshake stay in the socket. Each message is written from one buffer in
 * one write(2) when the socket takes it (a short write only happens with a
 * full socket buffer, which a fresh connection does not have). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "ft/socks5.h"
#include "i18n.h"

void socks5_hash(char hash[SOCKS5_HASH_LEN + 1], const char *sid, const char *initiator,
                 const char *target)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c == NULL || EVP_DigestInit_ex(c, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(c, sid, strlen(sid)) != 1 ||
	    EVP_DigestUpdate(c, initiator, strlen(initiator)) != 1 ||
	    EVP_DigestUpdate(c, target, strlen(target)) != 1 ||
	    EVP_DigestFinal_ex(c, md, &mdlen) != 1)
		mdlen = 0;
	EVP_MD_CTX_free(c);
	hash[0] = '\0';
	for (unsigned int i = 0; i < mdlen && i < SHA_DIGEST_LENGTH; i++)
		snprintf(hash + 2 * i, 3, "%02x", md[i]);
}

static void set_out(struct socks5 *s, enum socks5_state st, const void *msg, size_t len)
{
	memcpy(s->out, msg, len);
	s->outlen = len;
	s->outoff = 0;
	s->state = st;
}

/* The address message: 05 CODE 00 03 28 <hash> 00 00, a CONNECT (client,
 * code 01) or a reply (server, code 00 or an error). */
static void set_addr_msg(struct socks5 *s, enum socks5_state st, unsigned char code)
{
	unsigned char m[5 + SOCKS5_HASH_LEN + 2] = {5, code, 0, 3, SOCKS5_HASH_LEN};

	memcpy(m + 5, s->hash, SOCKS5_HASH_LEN);
	set_out(s, st, m, sizeof(m));
}

void socks5_client_init(struct socks5 *s, int fd, const char *hash, bool connecting)
{
	static const unsigned char greeting[] = {5, 1, 0};

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->role = SOCKS5_CLIENT;
	snprintf(s->hash, sizeof(s->hash), "%s", hash);
	set_out(s, S5_SEND_GREETING, greeting, sizeof(greeting));
	if (connecting)
		s->state = S5_CONNECTING;
}

void socks5_server_init(struct socks5 *s, int fd, const char *hash)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->role = SOCKS5_SERVER;
	snprintf(s->hash, sizeof(s->hash), "%s", hash);
	s->state = S5_WAIT_GREETING;
}

static void fail(struct socks5 *s, const char *why)
{
	s->state = S5_FAILED;
	s->error = why;
}

short socks5_events(const struct socks5 *s)
{
	switch (s->state) {
	case S5_CONNECTING:
	case S5_SEND_GREETING:
	case S5_SEND_CONNECT:
	case S5_SEND_METHOD:
	case S5_SEND_REPLY:
		return POLLOUT;
	case S5_WAIT_METHOD:
	case S5_WAIT_REPLY:
	case S5_WAIT_GREETING:
	case S5_WAIT_CONNECT:
		return POLLIN;
	default:
		return 0;
	}
}

/* How many bytes the awaited message has in all, as far as known from what
 * is read so far (a length byte decides the rest). */
static size_t needed(const struct socks5 *s)
{
	switch (s->state) {
	case S5_WAIT_METHOD:
		return 2;
	case S5_WAIT_GREETING:
		return s->inlen < 2 ? 2 : 2 + (size_t)s->in[1];
	case S5_WAIT_REPLY:
	case S5_WAIT_CONNECT:
		if (s->inlen < 5)
			return 5;
		switch (s->in[3]) {
		case 1: /* IPv4: 4 bytes, the first already read */
			return 4 + 4 + 2;
		case 4: /* IPv6 */
			return 4 + 16 + 2;
		default: /* domain: length byte, then that many */
			return 5 + (size_t)s->in[4] + 2;
		}
	default:
		return 0;
	}
}

/* Reads toward the awaited message. 1: complete; 0: more needed later;
 * -1: failed (state set). */
static int read_msg(struct socks5 *s)
{
	for (;;) {
		size_t want = needed(s);
		ssize_t n;

		if (s->inlen >= want)
			return 1;
		n = read(s->fd, s->in + s->inlen, want - s->inlen);
		if (n > 0) {
			s->inlen += (size_t)n;
			continue;
		}
		if (n == 0) {
			fail(s, _("the SOCKS5 peer closed the connection during the handshake"));
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		fail(s, _("SOCKS5 connection failed while reading"));
		return -1;
	}
}

/* Writes the pending message. 1: all written; 0: later; -1: failed. */
static int write_msg(struct socks5 *s)
{
	while (s->outoff < s->outlen) {
		ssize_t n = send(s->fd, s->out + s->outoff, s->outlen - s->outoff, MSG_NOSIGNAL);

		if (n > 0) {
			s->outoff += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		fail(s, _("SOCKS5 connection failed while writing"));
		return -1;
	}
	return 1;
}

static const char *reply_reason(unsigned char rep)
{
	switch (rep) {
	case 1:
		return _("SOCKS5 server failure");
	case 2:
		return _("SOCKS5 connection not allowed");
	case 3:
		return _("SOCKS5 network unreachable");
	case 4:
		return _("SOCKS5 host unreachable (unknown hash)");
	case 5:
		return _("SOCKS5 connection refused");
	case 7:
		return _("SOCKS5 command not supported");
	case 8:
		return _("SOCKS5 address type not supported");
	default:
		return _("SOCKS5 request refused");
	}
}

/* Client: the reply to CONNECT. BND.ADDR is not checked against the hash on
 * purpose (some peers send their IP), but the message must be well formed. */
static void check_reply(struct socks5 *s)
{
	if (s->in[0] != 5)
		fail(s, _("malformed SOCKS5 reply (wrong version)"));
	else if (s->in[1] != 0)
		fail(s, reply_reason(s->in[1]));
	else if (s->in[2] != 0)
		fail(s, _("malformed SOCKS5 reply (reserved byte set)"));
	else if (s->in[3] != 1 && s->in[3] != 3 && s->in[3] != 4)
		fail(s, _("malformed SOCKS5 reply (unknown address type)"));
	else
		s->state = S5_DONE;
}

static void check_method(struct socks5 *s)
{
	if (s->in[0] != 5)
		fail(s, _("malformed SOCKS5 answer to the greeting (wrong version)"));
	else if (s->in[1] != 0)
		fail(s, _("the SOCKS5 server wants authentication"));
	else
		set_addr_msg(s, S5_SEND_CONNECT, 1);
}

static void check_greeting(struct socks5 *s)
{
	static const unsigned char ok[] = {5, 0}, refuse[] = {5, 0xff};

	if (s->in[0] != 5) {
		fail(s, _("malformed SOCKS5 greeting (wrong version)"));
		return;
	}
	if (memchr(s->in + 2, 0, s->in[1]) == NULL) {
		set_out(s, S5_SEND_METHOD, refuse, sizeof(refuse));
		s->fail_after_write = _("the SOCKS5 client offers no usable method");
		return;
	}
	set_out(s, S5_SEND_METHOD, ok, sizeof(ok));
	s->inlen = 0;
}

static void check_connect(struct socks5 *s)
{
	unsigned char code = 0;

	if (s->in[0] != 5 || s->in[2] != 0) {
		fail(s, _("malformed SOCKS5 request"));
		return;
	}
	if (s->in[1] != 1) {
		code = 7;
		s->fail_after_write = _("SOCKS5 request is not CONNECT");
	} else if (s->in[3] != 3) {
		code = 8;
		s->fail_after_write = _("SOCKS5 request without a host name");
	} else if (s->in[4] != SOCKS5_HASH_LEN ||
	           strncasecmp((const char *)s->in + 5, s->hash, SOCKS5_HASH_LEN) != 0) {
		code = 4;
		s->fail_after_write = _("SOCKS5 request for an unknown hash");
	}
	set_addr_msg(s, S5_SEND_REPLY, code);
}

/* TCP connect finished (writable): did it succeed? */
static void check_connected(struct socks5 *s)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
		fail(s, _("cannot connect to the streamhost"));
	else
		s->state = S5_SEND_GREETING;
}

/* Moves from the state just completed to the next. */
static void advance(struct socks5 *s)
{
	switch (s->state) {
	case S5_SEND_GREETING:
		s->state = S5_WAIT_METHOD;
		s->inlen = 0;
		break;
	case S5_WAIT_METHOD:
		check_method(s);
		break;
	case S5_SEND_CONNECT:
		s->state = S5_WAIT_REPLY;
		s->inlen = 0;
		break;
	case S5_WAIT_REPLY:
		check_reply(s);
		break;
	case S5_WAIT_GREETING:
		check_greeting(s);
		break;
	case S5_SEND_METHOD:
		s->state = S5_WAIT_CONNECT;
		s->inlen = 0;
		break;
	case S5_WAIT_CONNECT:
		check_connect(s);
		break;
	case S5_SEND_REPLY:
		s->state = S5_DONE;
		break;
	default:
		break;
	}
}

enum socks5_state socks5_step(struct socks5 *s)
{
	for (;;) {
		short ev = socks5_events(s);
		int r;

		if (s->state == S5_CONNECTING) {
			struct pollfd p = {.fd = s->fd, .events = POLLOUT};

			if (poll(&p, 1, 0) <= 0)
				return s->state;
			check_connected(s);
			continue;
		}
		if (ev == 0)
			return s->state;
		r = ev == POLLOUT ? write_msg(s) : read_msg(s);
		if (r <= 0)
			return s->state;
		if (ev == POLLOUT && s->fail_after_write != NULL) {
			fail(s, s->fail_after_write);
			return s->state;
		}
		advance(s);
	}
}
