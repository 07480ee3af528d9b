/* SOCKS5 Bytestreams (XEP-0065) end to end against the real Prosody and its
 * proxy65, both sides being jabiru's s5b code run by the test-only
 * s5b-driver (SI negotiation is not involved): direct and through the proxy
 * (the target connecting to the proxy, the initiator connecting and
 * activating), fallback from an unreachable direct address to the proxy,
 * streamhosts that cannot work or lie, and interoperability with slixmpp's
 * XEP-0065 plugin both ways. Contents are compared by sha256. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/dnsserver.h"
#include "../harness/harness.h"

#define BOB_FULL       "bob@localhost/r1"
#define BIG_TIMEOUT_MS 180000

static struct prosody srv;
static struct jproc *alice, *bob;
/* Both drivers ask this server (on 127.0.0.1) for names: none leaves the
 * machine. */
static struct dns_server *dns;
static const struct dns_record dns_records[] = {
    {"alice-host.test", 1, "127.0.0.1"},
    {NULL, 0, NULL},
};

/* The driver is built next to this test. */
static void use_driver(void)
{
	const char *path = harness_sibling("s5b-driver");

	cr_assert_eq(access(path, X_OK), 0, "no driver at %s", path);
	setenv("JABIRU_BIN", path, 1);
}

static struct jproc *login(const char *user, const char *password, const char *resource)
{
	const char *args[] = {"--resource", resource, NULL};
	struct jproc *j = jproc_start(&srv, user, password, args);

	cr_assert_not_null(j, "cannot start the driver as %s", user);
	cr_assert_not_null(jproc_expect(j, "connected", NULL, HARNESS_TIMEOUT_MS),
	                   "%s did not connect", user);
	return j;
}

static void setup(void)
{
	const char *users[] = {"alice:wonderland", "bob:builder", "carol:peer-secret", NULL};

	use_driver();
	dns = dns_server_start(dns_records, true);
	cr_assert_not_null(dns);
	setenv("JABIRU_DNS_SERVERS", dns_server_addr(dns), 1);
	cr_assert(prosody_befriend(&srv, "alice", "bob"));
	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	alice = login("alice", "wonderland", "r0");
	bob = login("bob", "builder", "r1");
	/* Proxy discovery at login is done when this is said. */
	cr_assert_not_null(jproc_expect(alice, "info", srv.proxy_jid, HARNESS_TIMEOUT_MS),
	                   "alice did not discover the proxy");
}

static void teardown(void)
{
	jproc_free(alice);
	jproc_free(bob);
	alice = bob = NULL;
	prosody_stop(&srv);
	dns_server_stop(dns);
	dns = NULL;
}

TestSuite(s5b, .init = setup, .fini = teardown, .timeout = 300);

static void diagnose(void)
{
	jproc_drain(alice);
	jproc_dump(alice);
	prosody_dump_log(&srv, 40);
}

/* alice sends size bytes as sid; both ends report done with the same sha256
 * and the expected method. */
static void transfer(const char *sid, long long size, const char *method, int timeout_ms)
{
	const char *a, *b;
	char bytes[32];
	char *ha, *hb;

	cr_assert(jproc_sendf(bob, "recv %s", sid));
	cr_assert_not_null(jproc_expect_field(bob, "s5b-expect", "sid", sid, HARNESS_TIMEOUT_MS));
	cr_assert(jproc_sendf(alice, "send %s %s %lld", BOB_FULL, sid, size));
	b = jproc_expect_field(bob, "s5b-done", "sid", sid, timeout_ms);
	if (b == NULL)
		diagnose();
	cr_assert_not_null(b, "bob did not receive %s", sid);
	a = jproc_expect_field(alice, "s5b-done", "sid", sid, timeout_ms);
	cr_assert_not_null(a, "alice did not finish %s", sid);
	snprintf(bytes, sizeof(bytes), "%lld", size);
	cr_assert(json_field_is(b, "bytes", bytes), "bob got: %s", b);
	cr_assert(json_field_is(a, "bytes", bytes), "alice sent: %s", a);
	cr_assert(json_field_is(a, "method", method), "alice: %s", a);
	cr_assert(json_field_is(b, "method", method), "bob: %s", b);
	ha = json_field(a, "sha256");
	hb = json_field(b, "sha256");
	cr_assert_not_null(ha);
	cr_assert_not_null(hb);
	cr_assert_str_eq(ha, hb);
	free(ha);
	free(hb);
}

