/* The non-blocking resolver (src/net/resolver.c) against the tests' own DNS
 * server on 127.0.0.1 (tests/harness/dnsserver.c), one that answers and one
 * that never does: addresses, SRV order, failures, deadlines, cancelling,
 * literals without DNS. No query leaves the machine: every resolver here
 * is pointed at the test server first. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/dnsserver.h"
#include "loop.h"
#include "net/resolver.h"

static const struct dns_record records[] = {
    {"host.test", 1, "192.0.2.7"},
    {"host.test", 28, "2001:db8::7"},
    {"v4only.test", 1, "192.0.2.8"},
    {"_xmpp-client._tcp.example.test", 33, "20 0 5222 backup.example.test"},
    {"_xmpp-client._tcp.example.test", 33, "10 0 5223 first.example.test."},
    {"_xmpp-client._tcp.example.test", 33, "30 5 5224 last.example.test"},
    {"_xmpps-client._tcp.example.test", 33, "0 0 0 ."},
    {NULL, 0, NULL},
};

static struct loop *L;
static struct resolver *R;
static struct dns_server *S;

struct got {
	int calls;
	resolver_id id;
	enum resolver_status status;
	char error[128];
	char addrs[4][64];
	int ports[4];
	size_t naddrs;
	char srv[4][64];
	int srv_ports[4];
	size_t nsrv;
	bool quit; /* quit the loop when it comes */
};

static void on_result(void *ud, const struct resolver_result *res)
{
	struct got *g = ud;

	g->calls++;
	g->id = res->id;
	g->status = res->status;
	snprintf(g->error, sizeof(g->error), "%s", res->error != NULL ? res->error : "");
	g->naddrs = res->naddrs;
	for (size_t i = 0; i < res->naddrs && i < 4; i++) {
		const struct sockaddr_storage *ss = &res->addrs[i].sa;

		if (ss->ss_family == AF_INET) {
			const struct sockaddr_in *in = (const void *)ss;

			inet_ntop(AF_INET, &in->sin_addr, g->addrs[i], sizeof(g->addrs[i]));
			g->ports[i] = ntohs(in->sin_port);
		} else {
			const struct sockaddr_in6 *in6 = (const void *)ss;

			inet_ntop(AF_INET6, &in6->sin6_addr, g->addrs[i], sizeof(g->addrs[i]));
			g->ports[i] = ntohs(in6->sin6_port);
		}
	}
	g->nsrv = res->nsrv;
	for (size_t i = 0; i < res->nsrv && i < 4; i++) {
		snprintf(g->srv[i], sizeof(g->srv[i]), "%s", res->srv[i].target);
		g->srv_ports[i] = res->srv[i].port;
	}
	if (g->quit)
		loop_quit(L);
}

static void on_guard(void *ud)
{
	*(bool *)ud = true;
	loop_quit(L);
}

/* Runs the loop until a callback quits it; false if the guard ran out.
 * Once per test: a loop that was quit stays quit. */
static bool run(void)
{
	bool expired = false;
	struct loop_timer *guard = loop_timer_add(L, 15000, on_guard, &expired);

	loop_run(L);
	if (!expired)
		loop_timer_del(L, guard);
	return !expired;
}

static void start(bool answering)
{
	L = loop_new();
	R = resolver_new(L);
	cr_assert_not_null(R);
	S = dns_server_start(records, answering);
	cr_assert_not_null(S);
	cr_assert(resolver_set_servers(R, dns_server_addr(S)));
}

static void start_answering(void)
{
	start(true);
}

static void start_black_hole(void)
{
	start(false);
}

static void stop(void)
{
	resolver_free(R);
	loop_free(L);
	dns_server_stop(S);
	R = NULL;
	L = NULL;
	S = NULL;
}

static bool has_addr(const struct got *g, const char *addr, int port)
{
	for (size_t i = 0; i < g->naddrs && i < 4; i++)
		if (strcmp(g->addrs[i], addr) == 0 && g->ports[i] == port)
			return true;
	return false;
}

Test(resolver, a_and_aaaa_records_arrive_with_the_port, .init = start_answering, .fini = stop)
{
	struct got g = {.quit = true};
	resolver_id id = resolver_addrs(R, "host.test", 1080, 5000, on_result, &g);

	cr_assert_neq(id, 0);
	cr_assert_eq(g.calls, 0, "the callback ran inside resolver_addrs");
	cr_assert(run());
	cr_assert_eq(g.calls, 1);
	cr_expect_eq(g.id, id);
	cr_assert_eq(g.status, RESOLVER_OK, "%s", g.error);
	cr_expect_eq(g.naddrs, 2);
	cr_expect(has_addr(&g, "192.0.2.7", 1080));
	cr_expect(has_addr(&g, "2001:db8::7", 1080));
	cr_expect_eq(resolver_pending(R), 0);
}

