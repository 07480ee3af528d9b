/* What the session learns from libstrophe's log: the elements it received
 * (RECV: re-serialised from its parsed tree) and wrote (SENT: the bytes),
 * which also feed the XML console. Why a login failed is read from those
 * elements and our own state, not from the library's prose, whose words
 * change between versions; only a parse error has no element to show. */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "loop.h"
#include "util/str.h"
#include "util/xmltok.h"
#include "xmpp/ns.h"
#include "xmpp/session-int.h"
#include "xmpp/wiretap.h"

#define LEGACY_ID "_xmpp_auth1" /* libstrophe's id for the jabber:iq:auth login */

/* libstrophe writes the features with the stream prefix or with the
 * namespace spelt out. */
static bool is_features(const char *xml)
{
	return str_starts_with(xml, "<stream:features") ||
	       str_starts_with(xml, "<features xmlns=\"http://etherx.jabber.org/streams\"");
}

static bool attr_is(const struct xt_tok *t, const char *name, const char *want)
{
	const char *v;
	size_t vl;

	return xmltok_get_attr(t, name, &v, &vl) && vl == strlen(want) && memcmp(v, want, vl) == 0;
}

/* The first tag of xml, named local (any prefix). */
static bool first_tag(const char *xml, const char *local, struct xt_tok *t)
{
	const char *pos = xml, *l;
	size_t ll;

	if (!xmltok_next(&pos, xml + strlen(xml), t) ||
	    (t->type != XT_START && t->type != XT_EMPTY))
		return false;
	xmltok_local(t->name, t->namelen, &l, &ll);
	return ll == strlen(local) && memcmp(l, local, ll) == 0;
}

/* Received during the login. Before TLS: a stream header without version
 * 1.0 comes from a server that cannot offer STARTTLS (RFC 6120 4.7.5: no
 * features), features without <starttls/> were stripped or never there;
 * either way nothing but the refusal follows. Then: a SASL <failure/> or
 * an error answering the legacy login is a refused login. */
static void note_login_in(struct session *s, const char *xml)
{
	bool secured = s->conn != NULL && xmpp_conn_is_secured(s->conn);
	struct xt_tok t;
	const char *v;
	size_t vl;

	if (!secured && s->params.tls != TLS_DIRECT && first_tag(xml, "stream", &t))
		s->pre_xmpp1 = !xmltok_get_attr(&t, "version", &v, &vl) || vl == 0 || v[0] < '1';
	else if (is_features(xml) && !secured)
		s->tls_missing = strstr(xml, XMPP_NS_TLS) == NULL;
	else if (is_features(xml))
		s->auth_offered = true;
	else if (first_tag(xml, "failure", &t) && attr_is(&t, "xmlns", XMPP_NS_SASL))
		s->sasl_failed = true;
	else if (first_tag(xml, "iq", &t) && attr_is(&t, "id", LEGACY_ID) &&
	         attr_is(&t, "type", "error"))
		s->sasl_failed = true;
}

static void note_sent(struct session *s, const char *xml)
{
	struct xt_tok t;

	if ((first_tag(xml, "auth", &t) && attr_is(&t, "xmlns", XMPP_NS_SASL)) ||
	    (first_tag(xml, "iq", &t) && strstr(xml, XMPP_NS_AUTH) != NULL))
		s->auth_tried = true;
	/* libstrophe logs a write once it is complete. After our close RFC
	 * 6120 4.4 allows nothing more, but libstrophe still answers what
	 * arrives (an SM <r/>): the kernel refuses it once the write side is
	 * shut. */
	if (strcmp(xml, "</stream:stream>") == 0 && s->fd >= 0)
		shutdown(s->fd, SHUT_WR);
}

static void received(struct session *s, const char *xml)
{
	char *wire;

	s->recv_count++;
	s->last_recv_ms = loop_now_ms();
	/* libstrophe keeps the features to itself; roster versioning may only
	 * be used when offered (XEP-0237). */
	if (is_features(xml))
		s->rosterver = strstr(xml, NS_ROSTERVER) != NULL;
	if (s->state == SESSION_CONNECTING)
		note_login_in(s, xml);
	if (s->tap.fn == NULL)
		return;
	wire = wiretap_take(xml);
	s->tap.fn(s->tap.ud, SESSION_TAP_IN, wire != NULL ? wire : xml);
	wiretap_free(wire);
}

void session_log_handler(void *ud, xmpp_log_level_t level, const char *area, const char *msg)
{
	struct session *s = ud;

	(void)level;
	/* libstrophe answers a parse error with a stream error but keeps the
	 * connection; pump() closes it. */
	if (strcmp(area, "xmpp") == 0 && str_starts_with(msg, "parse error"))
		s->malformed = true;
	if (strcmp(area, "xmpp") != 0 && strcmp(area, "conn") != 0)
		return;
	if (str_starts_with(msg, "RECV: ")) {
		received(s, msg + 6);
	} else if (str_starts_with(msg, "SENT: ")) {
		if (s->tap.fn != NULL)
			s->tap.fn(s->tap.ud, SESSION_TAP_OUT, msg + 6);
		note_sent(s, msg + 6);
	}
}
