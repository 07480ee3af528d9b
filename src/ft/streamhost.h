/* The streamhost list of XEP-0065 §5.3.1 (<query><streamhost jid host
 * port/>...</query>), parsed and built without any state. The initiator
 * builds it, the target parses it, and a proxy's own answer is one. */
#ifndef JABIRU_FT_STREAMHOST_H
#define JABIRU_FT_STREAMHOST_H

#include <stddef.h>
#include <strophe.h>

struct streamhost {
	char *jid;  /* as sent: hostile, never shown unsanitised */
	char *host; /* a name or an address literal, at most 255 bytes */
	int port;   /* 1..65535 */
};

/* Appends <streamhost/> for h to the query q. */
void streamhost_add(xmpp_stanza_t *q, const struct streamhost *h);
/* The usable <streamhost/> children of q, in order, at most max into out
 * (free each with streamhost_free). One without jid, host or a port in
 * range is skipped. Returns the count. */
size_t streamhost_parse(xmpp_stanza_t *q, struct streamhost *out, size_t max);
void streamhost_free(struct streamhost *h);

#endif
