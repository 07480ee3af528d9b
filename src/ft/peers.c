/* File transfer and the other side: which contacts may send us files,
 * which of their resources can receive them (presence, then disco#info),
 * what we advertise, and the iq plumbing the transfer files share. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "ft/ft-int.h"
#include "i18n.h"
#include "util/jid.h"
#include "util/str.h"
#include "xmpp/disco.h"
#include "xmpp/iq.h"
#include "xmpp/session.h"

#define MAX_RESOURCES 16

struct ft_iq {
	ft_iq_cb cb;
	unsigned serial;
};

void ft_set_contact_check(struct app *app, ft_contact_fn fn, void *ud)
{
	app->ft->contact_fn = fn;
	app->ft->contact_ud = ud;
}

bool ft_is_contact(struct app *app, const char *jid)
{
	struct ft *ft = app->ft;
	char bare[JID_MAX + 1];

	jid_bare_str(jid, bare, sizeof(bare));
	if (ft->contact_fn != NULL)
		return ft->contact_fn(ft->contact_ud, bare);
	/* Without the roster: the server sends us the presence of the JIDs we
	 * are subscribed to, that is of contacts in our roster, and of nobody
	 * else (RFC 6121 §4). Whoever we heard presence from this session is
	 * one. */
	return lru_get(&ft->resources, bare) != NULL;
}

/* ---- iq plumbing ------------------------------------------------------ */

/* The owner is named by its serial, never pointed to: the answer may come
 * after it ended. */
static void on_iq_reply(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	struct ft_iq q = *(struct ft_iq *)ud;

	free(ud);
	if (reply != NULL && app->ft != NULL) /* NULL: the session ended first */
		q.cb(app, q.serial, reply);
}

void ft_iq_send(struct app *app, xmpp_stanza_t *iq, ft_iq_cb cb, unsigned serial)
{
	struct ft_iq *q = xmalloc(sizeof(*q));

	q->cb = cb;
	q->serial = serial;
	iq_request(app, iq, on_iq_reply, q);
	xmpp_stanza_release(iq);
}

void ft_iq_error(struct app *app, xmpp_stanza_t *iq, const char *type, const char *cond)
{
	xmpp_stanza_t *e = si_error_build(session_ctx(app->session), xmpp_stanza_get_from(iq),
	                                  xmpp_stanza_get_id(iq), type, cond, false);

	session_send(app->session, e);
	xmpp_stanza_release(e);
}

void ft_iq_result(struct app *app, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *r = xmpp_iq_new(session_ctx(app->session), "result", xmpp_stanza_get_id(iq));

	if (xmpp_stanza_get_from(iq) != NULL)
		xmpp_stanza_set_to(r, xmpp_stanza_get_from(iq));
	session_send(app->session, r);
	xmpp_stanza_release(r);
}

/* ---- resources of contacts -------------------------------------------- */

/* Remembers which resources of a contact are available: /sendfile to a bare
 * JID asks them, in order, whether they take files. */
static int on_presence(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct ft *ft = ((struct app *)ud)->ft;
	const char *from = xmpp_stanza_get_from(st), *type = xmpp_stanza_get_type(st), *res;
	char bare[JID_MAX + 1], *list, *line;
	struct buf b;
	size_t count = 0;
	bool available;

	(void)conn;
	if (from == NULL || (res = jid_resource_str(from)) == NULL || strchr(res, '\n') != NULL)
		return 1;
	available = type == NULL;
	if (!available && strcmp(type, "unavailable") != 0)
		return 1;
	if (!available)
		transfer_peer_gone(ft, from);
	jid_bare_str(from, bare, sizeof(bare));
	list = lru_get(&ft->resources, bare);
	buf_init(&b);
	for (char *p = list; p != NULL && *p != '\0'; p = line + 1) {
		line = strchr(p, '\n');
		if ((size_t)(line - p) == strlen(res) && strncmp(p, res, strlen(res)) == 0)
			continue;
		buf_append(&b, p, (size_t)(line - p) + 1);
		count++;
	}
	if (available && count < MAX_RESOURCES)
		buf_printf(&b, "%s\n", res);
	lru_put(&ft->resources, bare, xstrdup(buf_cstr(&b)));
	buf_free(&b);
	return 1;
}

/* ---- disco#info ------------------------------------------------------- */

static void on_disco_answer(struct app *app, unsigned serial, xmpp_stanza_t *reply)
{
	struct transfer *t = transfer_find(app->ft, serial);
	const char *type = xmpp_stanza_get_type(reply);

	if (t == NULL || t->state != FT_RESOLVING)
		return;
	if ((type == NULL || strcmp(type, "result") == 0) && disco_info_has_feature(reply, NS_SI) &&
	    disco_info_has_feature(reply, NS_SI_FT)) {
		free(t->peer);
		t->peer = xstrdup(t->cands[t->cand]);
		transfer_start_hashing(t, ft_send_offer);
		return;
	}
	t->cand++;
	ft_peers_resolve(t);
}

/* Asks the next candidate resource for its features. */
void ft_peers_resolve(struct transfer *t)
{
	xmpp_ctx_t *ctx = session_ctx(t->app->session);
	xmpp_stanza_t *iq, *q;
	char *id, *reason;

	if (t->cand == t->ncands) {
		reason = xasprintf(_("%s has no online resource that accepts files "
		                     "(SI file transfer)"),
		                   t->peer);
		transfer_fail(t, FT_FAILED, reason);
		free(reason);
		return;
	}
	id = session_new_id(t->app->session);
	iq = xmpp_iq_new(ctx, "get", id);
	free(id);
	xmpp_stanza_set_to(iq, t->cands[t->cand]);
	q = xmpp_stanza_new(ctx);
	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, XMPP_NS_DISCO_INFO);
	xmpp_stanza_add_child_ex(iq, q, 0);
	ft_iq_send(t->app, iq, on_disco_answer, t->id);
}

/* The full JIDs to ask: the one given, or every available resource. */
void ft_peers_candidates(struct transfer *t, const struct jid *j)
{
	char bare[JID_MAX + 1], full[2 * JID_MAX + 2];
	const char *list;

	jid_bare(j, bare, sizeof(bare));
	if (j->resource[0] != '\0') {
		t->cands = xcalloc(1, sizeof(char *));
		t->cands[t->ncands++] = xstrdup(jid_full(j, full, sizeof(full)));
		return;
	}
	list = lru_get(&t->app->ft->resources, bare);
	t->cands = xcalloc(MAX_RESOURCES, sizeof(char *));
	for (const char *p = list; p != NULL && *p != '\0' && t->ncands < MAX_RESOURCES;) {
		const char *nl = strchr(p, '\n');

		t->cands[t->ncands++] = xasprintf("%s/%.*s", bare, (int)(nl - p), p);
		p = nl + 1;
	}
}

void ft_peers_online(struct app *app, xmpp_conn_t *conn)
{
	xmpp_handler_add(conn, on_presence, NULL, "presence", NULL, app);
}