Test(s5b, direct_empty_and_1mb)
{
	cr_assert(jproc_send(alice, "set proxy 0"));
	transfer("d0", 0, "socks5-direct", HARNESS_TIMEOUT_MS);
	transfer("d1", 1 << 20, "socks5-direct", HARNESS_TIMEOUT_MS);
}

Test(s5b, proxy_only_empty_1mb_200mb)
{
	cr_assert(jproc_send(alice, "set direct 0"));
	transfer("p0", 0, "socks5-proxy", HARNESS_TIMEOUT_MS);
	transfer("p1", 1 << 20, "socks5-proxy", HARNESS_TIMEOUT_MS);
	transfer("p2", 200LL << 20, "socks5-proxy", BIG_TIMEOUT_MS);
}

Test(s5b, direct_200mb)
{
	transfer("d2", 200LL << 20, "socks5-direct", BIG_TIMEOUT_MS);
}

/* The advertised direct address refuses connections (nothing listens on
 * 127.0.0.2): the target moves on to the proxy. */
Test(s5b, unreachable_direct_falls_back_to_proxy)
{
	cr_assert(jproc_send(alice, "set listen 127.0.0.1"));
	cr_assert(jproc_send(alice, "set external 127.0.0.2"));
	transfer("f1", 100000, "socks5-proxy", HARNESS_TIMEOUT_MS);
}

/* alice advertises her address by a name: bob looks it up (at the test's
 * name server, without blocking) and connects to what it resolves to. */
Test(s5b, a_streamhost_given_by_name_is_resolved)
{
	cr_assert(jproc_send(alice, "set listen 127.0.0.1"));
	cr_assert(jproc_send(alice, "set external alice-host.test"));
	transfer("h1", 100000, "socks5-direct", HARNESS_TIMEOUT_MS);
	cr_expect_gt(dns_server_seen(dns, "alice-host.test"), 0, "the name was not looked up");
}

