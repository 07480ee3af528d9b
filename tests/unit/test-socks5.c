/* The SOCKS5 handshake of XEP-0065, both roles, over a socketpair: the test
 * plays the other side byte by byte, lies, and checks what goes on the wire. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ft/socks5.h"

#define HASH "f70fc48b5c4eb27759edd49219f90618074351a6"

static int fds[2]; /* [0]: the state machine's end, [1]: the test's */
static struct socks5 s5;

static void setup(void)
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
}

static void teardown(void)
{
	close(fds[0]);
	close(fds[1]);
}

/* Everything the state machine wrote so far. */
static size_t take(unsigned char *buf, size_t cap)
{
	ssize_t n = read(fds[1], buf, cap);

	return n < 0 ? 0 : (size_t)n;
}

static void put(const void *p, size_t n)
{
	cr_assert_eq(write(fds[1], p, n), (ssize_t)n);
}

/* Feeds msg one byte at a time, stepping after each; the state must stay
 * `waiting` until the last byte. */
static enum socks5_state drip(const unsigned char *msg, size_t n, enum socks5_state waiting)
{
	for (size_t i = 0; i + 1 < n; i++) {
		put(msg + i, 1);
		cr_assert_eq(socks5_step(&s5), waiting, "state after byte %zu of %zu", i + 1, n);
	}
	put(msg + n - 1, 1);
	return socks5_step(&s5);
}

/* 05 CODE 00 03 28 <hash> 00 00 */
static size_t addr_msg(unsigned char *m, unsigned char code, const char *hash)
{
	m[0] = 5;
	m[1] = code;
	m[2] = 0;
	m[3] = 3;
	m[4] = 40;
	memcpy(m + 5, hash, 40);
	m[45] = m[46] = 0;
	return 47;
}

TestSuite(socks5, .init = setup, .fini = teardown);

Test(socks5, hash_is_the_xep_example)
{
	char h[SOCKS5_HASH_LEN + 1];

	socks5_hash(h, "mySID", "romeo@montague.lit/orchard", "juliet@capulet.lit/balcony");
	cr_assert_str_eq(h, HASH);
}

/* Client to the point of waiting for the reply; checks both writes. */
static void client_to_reply(void)
{
	static const unsigned char method[] = {5, 0};
	unsigned char buf[128], want[64];

	socks5_client_init(&s5, fds[0], HASH, false);
	cr_assert_eq(socks5_step(&s5), S5_WAIT_METHOD);
	/* The greeting goes alone: no CONNECT before 05 00. */
	cr_assert_eq(take(buf, sizeof(buf)), 3);
	cr_assert(memcmp(buf, "\x05\x01\x00", 3) == 0);
	cr_assert_eq(drip(method, 2, S5_WAIT_METHOD), S5_WAIT_REPLY);
	cr_assert_eq(take(buf, sizeof(buf)), 47);
	addr_msg(want, 1, HASH);
	cr_assert(memcmp(buf, want, 47) == 0, "CONNECT with ATYP 3, the hash, port 0");
}

Test(socks5, client_byte_by_byte_keeps_following_data)
{
	unsigned char reply[64], buf[16];
	size_t n = addr_msg(reply, 0, HASH);

	client_to_reply();
	cr_assert_eq(drip(reply, n, S5_WAIT_REPLY), S5_DONE);
	cr_assert_null(s5.error);
	/* Bytes after the reply are the stream's, left in the socket. */
	put("DATA", 4);
	cr_assert_eq(socks5_step(&s5), S5_DONE);
	cr_assert_eq(read(fds[0], buf, sizeof(buf)), 4);
	cr_assert(memcmp(buf, "DATA", 4) == 0);
}

Test(socks5, client_reply_and_data_in_one_read)
{
	unsigned char msg[64], buf[16];
	size_t n = addr_msg(msg, 0, HASH);

	client_to_reply();
	memcpy(msg + n, "xyz", 3);
	put(msg, n + 3);
	cr_assert_eq(socks5_step(&s5), S5_DONE);
	cr_assert_eq(read(fds[0], buf, sizeof(buf)), 3);
}

Test(socks5, client_accepts_an_ip_instead_of_the_hash)
{
	static const unsigned char v4[] = {5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90};
	unsigned char v6[22] = {5, 0, 0, 4};

	client_to_reply();
	cr_assert_eq(drip(v4, sizeof(v4), S5_WAIT_REPLY), S5_DONE);
	teardown();
	setup();
	client_to_reply();
	cr_assert_eq(drip(v6, sizeof(v6), S5_WAIT_REPLY), S5_DONE);
}

static void client_fails_on_reply(const unsigned char *msg, size_t n, const char *why)
{
	client_to_reply();
	put(msg, n);
	cr_assert_eq(socks5_step(&s5), S5_FAILED, "%s", why);
	cr_assert_not_null(s5.error);
	cr_assert_gt(strlen(s5.error), 0);
}

Test(socks5, client_refused_reply)
{
	unsigned char m[64];

	addr_msg(m, 5, HASH);
	client_fails_on_reply(m, 47, "connection refused");
	cr_assert(strstr(s5.error, "refused") != NULL, "reason: %s", s5.error);
}

Test(socks5, client_wrong_version_reply)
{
	unsigned char m[64];

	addr_msg(m, 0, HASH);
	m[0] = 4;
	client_fails_on_reply(m, 47, "version 4");
}

Test(socks5, client_reserved_byte_and_bad_atyp)
{
	unsigned char m[64];

	addr_msg(m, 0, HASH);
	m[2] = 1;
	client_fails_on_reply(m, 47, "reserved byte");
	teardown();
	setup();
	addr_msg(m, 0, HASH);
	m[3] = 9;
	client_fails_on_reply(m, 47, "address type 9");
}

