/* The XMPP-level keepalive: after connect.ping_interval seconds in which
 * the server sent nothing, an XEP-0199 ping to it; no answer (and nothing
 * else) within connect.ping_timeout seconds and the session is declared
 * lost. TCP keepalive only notices a dead peer, not a server that keeps the
 * socket open and stops answering. */
#ifndef JABIRU_KEEPALIVE_H
#define JABIRU_KEEPALIVE_H

struct app;

void keepalive_init(struct app *app);
void keepalive_fini(struct app *app);

#endif
