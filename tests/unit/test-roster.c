/* Roster items: parsed from stanzas (bad ones refused), and the cache line
 * format round-trips any name or group. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "xmpp/roster.h"

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

TestSuite(roster, .init = setup, .fini = teardown);

static bool parse(const char *xml, struct roster_item *it)
{
	xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);
	bool ok;

	cr_assert_not_null(st, "bad test XML: %s", xml);
	ok = roster_item_parse(st, it);
	xmpp_stanza_release(st);
	return ok;
}

Test(roster, full_item)
{
	struct roster_item it;

	cr_assert(parse("<item jid='Bob@Example.COM' name='Bob B' subscription='both' "
	                "ask='subscribe'><group>Friends</group><group>Work</group>"
	                "<group>Friends</group><group></group></item>",
	                &it));
	cr_expect_str_eq(it.jid, "Bob@example.com");
	cr_expect_str_eq(it.name, "Bob B");
	cr_expect_str_eq(it.subscription, "both");
	cr_expect(it.ask);
	cr_assert_eq(it.ngroups, 2, "duplicates and empty groups dropped");
	cr_expect_str_eq(it.groups[0], "Friends");
	cr_expect_str_eq(it.groups[1], "Work");
	roster_item_free(&it);
}

Test(roster, defaults_and_remove)
{
	struct roster_item it;

	cr_assert(parse("<item jid='carol@example.com'/>", &it));
	cr_expect_str_eq(it.subscription, "none");
	cr_expect_null(it.name);
	cr_expect_not(it.ask);
	cr_expect_eq(it.ngroups, 0);
	roster_item_free(&it);
	cr_assert(parse("<item jid='carol@example.com' subscription='remove'/>", &it));
	cr_expect_str_eq(it.subscription, "remove");
	roster_item_free(&it);
}

Test(roster, bad_items_are_refused)
{
	struct roster_item it;

	cr_expect_not(parse("<item name='no jid'/>", &it));
	cr_expect_not(parse("<item jid=''/>", &it));
	cr_expect_not(parse("<item jid='a@b/resource'/>", &it));
	cr_expect_not(parse("<item jid='a b@c'/>", &it));
	cr_expect_not(parse("<item jid='a@b' subscription='everything'/>", &it));
}

Test(roster, too_many_groups_are_bounded)
{
	char xml[4096];
	size_t o = 0;
	struct roster_item it;

	o += (size_t)snprintf(xml + o, sizeof(xml) - o, "<item jid='a@b'>");
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(xml + o, sizeof(xml) - o, "<group>g%d</group>", i);
	snprintf(xml + o, sizeof(xml) - o, "</item>");
	cr_assert(parse(xml, &it));
	cr_expect_eq(it.ngroups, ROSTER_MAX_GROUPS);
	roster_item_free(&it);
}

Test(roster, cache_line_round_trip)
{
	struct roster_item it, back;
	char *line;

	cr_assert(parse("<item jid='dave@example.com' name='tab&#9;new&#10;line \\ back' "
	                "subscription='to'><group>你好</group><group>a\\tb</group></item>",
	                &it));
	line = roster_item_format(&it);
	cr_expect_null(strchr(line, '\n'));
	cr_assert(roster_item_unformat(line, &back), "%s", line);
	cr_expect_str_eq(back.jid, it.jid);
	cr_expect_str_eq(back.name, it.name);
	cr_expect_str_eq(back.subscription, "to");
	cr_assert_eq(back.ngroups, 2);
	cr_expect_str_eq(back.groups[0], "你好");
	cr_expect_str_eq(back.groups[1], "a\\tb");
	free(line);
	roster_item_free(&back);

	/* no name stays no name; an empty one too */
	free(it.name);
	it.name = NULL;
	line = roster_item_format(&it);
	cr_assert(roster_item_unformat(line, &back));
	cr_expect_null(back.name);
	free(line);
	roster_item_free(&back);
	roster_item_free(&it);
}

Test(roster, damaged_cache_lines_are_refused)
{
	char a[] = "", b[] = "a@b", c[] = "a@b\tboth", d[] = "a@b\tmaybe\t-\t",
	     e[] = "not a jid\tboth\t-\t", f[] = "a@b\tboth\t-\tname-without-equals";
	struct roster_item it;

	cr_expect_not(roster_item_unformat(a, &it));
	cr_expect_not(roster_item_unformat(b, &it));
	cr_expect_not(roster_item_unformat(c, &it));
	cr_expect_not(roster_item_unformat(d, &it));
	cr_expect_not(roster_item_unformat(e, &it));
	cr_expect_not(roster_item_unformat(f, &it));
}
