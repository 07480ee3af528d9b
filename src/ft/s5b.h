/* SOCKS5 Bytestreams (XEP-0065): the iq negotiation around socks5.c, for
 * both sides, behind the bytestream interface (ft/bytestream.h). Method names
 * reported: "socks5-direct" and "socks5-proxy".
 *
 * Initiator (sender): s5b_initiate() after the peer chose bytestreams. It
 * opens a listening socket for this stream (unless direct addresses are
 * off), sends the streamhost list (our address, then the proxy), and when
 * the peer names a streamhost, makes that the stream: our own accepted
 * connection with the matching hash, or a connection to the proxy that it
 * activates. cb->open comes only then; no byte is written before.
 *
 * Target (receiver): s5b answers every incoming bytestreams query itself.
 * It asks the attach callback given to s5b_init whether the sid from that
 * peer is expected and who owns it; an unknown sid is refused with
 * not-acceptable. It tries the streamhosts in order (per-host connect
 * timeout, overall deadline), answers streamhost-used and calls cb->open, or
 * answers item-not-found and calls cb->closed with the reason. */
#ifndef JABIRU_S5B_H
#define JABIRU_S5B_H

#include <stdbool.h>

#include "ft/bytestream.h"

struct app;

/* Settings (defaults in brackets), copied from the s5b.* settings of the
 * configuration at init and after /set; they apply to the next stream.
 * Strings are owned by s5b (str_set). */
struct s5b_settings {
	bool offer_direct; /* offer our own address [true] */
	bool use_proxy;    /* offer the server's proxy [true] */
	char *listen_addr; /* IP literal to listen on [NULL: the local address
	                    * of the XMPP connection] */
	int port_min;      /* listening port range [0, 0: any port] */
	int port_max;
	char *external_addr;    /* advertised host [NULL: the listening address] */
	char *proxy_jid;        /* a proxy set by hand [NULL: discovered at login] */
	int connect_timeout_ms; /* per streamhost [10000] */
	int deadline_ms;        /* all streamhosts of one query [30000] */
};

/* Registers the session hooks (proxy discovery at login, the iq handler);
 * incoming streams are offered to attach(ud, ...). ft makes it (its entry
 * in ft/method.c); the e2e tests' s5b-driver runs it alone. */
void s5b_init(struct app *app, bytestream_attach_fn attach, void *ud);
/* Aborts every stream (no callbacks) and frees everything. */
void s5b_fini(struct app *app);
struct s5b_settings *s5b_settings(struct app *app);

/* Initiator: starts the negotiation with peer (a full JID) for sid. The
 * stream is returned at once; cb->open or cb->closed follow. NULL (and no
 * callback) when offline or when there is no streamhost at all to offer
 * (direct addresses off and no proxy known): fall back to another method. */
struct bytestream *s5b_initiate(struct app *app, const char *sid, const char *peer_full_jid,
                                const struct bytestream_cb *cb, void *owner);

#endif
