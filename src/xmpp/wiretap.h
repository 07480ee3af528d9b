/* The received side of the XML console as it was on the wire.
 *
 * libstrophe logs what it received re-serialised from its parsed tree:
 * attribute namespaces dropped (xml:lang becomes lang), the stream header
 * rebuilt without its namespace declarations. What it logs as sent is the
 * bytes it wrote. So the bytes it reads (after TLS, the decrypted ones) are
 * captured here (see interpose.c), split into stream headers and top-level
 * elements, and handed out one per element libstrophe logs as received, in
 * the same order. One connection at a time, as in session.c. */
#ifndef JABIRU_XMPP_WIRETAP_H
#define JABIRU_XMPP_WIRETAP_H

#include <stdbool.h>
#include <stddef.h>

/* Captures what is read from fd from now on (-1: nothing), forgetting what
 * was captured before. */
void wiretap_watch(int fd);
/* Bytes read from fd (interpose.c calls it for every read). */
void wiretap_feed(int fd, const void *buf, size_t len);
/* The wire form of the element libstrophe logged as received (its text is
 * logged), or NULL when the two do not match up (then show logged):
 * malloc'd, free with wiretap_free. */
char *wiretap_take(const char *logged);
/* Wipes and frees what wiretap_take returned: it can hold SASL data. */
void wiretap_free(char *wire);

#endif