Test(resolver, a_name_with_only_an_a_record, .init = start_answering, .fini = stop)
{
	struct got g = {.quit = true};

	resolver_addrs(R, "v4only.test", 7777, 5000, on_result, &g);
	cr_assert(run());
	cr_assert_eq(g.status, RESOLVER_OK, "%s", g.error);
	cr_expect_eq(g.naddrs, 1);
	cr_expect(has_addr(&g, "192.0.2.8", 7777));
}

Test(resolver, an_unknown_name_is_not_found, .init = start_answering, .fini = stop)
{
	struct got g = {.quit = true};

	resolver_addrs(R, "nowhere.test", 1, 5000, on_result, &g);
	cr_assert(run());
	cr_expect_eq(g.status, RESOLVER_NOT_FOUND);
	cr_expect_neq(g.error[0], '\0', "no reason given");
	cr_expect_gt(dns_server_seen(S, "nowhere.test"), 0, "our server was not asked");
}

/* Literals never reach DNS, and are still answered from the loop. */
Test(resolver, literals_are_answered_without_dns, .init = start_black_hole, .fini = stop)
{
	struct got a = {0}, b = {.quit = true};

	resolver_addrs(R, "127.0.0.1", 80, 5000, on_result, &a);
	resolver_addrs(R, "::1", 443, 5000, on_result, &b);
	cr_assert_eq(a.calls + b.calls, 0, "a callback ran inside resolver_addrs");
	cr_assert(run());
	cr_assert_eq(a.calls, 1);
	cr_expect_eq(a.status, RESOLVER_OK);
	cr_expect(has_addr(&a, "127.0.0.1", 80));
	cr_expect_eq(b.status, RESOLVER_OK);
	cr_expect(has_addr(&b, "::1", 443));
	cr_expect_eq(dns_server_total(S), 0, "a literal went to DNS");
}

Test(resolver, invalid_names_are_refused_without_a_query, .init = start_black_hole, .fini = stop)
{
	const char *bad[] = {
	    "a-label-that-is-longer-than-sixty-three-characters-cannot-resolve-ever.example",
	    "two..dots",
	    "spa ce.test",
	    "new\nline.test",
	    "",
	    ".",
	    "\xe4\xbe\x8b.test",
	    NULL};
	struct got g[8] = {{0}};

	for (int i = 0; bad[i] != NULL; i++)
		resolver_addrs(R, bad[i], 1, 5000, on_result, &g[i]);
	g[0].quit = true; /* the first was queued first: it comes first */
	cr_assert(run());
	for (int i = 0; bad[i] != NULL; i++) {
		cr_expect_eq(g[i].calls, 1, "%s", bad[i]);
		cr_expect_eq(g[i].status, RESOLVER_NOT_FOUND, "%s", bad[i]);
	}
	cr_expect_eq(dns_server_total(S), 0, "an invalid name went to DNS");
}

/* A server that never answers: the lookup ends at its deadline, and c-ares
 * retried by its own timers, not by waking the loop at a fixed interval. */
Test(resolver, a_silent_server_ends_at_the_deadline, .init = start_black_hole, .fini = stop)
{
	struct got g = {.quit = true};
	uint64_t wakeups = loop_wakeups(L);

	resolver_addrs(R, "host.test", 1, 1500, on_result, &g);
	cr_assert(run());
	cr_assert_eq(g.calls, 1);
	cr_expect_eq(g.status, RESOLVER_TIMEOUT);
	cr_expect_neq(g.error[0], '\0');
	cr_expect_gt(dns_server_seen(S, "host.test"), 0, "the black hole was not asked");
	cr_expect_lt(loop_wakeups(L) - wakeups, 40, "%llu wake-ups for one lookup",
	             (unsigned long long)(loop_wakeups(L) - wakeups));
	cr_expect_eq(resolver_pending(R), 0);
}

