#include "config.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "app.h"
#include "cfg.h"
#include "i18n.h"
#include "util/jid.h"
#include "util/str.h"
#include "xmpp/disco.h"
#include "xmpp/iq-request.h"
#include "xmpp/iq.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"
#include "xmpp/stanza.h"

#define IQ_MAX_FEATURES 64
#define IQ_MAX_HANDLERS 32
#define CAPS_NODE       "https://jabiru.invalid/caps"
#define CLIENT_NAME     "jabiru"

/* Who we are, in disco#info and in the caps hash alike. */
static const struct disco_identity identity = {"client", "console", CLIENT_NAME};

struct iq_route {
	const char *ns;
	const char *type; /* "get", "set"; NULL for both */
	iq_handler_fn fn;
	void *ud;
};

struct iq {
	struct iq_settings settings;
	/* ONE table of features: disco#info answers it and the caps hash is
	 * computed from it, so the two can never disagree. */
	char *features[IQ_MAX_FEATURES];
	size_t nfeatures;
	struct iq_route routes[IQ_MAX_HANDLERS];
	size_t nroutes;
	struct iq_requests *requests;
	char *ver; /* caps hash, recomputed when the features change */
};

struct iq_settings *iq_settings(struct app *app)
{
	return &app->iq->settings;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void iq_add_feature(struct app *app, const char *ns)
{
	struct iq *q = app->iq;

	for (size_t i = 0; i < q->nfeatures; i++)
		if (strcmp(q->features[i], ns) == 0)
			return;
	if (q->nfeatures == IQ_MAX_FEATURES)
		abort(); /* a programming error: raise IQ_MAX_FEATURES */
	q->features[q->nfeatures++] = xstrdup(ns);
	qsort(q->features, q->nfeatures, sizeof(q->features[0]), cmp_str);
	free(q->ver);
	q->ver = NULL;
}

const char *const *iq_features(struct app *app, size_t *n)
{
	*n = app->iq->nfeatures;
	return (const char *const *)app->iq->features;
}

void iq_route(struct app *app, const char *ns, const char *type, iq_handler_fn fn, void *ud)
{
	struct iq *q = app->iq;

	if (q->nroutes == IQ_MAX_HANDLERS)
		abort(); /* a programming error: raise IQ_MAX_HANDLERS */
	q->routes[q->nroutes++] = (struct iq_route){ns, type, fn, ud};
}

static bool route_matches(const struct iq_route *r, const char *ns, const char *type)
{
	return strcmp(r->ns, ns) == 0 && (r->type == NULL || strcmp(r->type, type) == 0);
}

char *iq_caps_ver(const char *category, const char *type, const char *lang, const char *name,
                  const char *const *features, size_t n)
{
	const char **sorted = xcalloc(n + 1, sizeof(*sorted));
	unsigned char md[SHA_DIGEST_LENGTH];
	char *out = xmalloc(4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1);
	struct buf s;

	/* XEP-0115 §5.1: identity "category/type/lang/name<", then every
	 * feature followed by "<", sorted by octets. */
	memcpy(sorted, features, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	buf_init(&s);
	buf_printf(&s, "%s/%s/%s/%s<", category, type, lang ? lang : "", name ? name : "");
	for (size_t i = 0; i < n; i++)
		buf_printf(&s, "%s<", sorted[i]);
	SHA1((const unsigned char *)s.data, s.len, md);
	EVP_EncodeBlock((unsigned char *)out, md, SHA_DIGEST_LENGTH);
	buf_free(&s);
	free(sorted);
	return out;
}

static const char *caps_ver(struct app *app)
{
	struct iq *q = app->iq;

	if (q->ver == NULL)
		q->ver = iq_caps_ver(identity.category, identity.type, NULL, identity.name,
		                     (const char *const *)q->features, q->nfeatures);
	return q->ver;
}

xmpp_stanza_t *iq_caps_element(struct app *app)
{
	xmpp_stanza_t *c = xmpp_stanza_new(session_ctx(app->session));

	xmpp_stanza_set_name(c, "c");
	xmpp_stanza_set_ns(c, NS_CAPS);
	xmpp_stanza_set_attribute(c, "hash", "sha-1");
	xmpp_stanza_set_attribute(c, "node", CAPS_NODE);
	xmpp_stanza_set_attribute(c, "ver", caps_ver(app));
	return c;
}

xmpp_stanza_t *iq_new_query(struct app *app, const char *type, const char *to, const char *ns,
                            xmpp_stanza_t **query)
{
	xmpp_ctx_t *ctx = session_ctx(app->session);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, type, NULL), *q = xmpp_stanza_new(ctx);

	if (to != NULL)
		xmpp_stanza_set_to(iq, to);
	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, ns);
	xmpp_stanza_add_child(iq, q);
	xmpp_stanza_release(q);
	if (query != NULL)
		*query = q;
	return iq;
}

