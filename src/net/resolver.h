/* Name lookups that never block the loop, on c-ares: a host's addresses
 * (A and AAAA) and a service's hosts (SRV, e.g. _xmpp-client._tcp and
 * _xmpps-client._tcp of a domain).
 *
 * Each lookup is its own c-ares channel, watched by the one poll loop
 * (c-ares tells which sockets to watch through its socket-state callback,
 * and ares_timeout() when to wake it next), with a deadline of its own.
 * Owning a lookup means holding its id: resolver_cancel(id) ends it at
 * once (sockets closed, timers gone) and its callback never runs; cancelling
 * an id that already finished or never was does nothing. The callback runs
 * exactly once otherwise, always from the loop, never from inside a
 * resolver_* call, so the owner has stored the id before it runs.
 *
 * Literal IP addresses are answered without any DNS query; names that are
 * not valid host names are refused without one. Name servers are those of
 * /etc/resolv.conf unless resolver_set_servers() names others (the
 * dns.servers setting; tests point it at a server of their own). */
#ifndef JABIRU_NET_RESOLVER_H
#define JABIRU_NET_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct loop;
struct resolver;

/* 0 is never a lookup. */
typedef uint64_t resolver_id;

enum resolver_status {
	RESOLVER_OK,
	RESOLVER_NOT_FOUND, /* no such name or record, or not a valid name */
	RESOLVER_TIMEOUT,   /* no answer before the deadline */
	RESOLVER_ERROR,     /* the name server failed, or we could not ask */
};

struct resolver_addr {
	struct sockaddr_storage sa; /* the port already set */
	socklen_t len;
};

struct resolver_srv {
	char *target; /* a host name, without the final dot */
	int port;
	int priority, weight;
};

struct resolver_result {
	resolver_id id;
	enum resolver_status status;
	const char *error; /* translated, why it failed; NULL when OK */
	/* An address lookup: in the order to try them (RFC 6724, as c-ares
	 * sorts them). */
	const struct resolver_addr *addrs;
	size_t naddrs;
	/* A SRV lookup: in the order to try them (RFC 2782: by priority,
	 * weighted at random within one). A domain that says "no such
	 * service" (the target ".") is RESOLVER_NOT_FOUND. */
	const struct resolver_srv *srv;
	size_t nsrv;
};

/* The result and everything it points to are valid only during the call. */
typedef void (*resolver_cb)(void *ud, const struct resolver_result *res);

struct resolver *resolver_new(struct loop *l);
/* Ends every lookup without callbacks. NULL is fine. */
void resolver_free(struct resolver *r);

/* "ADDR[:PORT][,ADDR[:PORT]...]" (IPv6 as [ADDR]:PORT) for the lookups
 * started from now on; NULL or "": /etc/resolv.conf's. False (nothing
 * changed) when servers is not such a list. */
bool resolver_set_servers(struct resolver *r, const char *servers);
/* Whether servers is such a list (or empty). */
bool resolver_servers_valid(const char *servers);

/* The addresses of host (a name or an IP literal), with port set in each.
 * timeout_ms bounds the whole lookup. */
resolver_id resolver_addrs(struct resolver *r, const char *host, int port, int timeout_ms,
                           resolver_cb cb, void *ud);
/* The SRV records of _service._tcp.domain (service e.g. "xmpp-client"). */
resolver_id resolver_srv(struct resolver *r, const char *service, const char *domain,
                         int timeout_ms, resolver_cb cb, void *ud);
void resolver_cancel(struct resolver *r, resolver_id id);

/* a's address without the port ("192.0.2.1", "2001:db8::1") into buf of
 * at least RESOLVER_ADDR_TEXT bytes; buf, or NULL when a is neither. */
#define RESOLVER_ADDR_TEXT 46
const char *resolver_addr_text(const struct resolver_addr *a, char *buf, size_t size);

/* How many lookups are running (tests and leak checks). */
size_t resolver_pending(const struct resolver *r);

#endif
