/* SOCKS5 Bytestreams: finding the server's proxy at login. A proxy set by
 * hand is asked for its address; otherwise the items of our domain are
 * asked for their identity, and the first proxy/bytestreams one for its
 * address (XEP-0065 §4). The answer is kept for the login. Every step is
 * an iq with an id handler; nothing waits. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "ft/s5b-int.h"
#include "ft/streamhost.h"
#include "i18n.h"
#include "loop.h"
#include "util/str.h"
#include "xmpp/disco.h"
#include "xmpp/session.h"

/* Items of the domain asked about at most (bounded work at login). */
#define S5B_MAX_DISCO 16
/* How long the proxy's host name may take to resolve. */
#define PROXY_LOOKUP_MS 10000

void s5b_proxy_forget(struct s5b *m)
{
	resolver_cancel(m->app->resolver, m->proxy_dns);
	m->proxy_dns = 0;
	free(m->proxy_jid);
	free(m->proxy_host);
	m->proxy_jid = m->proxy_host = NULL;
	m->proxy_port = 0;
	m->disco_pending = 0;
}

static bool is_result(xmpp_stanza_t *iq)
{
	const char *type = xmpp_stanza_get_type(iq);

	return type != NULL && strcmp(type, "result") == 0;
}

static void ask(struct s5b *m, const char *to, const char *ns, s5b_answer_fn fn)
{
	xmpp_ctx_t *ctx = s5b_ctx(m);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", NULL), *q = xmpp_stanza_new(ctx);

	xmpp_stanza_set_to(iq, to);
	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, ns);
	xmpp_stanza_add_child_ex(iq, q, 0);
	s5b_request(m, NULL, iq, fn);
}

/* Said once per login, so a user (or script) knows proxied transfers are
 * possible from now on. */
static void proxy_known(struct s5b *m, const char *host)
{
	m->proxy_host = xstrdup(host);
	app_info(m->app, _("SOCKS5 proxy for file transfers: %s (%s port %d)"), m->proxy_jid,
	         m->proxy_host, m->proxy_port);
}

static void on_proxy_resolved(void *ud, const struct resolver_result *res)
{
	struct s5b *m = ud;
	char host[RESOLVER_ADDR_TEXT];

	m->proxy_dns = 0;
	if (res->status != RESOLVER_OK || res->naddrs == 0 ||
	    resolver_addr_text(&res->addrs[0], host, sizeof(host)) == NULL) {
		app_info(m->app, _("SOCKS5 proxy %s not used: its address does not resolve (%s)"),
		         m->proxy_jid, res->error != NULL ? res->error : "");
		free(m->proxy_jid);
		m->proxy_jid = NULL;
		return;
	}
	proxy_known(m, host);
}

/* The proxy's own answer: <streamhost jid host port/>. */
static void on_address(struct s5b *m, struct s5b_stream *st, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(iq, "query", NS_BYTESTREAMS);
	struct streamhost sh;

	(void)st;
	if (m->proxy_jid != NULL || !is_result(iq) || q == NULL || streamhost_parse(q, &sh, 1) == 0)
		return;
	m->proxy_jid = sh.jid; /* taken over */
	m->proxy_port = sh.port;
	/* We connect to it ourselves when a peer picks it: a name is looked
	 * up now, without blocking, and the proxy is offered from when its
	 * address is known, as that address. */
	if (m->app->resolver == NULL)
		proxy_known(m, sh.host);
	else
		m->proxy_dns = resolver_addrs(m->app->resolver, sh.host, m->proxy_port,
		                              PROXY_LOOKUP_MS, on_proxy_resolved, m);
	free(sh.host);
}

static void on_info(struct s5b *m, struct s5b_stream *st, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(iq, "query", XMPP_NS_DISCO_INFO);
	const char *from = xmpp_stanza_get_from(iq);

	(void)st;
	if (q == NULL || from == NULL || !is_result(iq) || m->proxy_jid != NULL)
		return;
	if (disco_info_has_identity(iq, "proxy", "bytestreams"))
		ask(m, from, NS_BYTESTREAMS, on_address);
}

static void on_items(struct s5b *m, struct s5b_stream *st, xmpp_stanza_t *iq)
{
	const char *jids[S5B_MAX_DISCO];
	size_t n;

	(void)st;
	if (!is_result(iq))
		return;
	n = disco_items_jids(iq, jids, S5B_MAX_DISCO);
	for (size_t i = 0; i < n; i++)
		ask(m, jids[i], XMPP_NS_DISCO_INFO, on_info);
}

void s5b_proxy_discover(struct s5b *m)
{
	s5b_proxy_forget(m);
	if (!m->set.use_proxy)
		return;
	if (m->set.proxy_jid != NULL)
		ask(m, m->set.proxy_jid, NS_BYTESTREAMS, on_address);
	else
		ask(m, session_domain(m->app->session), XMPP_NS_DISCO_ITEMS, on_items);
}
