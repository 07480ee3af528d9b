/* The requests jabiru sends and the one answer each awaits (RFC 6120
 * §8.2): a table of pending iqs, each with its owner's callback, an
 * optional timeout and a handle the owner cancels it by. The public face
 * is iq_request/iq_timeout/iq_cancel in xmpp/iq.h; this table is apart so
 * that a unit test can drive it without a server. */
#ifndef JABIRU_IQ_REQUEST_H
#define JABIRU_IQ_REQUEST_H

#include <stddef.h>
#include <strophe.h>

struct app;
struct loop;
struct iq_requests;

/* Called once per request: with the result or error, or with NULL when no
 * answer will come (the timeout passed, or the session ended first). */
typedef void (*iq_reply_fn)(struct app *app, xmpp_stanza_t *reply, void *ud);

struct iq_requests *iq_requests_new(struct app *app, struct loop *loop);
/* Ends every request first (iq_requests_drop_all). */
void iq_requests_free(struct iq_requests *rq);

/* Awaits the answer to iq on conn: gives iq a fresh id when it has none,
 * and takes an answer only from the
 * entity asked (me, our own JID, stands for a request without to). conn
 * NULL: not connected, fn gets NULL from the loop. Returns a handle, never
 * 0; 0 when iq's id is already awaited (fn will not be called). */
unsigned iq_requests_add(struct iq_requests *rq, xmpp_conn_t *conn, const char *me,
                         xmpp_stanza_t *iq, iq_reply_fn fn, void *ud);
/* fn gets NULL if no answer came ms from now. */
void iq_requests_set_timeout(struct iq_requests *rq, unsigned handle, unsigned ms);
/* fn will not be called for handle; its ud is the owner's again. An
 * unknown or finished handle (or 0) is ignored. */
void iq_requests_cancel(struct iq_requests *rq, unsigned handle);
/* Every request ends with fn(NULL), its handler deleted from the
 * connection it was added to: a reused connection (a resumed stream) can
 * never hand a late answer to memory its owner freed. */
void iq_requests_drop_all(struct iq_requests *rq);
size_t iq_requests_count(const struct iq_requests *rq);

#endif
