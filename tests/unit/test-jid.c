/* JID parsing, checking and formatting. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util/jid.h"

static struct jid j;

static void parses(const char *s, const char *local, const char *domain, const char *resource)
{
	cr_assert(jid_parse(&j, s), "should parse: \"%s\"", s);
	cr_assert_str_eq(j.local, local, "local of \"%s\"", s);
	cr_assert_str_eq(j.domain, domain, "domain of \"%s\"", s);
	cr_assert_str_eq(j.resource, resource, "resource of \"%s\"", s);
}

static void rejects(const char *s)
{
	cr_assert_not(jid_parse(&j, s), "should be rejected: \"%s\"", s);
}

/* A string of n copies of c, with prefix and suffix around it. */
static char *repeat(const char *prefix, char c, size_t n, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);
	char *s = malloc(pl + n + sl + 1);

	cr_assert_not_null(s);
	memcpy(s, prefix, pl);
	memset(s + pl, c, n);
	memcpy(s + pl + n, suffix, sl + 1);
	return s;
}

Test(jid_parse, forms)
{
	parses("alice@example.org", "alice", "example.org", "");
	parses("alice@example.org/phone", "alice", "example.org", "phone");
	parses("example.org", "", "example.org", "");
	parses("example.org/admin", "", "example.org", "admin");
	parses("a@b", "a", "b", "");
	parses("localhost", "", "localhost", "");
}

Test(jid_parse, first_slash_starts_resource)
{
	/* '@' and '/' are ordinary characters in a resource. */
	parses("a@b/c@d/e", "a", "b", "c@d/e");
	parses("b/c@d", "", "b", "c@d");
	parses("room@muc.example.org/nick/with/slashes", "room", "muc.example.org",
	       "nick/with/slashes");
	parses("a@b//x", "a", "b", "/x");
}

Test(jid_parse, domain_lower_cased)
{
	parses("Alice@Example.ORG/Phone", "Alice", "example.org", "Phone");
	parses("EXAMPLE.COM", "", "example.com", "");
	/* Only ASCII is folded here; the server does the rest. */
	parses("x@M\xc3\x9cNCHEN.de", "x", "m\xc3\x9cnchen.de", "");
}

Test(jid_parse, unicode_parts)
{
	parses("j\xc3\xbcrgen@m\xc3\xbcnchen.de/\xe6\x97\xa5\xe6\x9c\xac", "j\xc3\xbcrgen",
	       "m\xc3\xbcnchen.de", "\xe6\x97\xa5\xe6\x9c\xac");
	parses("\xf0\x9f\x98\x80@example.org", "\xf0\x9f\x98\x80", "example.org", "");
}

Test(jid_parse, ip_literals_and_trailing_dot)
{
	parses("a@[::1]/r", "a", "[::1]", "r");
	parses("a@127.0.0.1", "a", "127.0.0.1", "");
	/* RFC 7622 §3.2: the final dot is stripped. */
	parses("alice@example.org.", "alice", "example.org", "");
	parses("alice@example.org./r", "alice", "example.org", "r");
}

Test(jid_parse, empty_parts)
{
	rejects("");
	rejects("@");
	rejects("/");
	rejects("@/");
	rejects("@example.org");
	rejects("alice@");
	rejects("alice@/res");
	rejects("alice@example.org/");
	rejects("example.org/");
	rejects("/resource");
	rejects("alice@.");
	rejects(".");
	rejects("alice@example..org");
	rejects("alice@.example.org");
	rejects("alice@example.org..");
	rejects(NULL);
}

