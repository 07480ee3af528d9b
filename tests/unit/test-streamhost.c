/* The XEP-0065 streamhost list: built, the exact XML, parsed back, equal;
 * and what a hostile list may hold is skipped, never trusted. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft/streamhost.h"

static xmpp_ctx_t *ctx;

static void setup(void)
{
	xmpp_initialize();
	ctx = xmpp_ctx_new(NULL, NULL);
}

static void teardown(void)
{
	xmpp_ctx_free(ctx);
	xmpp_shutdown();
}

TestSuite(streamhost, .init = setup, .fini = teardown);

static xmpp_stanza_t *query(void)
{
	xmpp_stanza_t *q = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, "http://jabber.org/protocol/bytestreams");
	xmpp_stanza_set_attribute(q, "sid", "s1");
	return q;
}

static xmpp_stanza_t *parse(const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);

	cr_assert_not_null(st, "%s", xml);
	return st;
}

Test(streamhost, list_builds_parses_back_equal)
{
	struct streamhost in[] = {{"alice@example.org/x", "192.0.2.7", 41234},
	                          {"proxy.example.org", "proxy.example.org", 7777}};
	struct streamhost out[4];
	xmpp_stanza_t *q = query(), *back;
	char *xml;
	size_t len, n;

	for (size_t i = 0; i < 2; i++)
		streamhost_add(q, &in[i]);
	cr_assert_eq(xmpp_stanza_to_text(q, &xml, &len), 0);
	/* Attributes in libstrophe's own order. */
	cr_expect_str_eq(xml, "<query sid=\"s1\" xmlns=\"http://jabber.org/protocol/bytestreams\">"
	                      "<streamhost port=\"41234\" host=\"192.0.2.7\" "
	                      "jid=\"alice@example.org/x\"/><streamhost port=\"7777\" "
	                      "host=\"proxy.example.org\" jid=\"proxy.example.org\"/></query>");
	back = parse(xml);
	xmpp_free(ctx, xml);
	n = streamhost_parse(back, out, 4);
	cr_assert_eq(n, 2);
	for (size_t i = 0; i < n; i++) {
		cr_expect_str_eq(out[i].jid, in[i].jid);
		cr_expect_str_eq(out[i].host, in[i].host);
		cr_expect_eq(out[i].port, in[i].port);
		streamhost_free(&out[i]);
	}
	xmpp_stanza_release(back);
	xmpp_stanza_release(q);
}

Test(streamhost, unusable_hosts_are_skipped)
{
	char longhost[300], xml[1024];
	struct streamhost out[8];
	xmpp_stanza_t *q;
	size_t n;

	memset(longhost, 'a', 256);
	longhost[256] = '\0';
	snprintf(xml, sizeof(xml),
	         "<query xmlns='http://jabber.org/protocol/bytestreams'>"
	         "<streamhost jid='a' host='h' port='0'/>"
	         "<streamhost jid='a' host='h' port='65536'/>"
	         "<streamhost jid='a' host='h' port='12x'/>"
	         "<streamhost jid='a' host='h' port=''/>"
	         "<streamhost jid='a' host='' port='1'/>"
	         "<streamhost host='h' port='1'/>"
	         "<streamhost jid='a' host='%s' port='1'/>"
	         "<other jid='a' host='h' port='1'/>"
	         "<streamhost jid='good' host='h' port='65535'/></query>",
	         longhost);
	q = parse(xml);
	n = streamhost_parse(q, out, 8);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(out[0].jid, "good");
	cr_expect_eq(out[0].port, 65535);
	streamhost_free(&out[0]);
	xmpp_stanza_release(q);
}

Test(streamhost, at_most_max_are_taken)
{
	xmpp_stanza_t *q = parse("<query><streamhost jid='1' host='h' port='1'/>"
	                         "<streamhost jid='2' host='h' port='2'/>"
	                         "<streamhost jid='3' host='h' port='3'/></query>");
	struct streamhost out[2];

	cr_assert_eq(streamhost_parse(q, out, 2), 2);
	cr_expect_str_eq(out[1].jid, "2");
	streamhost_free(&out[0]);
	streamhost_free(&out[1]);
	xmpp_stanza_release(q);
}