const char *iq_error_condition(xmpp_stanza_t *st, char **text)
{
	struct stanza_error e;

	stanza_error_parse(st, &e);
	*text = e.text;
	return e.condition;
}

void iq_send_error(struct app *app, xmpp_stanza_t *iq, const char *condition)
{
	struct stanza_error e = {.type = "cancel", .condition = condition};
	xmpp_stanza_t *r = stanza_error_reply(iq, &e);

	session_send(app->session, r);
	xmpp_stanza_release(r);
}

static xmpp_stanza_t *result_for(struct app *app, xmpp_stanza_t *iq)
{
	xmpp_stanza_t *r = xmpp_iq_new(session_ctx(app->session), "result", xmpp_stanza_get_id(iq));

	if (xmpp_stanza_get_from(iq) != NULL)
		xmpp_stanza_set_to(r, xmpp_stanza_get_from(iq));
	return r;
}

static bool answer_disco(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *payload, void *ud)
{
	const char *node = xmpp_stanza_get_attribute(payload, "node");
	xmpp_stanza_t *r, *q;
	char *mine;

	(void)ud;
	/* Only our caps node (with our hash) or no node at all. */
	mine = xasprintf("%s#%s", CAPS_NODE, caps_ver(app));
	if (node != NULL && strcmp(node, mine) != 0) {
		free(mine);
		iq_send_error(app, iq, "item-not-found");
		return true;
	}
	free(mine);
	r = result_for(app, iq);
	q = disco_info_build(session_ctx(app->session), node, &identity,
	                     (const char *const *)app->iq->features, app->iq->nfeatures);
	xmpp_stanza_add_child_ex(r, q, 0);
	session_send(app->session, r);
	xmpp_stanza_release(r);
	return true;
}

static bool answer_version(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *payload, void *ud)
{
	xmpp_stanza_t *r, *q;
	struct utsname u;

	(void)payload;
	(void)ud;
	r = iq_new_query(app, "result", xmpp_stanza_get_from(iq), NS_VERSION, &q);
	xmpp_stanza_set_id(r, xmpp_stanza_get_id(iq));
	stanza_add_text(q, "name", CLIENT_NAME);
	stanza_add_text(q, "version", PACKAGE_VERSION);
	/* The OS helps attackers pick an exploit: told only when allowed. */
	if (app->iq->settings.version_os && uname(&u) == 0) {
		char *os = xasprintf("%s %s", u.sysname, u.release);

		stanza_add_text(q, "os", os);
		free(os);
	}
	session_send(app->session, r);
	xmpp_stanza_release(r);
	return true;
}

static bool answer_ping(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *payload, void *ud)
{
	xmpp_stanza_t *r;

	(void)payload;
	(void)ud;
	r = result_for(app, iq);
	session_send(app->session, r);
	xmpp_stanza_release(r);
	return true;
}

/* The one iq handler: every get or set gets exactly one answer (RFC 6120
 * §8.2.3), service-unavailable when nothing here knows it (§8.4). */
static int on_iq(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	struct app *app = ud;
	struct iq *q = app->iq;
	const char *type = xmpp_stanza_get_type(st), *ns;
	xmpp_stanza_t *payload;

	(void)conn;
	if (type == NULL || (strcmp(type, "get") != 0 && strcmp(type, "set") != 0))
		return 1; /* results and errors go to their id handlers */
	if (xmpp_stanza_get_id(st) == NULL) {
		/* No answer can carry the id a request must have (RFC 6120
		 * §8.1.3), and no answerer below has to check for it. */
		if (xmpp_stanza_get_from(st) != NULL)
			app_info(app, _("Ignored an iq request without an id from %s."),
			         xmpp_stanza_get_from(st));
		else
			app_info(app, _("Ignored an iq request without an id from the server."));
		return 1;
	}
	payload = xmpp_stanza_get_children(st);
	while (payload != NULL && xmpp_stanza_is_text(payload))
		payload = xmpp_stanza_get_next(payload);
	ns = payload != NULL ? xmpp_stanza_get_ns(payload) : NULL;
	if (ns != NULL)
		for (size_t i = 0; i < q->nroutes; i++)
			if (route_matches(&q->routes[i], ns, type) &&
			    q->routes[i].fn(app, st, payload, q->routes[i].ud))
				return 1;
	iq_send_error(app, st, "service-unavailable");
	return 1;
}

