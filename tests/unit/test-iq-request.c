/* The one way to await an iq's answer: an answer reaches its owner once,
 * from the entity asked only; a timeout or a cancel ends it; and nothing
 * is left in libstrophe for a late answer to find. libstrophe's id
 * handlers are replaced here by a table the test can fire and inspect. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "loop.h"
#include "xmpp/iq-request.h"

#define FAKE_CONN ((xmpp_conn_t *)&fake_conn_storage)
#define ME        "me@example.org/jabiru"

static int fake_conn_storage;
static xmpp_ctx_t *ctx;
static struct loop *loop;
static struct iq_requests *rq;

/* ---- libstrophe's id handlers, faked ---------------------------------- */

struct fake_handler {
	xmpp_handler fn;
	char id[128];
	void *ud;
	bool live;
};
static struct fake_handler handlers[16];
static size_t nhandlers;

void xmpp_id_handler_add(xmpp_conn_t *conn, xmpp_handler handler, const char *id, void *ud)
{
	cr_assert_eq(conn, FAKE_CONN);
	cr_assert_lt(nhandlers, 16);
	handlers[nhandlers].fn = handler;
	strncpy(handlers[nhandlers].id, id, sizeof(handlers[0].id) - 1);
	handlers[nhandlers].ud = ud;
	handlers[nhandlers++].live = true;
}

void xmpp_id_handler_delete(xmpp_conn_t *conn, xmpp_handler handler, const char *id)
{
	cr_assert_eq(conn, FAKE_CONN);
	for (size_t i = 0; i < nhandlers; i++)
		if (handlers[i].live && handlers[i].fn == handler &&
		    strcmp(handlers[i].id, id) == 0)
			handlers[i].live = false;
}

static size_t live_handlers(void)
{
	size_t n = 0;

	for (size_t i = 0; i < nhandlers; i++)
		n += handlers[i].live;
	return n;
}

/* What libstrophe does with a stanza that has an id: every live handler
 * for it, removed when it returns 0. */
static void deliver(const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);

	cr_assert_not_null(st, "%s", xml);
	for (size_t i = 0; i < nhandlers; i++)
		if (handlers[i].live && strcmp(handlers[i].id, xmpp_stanza_get_id(st)) == 0 &&
		    handlers[i].fn(FAKE_CONN, st, handlers[i].ud) == 0)
			handlers[i].live = false;
	xmpp_stanza_release(st);
}

/* ---- an owner --------------------------------------------------------- */

struct owner {
	int calls;
	bool got_null;
	char type[16];
	bool quit;
};

static void on_answer(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	struct owner *o = ud;

	(void)app;
	o->calls++;
	o->got_null = reply == NULL;
	if (reply != NULL)
		strncpy(o->type, xmpp_stanza_get_type(reply), sizeof(o->type) - 1);
	if (o->quit)
		loop_quit(loop);
}

static void setup(void)
{
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
	loop = loop_new();
	rq = iq_requests_new(NULL, loop);
	nhandlers = 0;
}

static void teardown(void)
{
	iq_requests_free(rq);
	loop_free(loop);
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
}

TestSuite(iq_request, .init = setup, .fini = teardown, .timeout = 10);

static unsigned ask(const char *to, const char *id, struct owner *o)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", id);
	unsigned h;

	if (to != NULL)
		xmpp_stanza_set_to(iq, to);
	h = iq_requests_add(rq, FAKE_CONN, ME, iq, on_answer, o);
	xmpp_stanza_release(iq);
	return h;
}

Test(iq_request, the_answer_reaches_its_owner_once)
{
	struct owner o = {0};

	cr_assert_neq(ask("bob@example.org/x", "q1", &o), 0);
	cr_expect_eq(iq_requests_count(rq), 1);
	deliver("<iq type='result' id='q1' from='bob@example.org/x'/>");
	cr_expect_eq(o.calls, 1);
	cr_expect_str_eq(o.type, "result");
	cr_expect_eq(live_handlers(), 0, "libstrophe's handler was kept");
	deliver("<iq type='result' id='q1' from='bob@example.org/x'/>");
	cr_expect_eq(o.calls, 1, "a second answer reached the owner");
	cr_expect_eq(iq_requests_count(rq), 0);
}