Test(s5b, nothing_to_offer_is_refused_at_once)
{
	const char *line;

	cr_assert(jproc_send(alice, "set direct 0"));
	cr_assert(jproc_send(alice, "set proxy 0"));
	cr_assert(jproc_sendf(alice, "send %s n1 10", BOB_FULL));
	line = jproc_expect_field(alice, "s5b-failed", "sid", "n1", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
}

/* A streamhost list whose only host is a name that cannot resolve (a label
 * longer than 63 characters fails inside the resolver, no DNS query) or a
 * closed port: the target fails with a clear reason and the initiator's
 * query is answered with an error. */
static void bad_streamhost(const char *sid, const char *host, const char *port, const char *why)
{
	const char *line;
	char *reason;

	cr_assert(jproc_sendf(bob, "recv %s", sid));
	cr_assert_not_null(jproc_expect_field(bob, "s5b-expect", "sid", sid, HARNESS_TIMEOUT_MS));
	cr_assert(jproc_sendf(alice, "query %s %s %s %s", BOB_FULL, sid, host, port));
	line = jproc_expect_field(bob, "s5b-failed", "sid", sid, HARNESS_TIMEOUT_MS);
	if (line == NULL)
		diagnose();
	cr_assert_not_null(line, "bob did not give up on %s", sid);
	reason = json_field(line, "reason");
	cr_assert(reason != NULL && strstr(reason, why) != NULL, "reason: %s", line);
	free(reason);
	/* The initiator learns it at once, to fall back to another method. */
	line = jproc_expect_field(alice, "s5b-answer", "sid", sid, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_assert(json_field_is(line, "type", "error"), "%s", line);
	cr_assert(json_field_is(line, "condition", "item-not-found"), "%s", line);
}

/* A query bob does not expect, and one for UDP, are refused. */
Test(s5b, unknown_sid_and_udp_refused)
{
	const char *line;

	cr_assert(jproc_sendf(alice, "query %s x1 127.0.0.1 1", BOB_FULL));
	line = jproc_expect_field(alice, "s5b-answer", "sid", "x1", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_assert(json_field_is(line, "condition", "not-acceptable"), "%s", line);
	cr_assert(jproc_send(bob, "recv x2"));
	cr_assert_not_null(jproc_expect_field(bob, "s5b-expect", "sid", "x2", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_sendf(alice, "query %s x2 127.0.0.1 1 udp", BOB_FULL));
	line = jproc_expect_field(alice, "s5b-answer", "sid", "x2", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_assert(json_field_is(line, "condition", "feature-not-implemented"), "%s", line);
	cr_assert_null(jproc_seen(bob, "s5b-failed", NULL), "bob started a refused stream");
}

Test(s5b, unresolvable_streamhost)
{
	bad_streamhost(
	    "u1", "a-label-that-is-longer-than-sixty-three-characters-cannot-resolve-ever.example",
	    "1080", "resolve");
}

Test(s5b, closed_port_streamhost)
{
	char port[16];

	snprintf(port, sizeof(port), "%d", harness_free_port());
	bad_streamhost("c1", "127.0.0.1", port, "connect");
}

/* A scripted SOCKS5 streamhost for faults a real one does not produce: it
 * answers the greeting properly, then sends reply (n bytes) to the CONNECT
 * and waits for the client to hang up. Returns its pid; *port is where it
 * listens. */
static pid_t liar(int *port, const unsigned char *reply, size_t n, bool hang_up)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	cr_assert_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(l, 1), 0);
	getsockname(l, (struct sockaddr *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		unsigned char buf[64];
		int c;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		c = accept(l, NULL, NULL);
		if (c < 0 || recv(c, buf, 3, MSG_WAITALL) != 3 || write(c, "\x05\x00", 2) != 2 ||
		    recv(c, buf, 47, MSG_WAITALL) != 47 || write(c, reply, n) != (ssize_t)n)
			_exit(1);
		if (hang_up)
			_exit(0);
		while (read(c, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(l);
	return pid;
}

static void lying_streamhost(const char *sid, const unsigned char *reply, size_t n, bool hang_up,
                             const char *why)
{
	char port[16];
	int p;
	pid_t pid = liar(&p, reply, n, hang_up);

	snprintf(port, sizeof(port), "%d", p);
	bad_streamhost(sid, "127.0.0.1", port, why);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

Test(s5b, streamhost_replying_with_a_wrong_version)
{
	static const unsigned char reply[] = {4, 0, 0, 1, 127, 0, 0, 1, 0, 0};

	lying_streamhost("l1", reply, sizeof(reply), false, "malformed");
}

Test(s5b, streamhost_refusing_the_hash)
{
	static const unsigned char reply[] = {5, 4, 0, 1, 127, 0, 0, 1, 0, 0};

	lying_streamhost("l2", reply, sizeof(reply), false, "unreachable");
}

Test(s5b, streamhost_hanging_up_midway)
{
	static const unsigned char reply[] = {5, 0, 0, 3, 40, 'x'};

	lying_streamhost("l3", reply, sizeof(reply), true, "closed");
}

/* Half a reply, then silence: the per-host timeout (made short here) ends
 * the wait. */
Test(s5b, streamhost_stalling_midway)
{
	static const unsigned char reply[] = {5, 0, 0, 3, 40, 'x'};

	cr_assert(jproc_send(bob, "set timeout 1000"));
	lying_streamhost("l4", reply, sizeof(reply), false, "in time");
}

/* ---- interop with slixmpp's XEP-0065 ------------------------------------ */

struct peer {
	pid_t pid;
	int fd;
	char out[8192];
	size_t len;
};

/* tests/interop/s5b-peer.py logged in as carol@localhost/s5b. */
static void peer_start(struct peer *p, const char *const *args)
{
	char script[PATH_MAX], port[16];
	const char *argv[16] = {"/usr/bin/python3", script, args[0],    "carol@localhost/s5b",
	                        "127.0.0.1",        port,   srv.ca_file};
	int fds[2];
	size_t n = 7;

	snprintf(script, sizeof(script), "%s/tests/interop/s5b-peer.py", getenv("JABIRU_SRCDIR"));
	snprintf(port, sizeof(port), "%d", srv.c2s_port);
	for (size_t i = 1; args[i] != NULL && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	cr_assert_eq(pipe(fds), 0);
	p->len = 0;
	p->pid = fork();
	cr_assert_neq(p->pid, -1);
	if (p->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fds[1], 1);
		close(fds[0]);
		setenv("S5B_PEER_PASSWORD", "peer-secret", 1);
		execv(argv[0], (char *const *)argv);
		perror("s5b-peer.py");
		_exit(127);
	}
	close(fds[1]);
	p->fd = fds[0];
}

/* Reads the peer's output until text appears; the line holding it, or NULL
 * at the deadline or end of output (then prints what it said). */
static const char *peer_wait(struct peer *p, const char *text, int timeout_ms)
{
	long long end = harness_now_ms() + timeout_ms;

	for (;;) {
		char *hit;
		struct pollfd pf = {.fd = p->fd, .events = POLLIN};
		long long left = end - harness_now_ms();
		ssize_t r;

		p->out[p->len] = '\0';
		if ((hit = strstr(p->out, text)) != NULL) {
			while (hit > p->out && hit[-1] != '\n')
				hit--;
			return hit;
		}
		if (left <= 0 || poll(&pf, 1, (int)left) <= 0 ||
		    (r = read(p->fd, p->out + p->len, sizeof(p->out) - 1 - p->len)) <= 0) {
			fprintf(stderr, "s5b-peer (%s) said:\n%s\n",
			        left <= 0 ? "timeout" : "ended", p->out);
			return NULL;
		}
		p->len += (size_t)r;
	}
}

static void peer_stop(struct peer *p)
{
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	close(p->fd);
}

static bool have_slixmpp(void)
{
	return access("/usr/lib/python3/dist-packages/slixmpp/__init__.py", R_OK) == 0;
}

static void same_sha256(const char *a, const char *b)
{
	char *ha = json_field(a, "sha256"), *hb = json_field(b, "sha256");

	cr_assert_not_null(ha, "%s", a);
	cr_assert_not_null(hb, "%s", b);
	cr_assert_str_eq(ha, hb);
	free(ha);
	free(hb);
}

/* slixmpp opens the stream through the proxy and activates it; jabiru is
 * the target. */
Test(s5b, slixmpp_sends_through_the_proxy)
{
	const char *args[] = {"send", BOB_FULL, "i1", "1048576", NULL}, *b, *s;
	struct peer p;

	if (!have_slixmpp())
		cr_skip_test("python3-slixmpp is not installed");
	cr_assert(jproc_send(bob, "recv i1"));
	cr_assert_not_null(jproc_expect_field(bob, "s5b-expect", "sid", "i1", HARNESS_TIMEOUT_MS));
	peer_start(&p, args);
	b = jproc_expect_field(bob, "s5b-done", "sid", "i1", HARNESS_TIMEOUT_MS);
	s = peer_wait(&p, "\"sent\"", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(b, "jabiru did not receive from slixmpp");
	cr_assert_not_null(s, "slixmpp did not finish");
	cr_assert(json_field_is(b, "bytes", "1048576"), "%s", b);
	cr_assert(json_field_is(b, "method", "socks5-proxy"), "%s", b);
	same_sha256(b, s);
	peer_stop(&p);
}

/* jabiru offers its own address and the proxy; slixmpp connects to both at
 * once and names the first: jabiru must use the one named. */
Test(s5b, jabiru_sends_to_slixmpp)
{
	const char *args[] = {"recv", "i2", NULL}, *a, *r;
	struct peer p;

	if (!have_slixmpp())
		cr_skip_test("python3-slixmpp is not installed");
	peer_start(&p, args);
	cr_assert_not_null(peer_wait(&p, "\"waiting\"", HARNESS_TIMEOUT_MS));
	cr_assert(jproc_send(alice, "send carol@localhost/s5b i2 1048576"));
	a = jproc_expect_field(alice, "s5b-done", "sid", "i2", HARNESS_TIMEOUT_MS);
	r = peer_wait(&p, "\"received\"", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(a, "jabiru did not finish sending to slixmpp");
	cr_assert_not_null(r, "slixmpp did not receive");
	cr_assert(json_field_is(r, "bytes", "1048576"), "%s", r);
	/* slixmpp names the first streamhost that worked, in our order. */
	cr_assert(json_field_is(a, "method", "socks5-direct"), "%s", a);
	same_sha256(a, r);
	peer_stop(&p);
}