Test(jid_parse, part_lengths)
{
	char *s;

	s = repeat("", 'l', JID_PART_MAX, "@example.org");
	cr_assert(jid_parse(&j, s));
	cr_assert_eq(strlen(j.local), JID_PART_MAX);
	free(s);
	s = repeat("", 'l', JID_PART_MAX + 1, "@example.org");
	rejects(s);
	free(s);

	s = repeat("a@", 'd', JID_PART_MAX, "");
	cr_assert(jid_parse(&j, s));
	cr_assert_eq(strlen(j.domain), JID_PART_MAX);
	free(s);
	s = repeat("a@", 'd', JID_PART_MAX + 1, "");
	rejects(s);
	free(s);
	/* The stripped final dot does not count. */
	s = repeat("a@", 'd', JID_PART_MAX, ".");
	cr_assert(jid_parse(&j, s));
	free(s);

	s = repeat("a@b/", 'r', JID_PART_MAX, "");
	cr_assert(jid_parse(&j, s));
	cr_assert_eq(strlen(j.resource), JID_PART_MAX);
	free(s);
	s = repeat("a@b/", 'r', JID_PART_MAX + 1, "");
	rejects(s);
	free(s);
}

Test(jid_parse, longest_full_jid_formats)
{
	char *local = repeat("", 'l', JID_PART_MAX, "@");
	char *dom = repeat(local, 'd', JID_PART_MAX, "/");
	char *s = repeat(dom, 'r', JID_PART_MAX, "");
	char out[JID_MAX + 1];

	cr_assert_eq(strlen(s), JID_MAX);
	cr_assert(jid_parse(&j, s));
	cr_assert_str_eq(jid_full(&j, out, sizeof(out)), s);
	free(local);
	free(dom);
	free(s);
}

Test(jid_parse, spaces_and_controls)
{
	rejects("al ice@example.org");
	rejects("alice@exam ple.org");
	rejects(" alice@example.org");
	rejects("alice@example.org ");
	rejects("ali\tce@example.org");
	rejects("alice@exa\nmple.org");
	rejects("alice\x1b@example.org");
	rejects("alice@example.org\x7f");
	rejects("alice\xc2\x9b@example.org");  /* C1 CSI */
	rejects("alice@example.org/a\x1b[2J"); /* controls in resource */
	rejects("alice@example.org/a\nb");
	rejects("alice\xc2\xa0@example.org");     /* NBSP */
	rejects("alice@exa\xe3\x80\x80mple.org"); /* ideographic space */
	rejects("ali\xe2\x80\xae"
	        "ce@example.org");                /* U+202E */
	rejects("alice@example\xe2\x80\x8b.org"); /* ZWSP */
	/* Spaces are fine in a resource. */
	parses("alice@example.org/my phone", "alice", "example.org", "my phone");
}

Test(jid_parse, forbidden_characters)
{
	rejects("a@b@example.org");
	rejects("a\"b@example.org");
	rejects("a&b@example.org");
	rejects("a'b@example.org");
	rejects("a:b@example.org");
	rejects("a<b@example.org");
	rejects("a>b@example.org");
	rejects("a@exa<mple.org");
	rejects("a@exa\\mple.org");
	rejects("a@example.org\"");
}

Test(jid_parse, invalid_utf8)
{
	rejects("\xff@example.org");
	rejects("alice@ex\xc0\xafmple.org");
	rejects("alice@example.org/\xed\xa0\x80");
	rejects("alice@example.org/\xe2\x82");
	rejects("\x80");
}

Test(jid_format, bare_and_full)
{
	char out[JID_MAX + 1];

	cr_assert(jid_parse(&j, "Alice@Example.org/Phone"));
	cr_assert_str_eq(jid_bare(&j, out, sizeof(out)), "Alice@example.org");
	cr_assert_str_eq(jid_full(&j, out, sizeof(out)), "Alice@example.org/Phone");
	cr_assert(jid_parse(&j, "example.org"));
	cr_assert_str_eq(jid_bare(&j, out, sizeof(out)), "example.org");
	cr_assert_str_eq(jid_full(&j, out, sizeof(out)), "example.org");
	cr_assert(jid_parse(&j, "example.org/r"));
	cr_assert_str_eq(jid_bare(&j, out, sizeof(out)), "example.org");
	cr_assert_str_eq(jid_full(&j, out, sizeof(out)), "example.org/r");
	cr_assert(jid_parse(&j, "a@b"));
	cr_assert_str_eq(jid_full(&j, out, sizeof(out)), "a@b");
}