/* A cancelled lookup never calls back, even when its deadline passes. */
Test(resolver, a_cancelled_lookup_never_calls_back, .init = start_black_hole, .fini = stop)
{
	const char *names[] = {"host.test", NULL};
	struct got cancelled = {0}, later = {.quit = true};
	resolver_id id = resolver_addrs(R, "host.test", 1, 300, on_result, &cancelled);

	/* c-ares sends the question at once; cancel once it is out. */
	cr_assert(dns_server_wait_names(S, names, 5000), "the question was not sent");
	resolver_cancel(R, id);
	cr_expect_eq(resolver_pending(R), 0);
	resolver_cancel(R, id);     /* twice: nothing */
	resolver_cancel(R, 999999); /* never was: nothing */
	resolver_addrs(R, "v4only.test", 1, 1000, on_result, &later);
	cr_assert(run());
	cr_expect_eq(later.status, RESOLVER_TIMEOUT);
	cr_expect_eq(cancelled.calls, 0, "a cancelled lookup called back");
}

/* The owner may cancel another lookup, or start one, from a callback. */
struct chain {
	resolver_id other;
	struct got *other_got, *next_got;
};

static void on_first(void *ud, const struct resolver_result *res)
{
	struct chain *c = ud;

	(void)res;
	resolver_cancel(R, c->other);
	resolver_addrs(R, "::1", 5, 1000, on_result, c->next_got);
}

Test(resolver, callbacks_may_cancel_and_start_lookups, .init = start_black_hole, .fini = stop)
{
	struct got other = {0}, next = {.quit = true};
	struct chain c = {0, &other, &next};

	resolver_addrs(R, "127.0.0.1", 1, 1000, on_first, &c);
	c.other = resolver_addrs(R, "host.test", 1, 1000, on_result, &other);
	cr_assert(run());
	cr_expect_eq(next.calls, 1);
	cr_expect_eq(next.status, RESOLVER_OK);
	cr_expect_eq(other.calls, 0);
}

/* Freeing the resolver with lookups running calls nobody back (and leaks
 * nothing: ASan's leak check runs on this). */
Test(resolver, freeing_with_lookups_running, .init = start_black_hole, .fini = stop)
{
	struct got g = {0};

	resolver_addrs(R, "host.test", 1, 5000, on_result, &g);
	resolver_addrs(R, "v4only.test", 1, 5000, on_result, &g);
	resolver_addrs(R, "127.0.0.1", 1, 5000, on_result, &g);
	cr_expect_eq(resolver_pending(R), 3);
	resolver_free(R);
	R = NULL;
	cr_expect_eq(g.calls, 0);
}

Test(resolver, srv_records_come_by_priority, .init = start_answering, .fini = stop)
{
	struct got g = {.quit = true};

	resolver_srv(R, "xmpp-client", "example.test", 5000, on_result, &g);
	cr_assert(run());
	cr_assert_eq(g.status, RESOLVER_OK, "%s", g.error);
	cr_assert_eq(g.nsrv, 3);
	cr_expect_str_eq(g.srv[0], "first.example.test");
	cr_expect_eq(g.srv_ports[0], 5223);
	cr_expect_str_eq(g.srv[1], "backup.example.test");
	cr_expect_str_eq(g.srv[2], "last.example.test");
}

Test(resolver, srv_saying_no_service_is_not_found, .init = start_answering, .fini = stop)
{
	struct got g = {.quit = true};

	resolver_srv(R, "xmpps-client", "example.test", 5000, on_result, &g);
	cr_assert(run());
	cr_expect_eq(g.status, RESOLVER_NOT_FOUND);
}

Test(resolver, srv_of_an_unknown_domain_is_not_found, .init = start_answering, .fini = stop)
{
	struct got g = {.quit = true};

	resolver_srv(R, "xmpp-client", "nowhere.test", 5000, on_result, &g);
	cr_assert(run());
	cr_expect_eq(g.status, RESOLVER_NOT_FOUND, "%d: %s", g.status, g.error);
}

Test(resolver, server_lists)
{
	cr_expect(resolver_servers_valid(NULL));
	cr_expect(resolver_servers_valid(""));
	cr_expect(resolver_servers_valid("127.0.0.1"));
	cr_expect(resolver_servers_valid("127.0.0.1:5353"));
	cr_expect(resolver_servers_valid("::1"));
	cr_expect(resolver_servers_valid("[::1]:53,192.0.2.1"));
	cr_expect(!resolver_servers_valid("localhost"));
	cr_expect(!resolver_servers_valid("127.0.0.1:"));
	cr_expect(!resolver_servers_valid("127.0.0.1:0"));
	cr_expect(!resolver_servers_valid("127.0.0.1:70000"));
	cr_expect(!resolver_servers_valid("127.0.0.1,"));
	cr_expect(!resolver_servers_valid("[::1"));
	cr_expect(!resolver_servers_valid("[::1]x"));
	cr_expect(!resolver_servers_valid("1.2.3.4:53x"));
}