Test(iq_request, a_request_without_id_gets_one)
{
	struct owner o = {0};
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", NULL);
	char xml[256];

	iq_requests_add(rq, FAKE_CONN, ME, iq, on_answer, &o);
	cr_assert_not_null(xmpp_stanza_get_id(iq));
	cr_expect_str_eq(handlers[0].id, xmpp_stanza_get_id(iq));
	snprintf(xml, sizeof(xml), "<iq type='error' id='%s'/>", xmpp_stanza_get_id(iq));
	xmpp_stanza_release(iq);
	deliver(xml); /* no from: our own server */
	cr_expect_eq(o.calls, 1);
	cr_expect_str_eq(o.type, "error");
}

Test(iq_request, an_answer_from_the_wrong_jid_is_not_taken)
{
	struct owner o = {0}, mine = {0};

	ask("bob@example.org/x", "q1", &o);
	deliver("<iq type='result' id='q1' from='eve@example.org/x'/>");
	deliver("<iq type='result' id='q1'/>");
	deliver("<message type='chat' id='q1' from='bob@example.org/x'/>");
	cr_expect_eq(o.calls, 0, "an answer from someone else was taken");
	cr_expect_eq(live_handlers(), 1);
	deliver("<iq type='error' id='q1' from='bob@example.org/x'/>");
	cr_expect_eq(o.calls, 1);
	/* A request to our own account: the server (no from) or our bare JID. */
	ask(NULL, "q2", &mine);
	deliver("<iq type='result' id='q2' from='eve@example.org'/>");
	cr_expect_eq(mine.calls, 0);
	deliver("<iq type='result' id='q2' from='me@example.org'/>");
	cr_expect_eq(mine.calls, 1);
}

Test(iq_request, the_timeout_ends_it_with_null)
{
	struct owner o = {.quit = true};
	unsigned h = ask("bob@example.org/x", "q1", &o);

	iq_requests_set_timeout(rq, h, 1);
	loop_run(loop);
	cr_expect_eq(o.calls, 1);
	cr_expect(o.got_null);
	cr_expect_eq(live_handlers(), 0, "a timed-out request left its handler");
	deliver("<iq type='result' id='q1' from='bob@example.org/x'/>");
	cr_expect_eq(o.calls, 1, "the late answer reached the owner");
}

Test(iq_request, a_cancelled_request_never_calls_back)
{
	struct owner o = {0}, other = {0};
	unsigned h = ask("bob@example.org/x", "q1", &o);

	ask("bob@example.org/x", "q2", &other);
	iq_requests_set_timeout(rq, h, 1);
	iq_requests_cancel(rq, h);
	cr_expect_eq(live_handlers(), 1, "the cancelled request's handler was kept");
	deliver("<iq type='result' id='q1' from='bob@example.org/x'/>");
	cr_expect_eq(o.calls, 0, "an answer after cancel reached the owner");
	iq_requests_cancel(rq, h); /* twice, and unknown handles: ignored */
	iq_requests_cancel(rq, 0);
	iq_requests_cancel(rq, 9999);
	iq_requests_drop_all(rq);
	cr_expect_eq(o.calls, 0, "a cancelled request was told of the end");
	cr_expect_eq(other.calls, 1);
	cr_expect(other.got_null);
}

/* The session ended: every owner told once, and the connection (which a
 * resumed stream will reuse) holds nothing that could replay an answer. */
Test(iq_request, drop_all_removes_every_handler)
{
	struct owner a = {0}, b = {0};

	ask("bob@example.org/x", "q1", &a);
	ask(NULL, "q2", &b);
	iq_requests_drop_all(rq);
	cr_expect_eq(a.calls, 1);
	cr_expect_eq(b.calls, 1);
	cr_expect(a.got_null && b.got_null);
	cr_expect_eq(live_handlers(), 0);
	cr_expect_eq(iq_requests_count(rq), 0);
	deliver("<iq type='result' id='q1' from='bob@example.org/x'/>");
	cr_expect_eq(a.calls, 1);
}

Test(iq_request, an_id_already_awaited_is_refused)
{
	struct owner a = {0}, b = {0};

	cr_assert_neq(ask("bob@example.org/x", "same", &a), 0);
	cr_expect_eq(ask("bob@example.org/x", "same", &b), 0);
	cr_expect_eq(live_handlers(), 1);
}

Test(iq_request, offline_the_owner_hears_from_the_loop)
{
	struct owner o = {.quit = true};
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", "q1");

	cr_assert_neq(iq_requests_add(rq, NULL, ME, iq, on_answer, &o), 0);
	xmpp_stanza_release(iq);
	cr_expect_eq(o.calls, 0, "called back from inside the request");
	loop_run(loop);
	cr_expect_eq(o.calls, 1);
	cr_expect(o.got_null);
}
