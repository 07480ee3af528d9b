/* The XMPP-level keepalive: after connect.ping_interval seconds in which
 * the server sent nothing, an XEP-0199 ping to it; no answer (and nothing
 * else) within connect.ping_timeout seconds and the session is declared
 * lost. TCP keepalive only notices a dead peer, not a server that keeps the
 * socket open and stops answering. */
#ifndef JABIRU_KEEPALIVE_H
#define JABIRU_KEEPALIVE_H

struct app;
struct config;
struct loop;
struct session;
struct keepalive;

/* Watches the session s; its owner (main.c) keeps the handle. */
struct keepalive *keepalive_new(struct app *app, struct loop *loop, struct session *s,
                                struct config *cfg);
void keepalive_free(struct keepalive *k);

#endif
