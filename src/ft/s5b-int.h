/* Internals shared by the SOCKS5 bytestream files: s5b.c (the module,
 * streams, the data phase), s5b-target.c (the target's negotiation),
 * s5b-init.c (the initiator's) and s5b-proxy.c (proxy discovery). Not for other modules: they use
 * ft/s5b.h. */
#ifndef JABIRU_S5B_INT_H
#define JABIRU_S5B_INT_H

#include <stdbool.h>
#include <strophe.h>

#include "ft/bytestream.h"
#include "ft/s5b.h"
#include "ft/socks5.h"
#include "net/resolver.h"
#include "xmpp/ns.h"

#define S5B_MAX_HOSTS 8

struct loop_timer;

/* A SOCKS5 connection being set up: to a streamhost (target, or the
 * initiator to the proxy) or accepted on our listening socket. */
struct s5b_conn {
	struct s5b_stream *st;
	bool to_proxy; /* initiator: our connection to the proxy */
	struct socks5 s5;
	struct s5b_conn *next;
};

/* Addresses of one streamhost kept to try, in the resolver's order. */
#define S5B_HOST_ADDRS 4

/* A streamhost offered to us (target). Every host's name is looked up at
 * once when the list arrives, so hosts that do not resolve cost one
 * lookup timeout together, not one each in turn. */
struct s5b_host {
	char *jid, *host;
	int port;
	enum { H_RESOLVING, H_READY, H_FAILED } state;
	resolver_id dns; /* while H_RESOLVING */
	const char *why; /* H_FAILED */
	struct resolver_addr addrs[S5B_HOST_ADDRS];
	size_t naddrs;
};

enum s5b_phase {
	PH_NEGOTIATING, /* streamhosts offered or being tried */
	PH_ACTIVATING,  /* initiator: proxy connected, activate sent */
	PH_OPEN,        /* bytes flow */
	PH_FINISHING,   /* initiator: FIN sent, waiting for the peer's close */
	PH_DEAD,        /* closed or aborted; freed when no callback runs */
};

struct s5b_stream {
	struct bytestream bs; /* first: the public part */
	struct s5b *m;
	/* What an iq answer names the stream by: the answer can come after
	 * the stream is gone, so it is looked up, never pointed to. */
	unsigned serial;
	enum s5b_phase phase;
	char hash[SOCKS5_HASH_LEN + 1];
	char *iq_id;   /* target: the query to answer */
	char *self;    /* our full JID when it started */
	int listen_fd; /* initiator, direct offered */
	char listen_host[64];
	int listen_port;
	struct s5b_conn *conns; /* candidates */
	struct s5b_host hosts[S5B_MAX_HOSTS];
	size_t nhosts, cur; /* target: the streamhost being tried */
	char *proxy_jid;    /* initiator: the proxy offered */
	char *proxy_host;
	int proxy_port;
	struct loop_timer *timer;    /* per-host timeout, or the finish wait */
	struct loop_timer *deadline; /* the whole negotiation */
	int fd;                      /* the data socket once open */
	unsigned char *rbuf;         /* target: the read buffer while open */
	bool via_proxy;
	const char *last_why; /* target: why the last streamhost failed */
	bool want_writable;
	int busy; /* callbacks running: freeing waits */
	struct s5b_stream *next;
};

struct s5b {
	struct app *app;
	struct s5b_settings set;
	/* the proxy known for this login: jid, host, port */
	char *proxy_jid, *proxy_host;
	int proxy_port;
	resolver_id proxy_dns; /* the proxy's host name being looked up */
	int disco_pending;
	bytestream_attach_fn attach; /* where incoming streams go */
	void *attach_ud;
	struct s5b_stream *streams;
	unsigned next_serial;
};

/* s5b.c */
xmpp_ctx_t *s5b_ctx(struct s5b *m);
xmpp_conn_t *s5b_xconn(struct s5b *m);
void s5b_send(struct s5b *m, xmpp_stanza_t *st);
/* Sends iq (releasing it); fn gets the answer with the stream looked up
 * by its serial: NULL when it ended meanwhile (and for the proxy lookups,
 * which belong to no stream). Nothing is called when the session ends
 * first. */
typedef void (*s5b_answer_fn)(struct s5b *m, struct s5b_stream *st, xmpp_stanza_t *reply);
void s5b_request(struct s5b *m, struct s5b_stream *st, xmpp_stanza_t *iq, s5b_answer_fn fn);
struct s5b_stream *s5b_stream_new(struct s5b *m, enum bs_role role, const char *sid,
                                  const char *peer, const struct bytestream_cb *cb, void *owner);
/* Ends the stream: cb->closed(error) unless aborted, then frees when idle. */
void s5b_stream_fail(struct s5b_stream *st, const char *error);
/* Unlinks and frees a stream at once (no callback). */
void s5b_stream_free(struct s5b_stream *st);
/* The SOCKS5 handshake on fd is done: the stream carries bytes now. */
void s5b_stream_open(struct s5b_stream *st, int fd, bool via_proxy);
void s5b_conn_free(struct s5b_stream *st, struct s5b_conn *c, bool close_fd);
/* Starts a non-blocking TCP connect to host:port, host an IP literal (a
 * name is looked up first, without blocking: see struct s5b_host and the
 * proxy discovery). -1 with *why set on failure. */
int s5b_connect(const char *host, int port, const char **why);
int s5b_connect_addr(const struct resolver_addr *a, const char **why);
void s5b_watch_conn(struct s5b_conn *c);
int s5b_timeout(struct s5b *m, int ms, int dflt);

/* s5b-target.c */
/* An incoming streamhost list (type set), answered in every case. */
bool s5b_target_query(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *payload, void *ud);
/* The target's SOCKS5 connection to the streamhost being tried is done or
 * failed: answer streamhost-used and open, or try the next host. */
void s5b_target_conn_done(struct s5b_stream *st, struct s5b_conn *c);
/* No lookup may call back into a stream that is gone. */
void s5b_hosts_cancel(struct s5b_stream *st);
/* An iq error answer to id from us to to. */
void s5b_reply_error(struct s5b *m, const char *to, const char *id, const char *type,
                     const char *condition);

/* s5b-init.c */
struct bytestream *s5b_init_start(struct s5b *m, const char *sid, const char *peer,
                                  const struct bytestream_cb *cb, void *owner);
/* An accepted or proxy SOCKS5 connection of an initiator made progress. */
void s5b_init_conn_done(struct s5b_stream *st, struct s5b_conn *c);

/* s5b-proxy.c */
void s5b_proxy_discover(struct s5b *m);
void s5b_proxy_forget(struct s5b *m);

#endif