Test(socks5, client_method_refused_or_lying)
{
	static const unsigned char ff[] = {5, 0xff}, v4[] = {4, 0};
	unsigned char buf[8];

	socks5_client_init(&s5, fds[0], HASH, false);
	socks5_step(&s5);
	take(buf, sizeof(buf));
	put(ff, 2);
	cr_assert_eq(socks5_step(&s5), S5_FAILED);
	cr_assert(strstr(s5.error, "authentication") != NULL, "reason: %s", s5.error);
	teardown();
	setup();
	socks5_client_init(&s5, fds[0], HASH, false);
	socks5_step(&s5);
	put(v4, 2);
	cr_assert_eq(socks5_step(&s5), S5_FAILED);
	/* Nothing was sent after the bad answer. */
	cr_assert_eq(take(buf, sizeof(buf)), 3);
}

Test(socks5, client_peer_closes_midway)
{
	static const unsigned char part[] = {5, 0, 0, 3, 40, 'a', 'b'};

	client_to_reply();
	put(part, sizeof(part));
	cr_assert_eq(socks5_step(&s5), S5_WAIT_REPLY);
	shutdown(fds[1], SHUT_WR);
	cr_assert_eq(socks5_step(&s5), S5_FAILED);
	cr_assert_not_null(s5.error);
}

Test(socks5, client_connect_refused)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0), c;
	struct pollfd p;

	/* A port that was just free: nothing listens there. */
	cr_assert_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(l, (struct sockaddr *)&sa, &sl);
	close(l);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	cr_assert(connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EINPROGRESS ||
	          errno == ECONNREFUSED);
	socks5_client_init(&s5, c, HASH, true);
	p.fd = c;
	p.events = socks5_events(&s5);
	cr_assert_eq(p.events, POLLOUT);
	cr_assert_eq(poll(&p, 1, 5000), 1);
	cr_assert_eq(socks5_step(&s5), S5_FAILED);
	cr_assert(strstr(s5.error, "connect") != NULL, "reason: %s", s5.error);
	close(c);
}

/* ---- server ---- */

static void server_to_connect(void)
{
	static const unsigned char greeting[] = {5, 2, 2, 0};
	unsigned char buf[8];

	socks5_server_init(&s5, fds[0], HASH);
	cr_assert_eq(socks5_step(&s5), S5_WAIT_GREETING);
	cr_assert_eq(drip(greeting, sizeof(greeting), S5_WAIT_GREETING), S5_WAIT_CONNECT);
	cr_assert_eq(take(buf, sizeof(buf)), 2);
	cr_assert(memcmp(buf, "\x05\x00", 2) == 0);
}

Test(socks5, server_byte_by_byte)
{
	unsigned char m[64], buf[64];

	server_to_connect();
	addr_msg(m, 1, HASH);
	cr_assert_eq(drip(m, 47, S5_WAIT_CONNECT), S5_DONE);
	cr_assert_eq(take(buf, sizeof(buf)), 47);
	addr_msg(m, 0, HASH);
	cr_assert(memcmp(buf, m, 47) == 0, "reply names the hash");
}

Test(socks5, server_upper_case_hash_accepted)
{
	unsigned char m[64];
	char up[41];

	for (int i = 0; i < 40; i++)
		up[i] = (char)(HASH[i] >= 'a' ? HASH[i] - 32 : HASH[i]);
	up[40] = '\0';
	server_to_connect();
	addr_msg(m, 1, up);
	put(m, 47);
	cr_assert_eq(socks5_step(&s5), S5_DONE);
}

Test(socks5, server_wrong_hash_refused)
{
	unsigned char m[64], buf[64];

	server_to_connect();
	addr_msg(m, 1, "0000000000000000000000000000000000000000");
	put(m, 47);
	cr_assert_eq(socks5_step(&s5), S5_FAILED);
	cr_assert(strstr(s5.error, "hash") != NULL, "reason: %s", s5.error);
	cr_assert_eq(take(buf, sizeof(buf)), 47);
	cr_assert_eq(buf[1], 4, "host unreachable");
}

Test(socks5, server_no_acceptable_method)
{
	static const unsigned char greeting[] = {5, 1, 2};
	unsigned char buf[8];

	socks5_server_init(&s5, fds[0], HASH);
	put(greeting, 3);
	cr_assert_eq(socks5_step(&s5), S5_FAILED);
	cr_assert_eq(take(buf, sizeof(buf)), 2);
	cr_assert_eq(buf[1], 0xff);
}

Test(socks5, server_not_connect_or_not_a_name)
{
	unsigned char m[64], buf[64];

	server_to_connect();
	addr_msg(m, 2, HASH); /* BIND */
	put(m, 47);
	cr_assert_eq(socks5_step(&s5), S5_FAILED);
	cr_assert_eq(take(buf, sizeof(buf)), 47);
	cr_assert_eq(buf[1], 7);
	teardown();
	setup();
	server_to_connect();
	put("\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x00", 10);
	cr_assert_eq(socks5_step(&s5), S5_FAILED);
}

/* Both state machines against each other. */
Test(socks5, client_and_server_together)
{
	struct socks5 srv;
	int guard = 0;

	socks5_client_init(&s5, fds[0], HASH, false);
	socks5_server_init(&srv, fds[1], HASH);
	while ((s5.state != S5_DONE || srv.state != S5_DONE) && guard++ < 20) {
		socks5_step(&s5);
		socks5_step(&srv);
	}
	cr_assert_eq(s5.state, S5_DONE);
	cr_assert_eq(srv.state, S5_DONE);
	cr_assert_eq(socks5_events(&s5), 0);
}
