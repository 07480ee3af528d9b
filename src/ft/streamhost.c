#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft/streamhost.h"
#include "util/str.h"

/* A DNS name is at most 255 bytes; SOCKS5's DST.ADDR length is a byte. */
#define STREAMHOST_MAX_HOST 255

void streamhost_add(xmpp_stanza_t *q, const struct streamhost *h)
{
	xmpp_stanza_t *el = xmpp_stanza_new(xmpp_stanza_get_context(q));
	char port[16];

	snprintf(port, sizeof(port), "%d", h->port);
	xmpp_stanza_set_name(el, "streamhost");
	xmpp_stanza_set_attribute(el, "jid", h->jid);
	xmpp_stanza_set_attribute(el, "host", h->host);
	xmpp_stanza_set_attribute(el, "port", port);
	xmpp_stanza_add_child_ex(q, el, 0);
}

static bool parse_one(xmpp_stanza_t *c, struct streamhost *out)
{
	const char *name = xmpp_stanza_get_name(c), *jid, *host, *port;
	char *end;
	long p;

	if (xmpp_stanza_is_text(c) || name == NULL || strcmp(name, "streamhost") != 0)
		return false;
	jid = xmpp_stanza_get_attribute(c, "jid");
	host = xmpp_stanza_get_attribute(c, "host");
	port = xmpp_stanza_get_attribute(c, "port");
	if (jid == NULL || host == NULL || port == NULL || host[0] == '\0' ||
	    strlen(host) > STREAMHOST_MAX_HOST)
		return false;
	p = strtol(port, &end, 10);
	if (port[0] == '\0' || *end != '\0' || p <= 0 || p > 65535)
		return false;
	out->jid = xstrdup(jid);
	out->host = xstrdup(host);
	out->port = (int)p;
	return true;
}

size_t streamhost_parse(xmpp_stanza_t *q, struct streamhost *out, size_t max)
{
	size_t n = 0;

	for (xmpp_stanza_t *c = xmpp_stanza_get_children(q); c != NULL && n < max;
	     c = xmpp_stanza_get_next(c))
		if (parse_one(c, &out[n]))
			n++;
	return n;
}

void streamhost_free(struct streamhost *h)
{
	free(h->jid);
	free(h->host);
	h->jid = h->host = NULL;
}
