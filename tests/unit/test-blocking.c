/* What a blocklist item matches (XEP-0191 §3.4): a bare JID any of its
 * resources, a domain every user at it, a full JID only itself, and
 * domain/resource that resource of the domain; case does not matter in the
 * local part and domain. */
#include <criterion/criterion.h>

#include "util/map.h"
#include "xmpp/blocking.h"

static struct map items;

static void setup(void)
{
	static const char *const keys[] = {"bob@localhost", "spam.example", "carol@localhost/phone",
	                                   "remote.example/bot"};

	map_init(&items);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		map_put(&items, keys[i], &items);
}

static void teardown(void)
{
	map_free(&items, NULL);
}

TestSuite(blocking, .init = setup, .fini = teardown);

Test(blocking, a_bare_jid_matches_every_resource)
{
	cr_expect(blocking_match(&items, "bob@localhost"));
	cr_expect(blocking_match(&items, "bob@localhost/laptop"));
	cr_expect(blocking_match(&items, "BOB@LocalHost/laptop"));
	cr_expect(!blocking_match(&items, "bobby@localhost"));
	cr_expect(!blocking_match(&items, "localhost"));
}

Test(blocking, a_domain_matches_every_user_at_it)
{
	cr_expect(blocking_match(&items, "spam.example"));
	cr_expect(blocking_match(&items, "user1@spam.example"));
	cr_expect(blocking_match(&items, "user1@Spam.Example/x"));
	cr_expect(!blocking_match(&items, "user1@sub.spam.example"));
	cr_expect(!blocking_match(&items, "user1@example"));
}

Test(blocking, a_full_jid_matches_only_itself)
{
	cr_expect(blocking_match(&items, "carol@localhost/phone"));
	cr_expect(!blocking_match(&items, "carol@localhost/laptop"));
	cr_expect(!blocking_match(&items, "carol@localhost"));
	cr_expect(!blocking_match(&items, "carol@localhost/Phone"), "resources keep their case");
}

Test(blocking, domain_slash_resource_matches_that_resource)
{
	cr_expect(blocking_match(&items, "remote.example/bot"));
	cr_expect(blocking_match(&items, "anyone@remote.example/bot"));
	cr_expect(!blocking_match(&items, "anyone@remote.example/human"));
}

Test(blocking, not_a_jid_matches_nothing)
{
	cr_expect(!blocking_match(&items, ""));
	cr_expect(!blocking_match(&items, "@spam.example"));
	cr_expect(!blocking_match(&items, "bob@localhost/"));
}