unsigned iq_request(struct app *app, xmpp_stanza_t *iq, iq_reply_fn fn, void *ud)
{
	struct session *s = app->session;
	xmpp_conn_t *conn = session_online(s) ? session_conn(s) : NULL;
	unsigned h = iq_requests_add(app->iq->requests, conn, session_jid(s), iq, fn, ud);

	if (h != 0 && conn != NULL)
		session_send(s, iq);
	return h;
}

void iq_timeout(struct app *app, unsigned handle, unsigned ms)
{
	iq_requests_set_timeout(app->iq->requests, handle, ms);
}

void iq_cancel(struct app *app, unsigned handle)
{
	if (app->iq != NULL)
		iq_requests_cancel(app->iq->requests, handle);
}

struct report {
	char *command;
	char *ok_text;
};

bool iq_from_own_account(struct app *app, xmpp_stanza_t *iq)
{
	const char *from = xmpp_stanza_get_from(iq);
	const char *me = session_jid(app->session);

	if (from == NULL)
		return true;
	/* Only our bare JID (or our own full JID) may push (RFC 6121 §2.1.6). */
	return me != NULL && jid_bare_eq(from, me) &&
	       (jid_resource_str(from) == NULL || strcmp(from, me) == 0);
}

void iq_report_reply(struct app *app, xmpp_stanza_t *reply, const char *command,
                     const char *ok_text)
{
	const char *type;

	if (reply == NULL)
		return;
	type = xmpp_stanza_get_type(reply);
	if (type != NULL && strcmp(type, "result") == 0) {
		app_info(app, "%s", ok_text);
	} else {
		char *text;
		const char *cond = iq_error_condition(reply, &text);

		app_error(app, command, cond, _("The server refused %s: %s%s%s"), command, cond,
		          text ? " — " : "", text ? text : "");
		free(text);
	}
}

static void on_report(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	struct report *r = ud;

	iq_report_reply(app, reply, r->command, r->ok_text);
	free(r->command);
	free(r->ok_text);
	free(r);
}

void iq_request_report(struct app *app, xmpp_stanza_t *iq, const char *command, const char *ok_text)
{
	struct report *r = xmalloc(sizeof(*r));

	r->command = xstrdup(command);
	r->ok_text = xstrdup(ok_text);
	iq_request(app, iq, on_report, r);
}

static void online(struct session *s, void *ud)
{
	xmpp_handler_add(session_conn(s), on_iq, NULL, "iq", NULL, ud);
}

/* Requests in flight will never be answered: tell their owners so they can
 * free what they hold. */
static void offline(struct session *s, void *ud)
{
	struct app *app = ud;

	(void)s;
	iq_requests_drop_all(app->iq->requests);
}

static const struct session_hooks iq_hooks = {.online = online, .offline = offline};

static void read_settings(void *ud, const struct config *cfg, const char *name)
{
	struct app *app = ud;

	(void)name;
	app->iq->settings.version_os = cfg_bool(cfg, "version.show_os");
}

void iq_init(struct app *app)
{
	app->iq = xcalloc(1, sizeof(*app->iq));
	app->iq->requests = iq_requests_new(app, app->loop);
	read_settings(app, app->config, NULL);
	cfg_watch(app->config, read_settings, app);
	iq_add_feature(app, XMPP_NS_DISCO_INFO);
	iq_add_feature(app, NS_CAPS);
	iq_add_feature(app, NS_VERSION);
	iq_add_feature(app, NS_PING);
	iq_route(app, XMPP_NS_DISCO_INFO, "get", answer_disco, NULL);
	iq_route(app, NS_VERSION, "get", answer_version, NULL);
	iq_route(app, NS_PING, "get", answer_ping, NULL);
	if (app->session != NULL)
		session_add_hooks(app->session, &iq_hooks, app);
}

void iq_fini(struct app *app)
{
	if (app->iq == NULL)
		return;
	cfg_unwatch(app->config, read_settings, app);
	iq_requests_free(app->iq->requests);
	for (size_t i = 0; i < app->iq->nfeatures; i++)
		free(app->iq->features[i]);
	free(app->iq->ver);
	free(app->iq);
	app->iq = NULL;
}