Test(jid_format, truncates_to_buffer)
{
	char out[6];

	cr_assert(jid_parse(&j, "alice@example.org/r"));
	cr_assert_str_eq(jid_bare(&j, out, sizeof(out)), "alice");
	cr_assert_str_eq(jid_full(&j, out, sizeof(out)), "alice");
	cr_assert_eq(jid_bare(&j, out, 0), out);
}

Test(jid_format, round_trip)
{
	static const char *const jids[] = {
	    "a@b", "a@b/c", "b", "b/c", "a@b/c@d/e", "room@muc.x/nick name",
	};
	char out[JID_MAX + 1];
	struct jid k;
	size_t i;

	for (i = 0; i < sizeof(jids) / sizeof(jids[0]); i++) {
		cr_assert(jid_parse(&j, jids[i]));
		jid_full(&j, out, sizeof(out));
		cr_assert_str_eq(out, jids[i]);
		cr_assert(jid_parse(&k, out));
		cr_assert_str_eq(j.local, k.local);
		cr_assert_str_eq(j.domain, k.domain);
		cr_assert_str_eq(j.resource, k.resource);
	}
}

Test(jid_str, bare_str)
{
	char out[64], small[4];

	cr_assert_str_eq(jid_bare_str("a@b/c/d", out, sizeof(out)), "a@b");
	cr_assert_str_eq(jid_bare_str("a@b", out, sizeof(out)), "a@b");
	cr_assert_str_eq(jid_bare_str("b/c@d", out, sizeof(out)), "b");
	cr_assert_str_eq(jid_bare_str("/x", out, sizeof(out)), "");
	cr_assert_str_eq(jid_bare_str("", out, sizeof(out)), "");
	cr_assert_str_eq(jid_bare_str(NULL, out, sizeof(out)), "");
	/* Not validated: whatever the peer sent, cut at the slash. */
	cr_assert_str_eq(jid_bare_str("A B@C/d", out, sizeof(out)), "A B@C");
	cr_assert_str_eq(jid_bare_str("alice@example.org", small, sizeof(small)), "ali");
	cr_assert_eq(jid_bare_str("x", small, 0), small);
}

Test(jid_str, resource_str)
{
	cr_assert_str_eq(jid_resource_str("a@b/c"), "c");
	cr_assert_str_eq(jid_resource_str("a@b/c/d"), "c/d");
	cr_assert_str_eq(jid_resource_str("a@b/"), "");
	cr_assert_null(jid_resource_str("a@b"));
	cr_assert_null(jid_resource_str(""));
	cr_assert_null(jid_resource_str(NULL));
}

Test(jid_str, bare_eq)
{
	cr_assert(jid_bare_eq("alice@example.org", "alice@example.org"));
	cr_assert(jid_bare_eq("Alice@Example.ORG", "alice@example.org"));
	cr_assert(jid_bare_eq("alice@example.org/phone", "ALICE@example.org/pc"));
	cr_assert(jid_bare_eq("alice@example.org/phone", "alice@example.org"));
	cr_assert(jid_bare_eq("example.org", "example.org/x"));
	cr_assert_not(jid_bare_eq("alice@example.org", "alice@example.org.uk"));
	cr_assert_not(jid_bare_eq("alice@example.org", "alic@example.org"));
	cr_assert_not(jid_bare_eq("alice@example.org", "example.org"));
	cr_assert_not(jid_bare_eq("a@b/c", "a@bc"));
	cr_assert_not(jid_bare_eq(NULL, "a@b"));
	cr_assert_not(jid_bare_eq("a@b", NULL));
}
