/* A tiny DNS server for the tests, on 127.0.0.1 (UDP, a free port), run by
 * a thread of the test process: it answers A, AAAA and SRV questions from a
 * table (NXDOMAIN for other names), or, as a black hole, never answers at
 * all. Either way it counts the questions it got, by name, so a test can
 * wait until a lookup is known to be hanging. Point jabiru at it with
 * JABIRU_DNS_SERVERS=dns_server_addr(); no query then leaves the machine. */
#ifndef JABIRU_TEST_DNSSERVER_H
#define JABIRU_TEST_DNSSERVER_H

#include <stdbool.h>
#include <stddef.h>

struct dns_record {
	const char *name; /* without the final dot */
	int type;         /* 1 (A), 28 (AAAA), 33 (SRV) */
	/* A: "192.0.2.1"; AAAA: "2001:db8::1"; SRV: "PRIORITY WEIGHT PORT TARGET" */
	const char *value;
};

struct dns_server;

/* records: a table ended by a zeroed entry (NULL: none). answer false: a
 * black hole. NULL (after printing why) on failure. */
struct dns_server *dns_server_start(const struct dns_record *records, bool answer);
/* "127.0.0.1:PORT" */
const char *dns_server_addr(const struct dns_server *s);
/* Questions seen so far for name (any type; case-insensitive). */
size_t dns_server_seen(struct dns_server *s, const char *name);
/* All questions seen so far. */
size_t dns_server_total(struct dns_server *s);
/* Waits until every name in names (NULL-terminated) was asked about at
 * least once, or the deadline passes; true when they were. */
bool dns_server_wait_names(struct dns_server *s, const char *const *names, int timeout_ms);
/* Stops the thread, closes the socket, frees s. NULL is fine. */
void dns_server_stop(struct dns_server *s);

#endif
