/* Service discovery answers: the disco#info query built, its exact XML,
 * read back equal; and the readers of others' info and items answers. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "xmpp/disco.h"

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

TestSuite(disco, .init = setup, .fini = teardown);

static xmpp_stanza_t *parse(const char *xml)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);

	cr_assert_not_null(st, "%s", xml);
	return st;
}

/* The query wrapped in a result iq, serialised and parsed as the wire
 * would. */
static xmpp_stanza_t *as_answer(xmpp_stanza_t *q, char **xml_out)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "result", "d1"), *back;
	char *xml;
	size_t len;

	xmpp_stanza_add_child_ex(iq, q, 0);
	cr_assert_eq(xmpp_stanza_to_text(q, xml_out, &len), 0);
	cr_assert_eq(xmpp_stanza_to_text(iq, &xml, &len), 0);
	back = parse(xml);
	xmpp_free(ctx, xml);
	xmpp_stanza_release(iq);
	return back;
}

Test(disco, info_builds_parses_back_equal)
{
	static const char *const features[] = {"http://jabber.org/protocol/caps", "urn:xmpp:ping"};
	struct disco_identity id = {"client", "console", "jabiru"};
	const char *got[4];
	char *xml;
	xmpp_stanza_t *iq = as_answer(disco_info_build(ctx, "node#ver", &id, features, 2), &xml);

	/* Attributes in libstrophe's own order. */
	cr_expect_str_eq(xml,
	                 "<query xmlns=\"http://jabber.org/protocol/disco#info\" node=\"node#ver\">"
	                 "<identity type=\"console\" category=\"client\" name=\"jabiru\"/>"
	                 "<feature var=\"http://jabber.org/protocol/caps\"/>"
	                 "<feature var=\"urn:xmpp:ping\"/></query>");
	xmpp_free(ctx, xml);
	cr_assert_eq(disco_info_features(iq, got, 4), 2);
	cr_expect_str_eq(got[0], features[0]);
	cr_expect_str_eq(got[1], features[1]);
	cr_expect(disco_info_has_identity(iq, "client", "console"));
	cr_expect_not(disco_info_has_identity(iq, "client", "pc"));
	cr_expect(disco_info_has_feature(iq, "urn:xmpp:ping"));
	cr_expect_not(disco_info_has_feature(iq, "urn:xmpp"));
	xmpp_stanza_release(iq);
}

Test(disco, info_without_node_or_name)
{
	struct disco_identity id = {"proxy", "bytestreams", NULL};
	char *xml;
	xmpp_stanza_t *iq = as_answer(disco_info_build(ctx, NULL, &id, NULL, 0), &xml);

	cr_expect_str_eq(xml, "<query xmlns=\"http://jabber.org/protocol/disco#info\">"
	                      "<identity type=\"bytestreams\" category=\"proxy\"/></query>");
	xmpp_free(ctx, xml);
	cr_expect(disco_info_has_identity(iq, "proxy", "bytestreams"));
	xmpp_stanza_release(iq);
}

/* Another namespace's query, other elements, missing attributes: none of
 * them counts. */
Test(disco, readers_take_only_what_the_namespace_says)
{
	xmpp_stanza_t *wrong = parse("<iq type='result' id='a'><query xmlns='urn:other'>"
	                             "<feature var='x'/></query></iq>");
	xmpp_stanza_t *info = parse("<iq type='result' id='b'><query "
	                            "xmlns='http://jabber.org/protocol/disco#info'>"
	                            "<identity category='proxy'/><item var='x'/><feature/>"
	                            "<feature var='y'/></query></iq>");
	xmpp_stanza_t *items =
	    parse("<iq type='result' id='c'><query "
	          "xmlns='http://jabber.org/protocol/disco#items'>"
	          "<item jid='a.example'/><item name='no jid'/><feature jid='f'/>"
	          "<item jid='b.example'/><item jid='c.example'/></query></iq>");
	const char *got[4];

	cr_expect_not(disco_info_has_feature(wrong, "x"));
	cr_expect_eq(disco_info_features(wrong, got, 4), 0);
	cr_expect_not(disco_info_has_feature(info, "x"));
	cr_expect_not(disco_info_has_identity(info, "proxy", "bytestreams"));
	cr_assert_eq(disco_info_features(info, got, 4), 1);
	cr_expect_str_eq(got[0], "y");
	cr_assert_eq(disco_items_jids(items, got, 2), 2, "at most max");
	cr_expect_str_eq(got[0], "a.example");
	cr_expect_str_eq(got[1], "b.example");
	cr_expect_eq(disco_items_jids(info, got, 4), 0);
	xmpp_stanza_release(wrong);
	xmpp_stanza_release(info);
	xmpp_stanza_release(items);
}
