#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "util/jid.h"
#include "util/str.h"
#include "xmpp/iq-request.h"

struct pending {
	struct iq_requests *rq;
	unsigned handle;
	iq_reply_fn fn;
	void *ud;
	xmpp_conn_t *conn; /* the handler's connection; NULL: none added */
	char *id;
	char *to; /* where the request went; NULL: our own account */
	char *me; /* our JID when it was sent */
	struct loop_timer *timer;
	struct pending *next;
};

struct iq_requests {
	struct app *app;
	struct loop *loop;
	struct pending *list;
	/* Being ended by iq_requests_drop_all: still cancellable. */
	struct pending *dropping;
	unsigned next_handle;
	size_t count;
};

struct iq_requests *iq_requests_new(struct app *app, struct loop *loop)
{
	struct iq_requests *rq = xcalloc(1, sizeof(*rq));

	rq->app = app;
	rq->loop = loop;
	return rq;
}

static struct pending *find_in(struct pending *p, unsigned handle)
{
	for (; p != NULL; p = p->next)
		if (p->handle == handle)
			return p;
	return NULL;
}

static struct pending *find(struct iq_requests *rq, unsigned handle)
{
	struct pending *p = find_in(rq->list, handle);

	return p != NULL ? p : find_in(rq->dropping, handle);
}

static bool unlink_from(struct pending **pp, struct pending *p)
{
	for (; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return true;
		}
	return false;
}

static void unlink_pending(struct pending *p)
{
	if (unlink_from(&p->rq->list, p) || unlink_from(&p->rq->dropping, p))
		p->rq->count--;
}

/* Gone from the table and its timer; the libstrophe handler is the
 * caller's to remove (or to let libstrophe remove, from inside it). */
static void pending_free(struct pending *p)
{
	if (p->timer != NULL)
		loop_timer_del(p->rq->loop, p->timer);
	free(p->id);
	free(p->to);
	free(p->me);
	free(p);
}

static int on_reply(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud);

/* Ends p without an answer: out of libstrophe by the handler it was added
 * with, then its owner told. */
static void end_unanswered(struct pending *p, bool tell)
{
	struct app *app = p->rq->app;
	iq_reply_fn fn = p->fn;
	void *ud = p->ud;

	unlink_pending(p);
	if (p->conn != NULL)
		xmpp_id_handler_delete(p->conn, on_reply, p->id);
	pending_free(p);
	if (tell)
		fn(app, NULL, ud);
}

/* Only the entity asked may answer, and only with an iq result or error:
 * libstrophe matches ids on any stanza, from anyone (RFC 6120 §8.1.2.1). */
static bool genuine_reply(const struct pending *p, xmpp_stanza_t *st)
{
	const char *name = xmpp_stanza_get_name(st), *type = xmpp_stanza_get_type(st);
	const char *from = xmpp_stanza_get_from(st);

	if (name == NULL || strcmp(name, "iq") != 0 || type == NULL ||
	    (strcmp(type, "result") != 0 && strcmp(type, "error") != 0))
		return false;
	if (p->to == NULL)
		return from == NULL || (p->me != NULL && jid_bare_eq(from, p->me));
	return from != NULL && (strcmp(from, p->to) == 0 ||
	                        (jid_resource_str(p->to) == NULL &&
	                         jid_resource_str(from) == NULL && jid_bare_eq(from, p->to)));
}

/* Returning 0 has libstrophe delete this handler itself: it must not be
 * deleted here as well. */
static int on_reply(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct pending *p = ud;
	struct app *app = p->rq->app;
	iq_reply_fn fn = p->fn;
	void *owner = p->ud;

	(void)conn;
	if (!genuine_reply(p, st))
		return 1; /* keep waiting for the real answer */
	unlink_pending(p);
	pending_free(p);
	fn(app, st, owner);
	return 0;
}

static void on_timeout(void *ud)
{
	struct pending *p = ud;

	p->timer = NULL;
	end_unanswered(p, true);
}

static bool id_pending(struct iq_requests *rq, const char *id)
{
	for (struct pending *p = rq->list; p != NULL; p = p->next)
		if (strcmp(p->id, id) == 0)
			return true;
	return false;
}

static char *fresh_id(xmpp_stanza_t *iq)
{
	xmpp_ctx_t *ctx = xmpp_stanza_get_context(iq);
	char *u = xmpp_uuid_gen(ctx), *id = xstrdup(u != NULL ? u : "jabiru");

	xmpp_free(ctx, u);
	return id;
}

unsigned iq_requests_add(struct iq_requests *rq, xmpp_conn_t *conn, const char *me,
                         xmpp_stanza_t *iq, iq_reply_fn fn, void *ud)
{
	const char *id = xmpp_stanza_get_id(iq), *to = xmpp_stanza_get_to(iq);
	struct pending *p;

	/* A second handler on one id would be fired inside the first's. */
	if (id != NULL && id_pending(rq, id))
		return 0;
	p = xcalloc(1, sizeof(*p));
	p->rq = rq;
	if (++rq->next_handle == 0)
		rq->next_handle = 1;
	p->handle = rq->next_handle;
	p->fn = fn;
	p->ud = ud;
	p->conn = conn;
	p->id = id != NULL ? xstrdup(id) : fresh_id(iq);
	p->to = to != NULL ? xstrdup(to) : NULL;
	p->me = me != NULL ? xstrdup(me) : NULL;
	xmpp_stanza_set_id(iq, p->id);
	p->next = rq->list;
	rq->list = p;
	rq->count++;
	if (conn != NULL)
		xmpp_id_handler_add(conn, on_reply, p->id, p);
	else
		p->timer = loop_timer_add(rq->loop, 0, on_timeout, p);
	return p->handle;
}

void iq_requests_set_timeout(struct iq_requests *rq, unsigned handle, unsigned ms)
{
	struct pending *p = handle != 0 ? find(rq, handle) : NULL;

	if (p == NULL || p->conn == NULL)
		return; /* unknown, or already answered from the loop */
	if (p->timer != NULL)
		loop_timer_del(rq->loop, p->timer);
	p->timer = loop_timer_add(rq->loop, ms, on_timeout, p);
}

void iq_requests_cancel(struct iq_requests *rq, unsigned handle)
{
	struct pending *p = rq != NULL && handle != 0 ? find(rq, handle) : NULL;

	if (p != NULL)
		end_unanswered(p, false);
}

/* Only the requests pending now: one an owner makes again from its
 * callback waits for its own answer (or its own end), and one it cancels
 * from there is not told. */
void iq_requests_drop_all(struct iq_requests *rq)
{
	rq->dropping = rq->list;
	rq->list = NULL;
	while (rq->dropping != NULL)
		end_unanswered(rq->dropping, true);
}

void iq_requests_free(struct iq_requests *rq)
{
	if (rq == NULL)
		return;
	iq_requests_drop_all(rq);
	free(rq);
}

size_t iq_requests_count(const struct iq_requests *rq)
{
	return rq->count;
}
