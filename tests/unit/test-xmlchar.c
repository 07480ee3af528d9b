/* The outbound check: what XML 1.0 cannot carry is found in text and in
 * every part of a stanza, and a message's copy has U+FFFD in its place. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "util/xmlchar.h"
#include "xmpp/xmlout.h"

Test(xmlchar, allowed_code_points)
{
	static const uint32_t ok[] = {0x09,   0x0a,   0x0d,   0x20,   0x7f,    0x85,    0x9b,
	                              0xd7ff, 0xe000, 0xfdd0, 0xfffd, 0x10000, 0x1fffe, 0x10ffff};
	static const uint32_t bad[] = {0x00, 0x01,   0x08,   0x0b,   0x0c,   0x0e,    0x1b,
	                               0x1f, 0xd800, 0xdfff, 0xfffe, 0xffff, 0x110000};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert(xmlchar_allowed(ok[i]), "U+%04X", (unsigned)ok[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_not(xmlchar_allowed(bad[i]), "U+%04X", (unsigned)bad[i]);
}

static void expect_bad(const char *s, size_t at, uint32_t want)
{
	uint32_t cp = 0;

	cr_assert_eq(xmlchar_find_bad(s, strlen(s), &cp), at, "'%s'", s);
	cr_assert_eq(cp, want, "'%s': U+%04X", s, (unsigned)cp);
}

Test(xmlchar, finds_the_first_bad_character)
{
	uint32_t cp = 0;

	cr_assert_eq(xmlchar_find_bad("plain\ttext\r\n", 12, &cp), 12);
	cr_assert_eq(xmlchar_find_bad("caf\xc3\xa9 \xe6\x97\xa5 \xef\xbf\xbd", 13, NULL), 13);
	expect_bad("red \x1b[31m", 4, 0x1b);
	expect_bad("a\x07", 1, 0x07);
	expect_bad("x\xef\xbf\xbe", 1, 0xfffe);
	expect_bad("x\xef\xbf\xbf", 1, 0xffff);
	/* Bytes that are not UTF-8: a stray continuation, a lone lead byte,
	 * an encoded surrogate, an overlong. */
	expect_bad("Bo\xff", 2, XMLCHAR_NOT_UTF8 + 0xff);
	expect_bad("\x80", 0, XMLCHAR_NOT_UTF8 + 0x80);
	expect_bad("ab\xc3", 2, XMLCHAR_NOT_UTF8 + 0xc3);
	expect_bad("\xed\xa0\x80", 0, XMLCHAR_NOT_UTF8 + 0xed);
	expect_bad("\xc0\xaf", 0, XMLCHAR_NOT_UTF8 + 0xc0);
	/* A NUL inside the given length. */
	cr_assert_eq(xmlchar_find_bad("a\0b", 3, &cp), 1);
	cr_assert_eq(cp, 0);
}

Test(xmlchar, replace_puts_fffd_in_place)
{
	size_t n = 99;
	char *s = xmlchar_replace("hi \x1b[1mthere\x1b[0m\x07 \xff\xef\xbf\xbf ok", &n);

	cr_assert_str_eq(s, "hi \xef\xbf\xbd[1mthere\xef\xbf\xbd[0m\xef\xbf\xbd "
	                    "\xef\xbf\xbd\xef\xbf\xbd ok");
	cr_assert_eq(n, 5);
	free(s);
	s = xmlchar_replace("clean \xc3\xa9", &n);
	cr_assert_str_eq(s, "clean \xc3\xa9");
	cr_assert_eq(n, 0);
	free(s);
}

Test(xmlchar, names)
{
	char out[16];

	cr_assert_str_eq(xmlchar_name(0x1b, out, sizeof(out)), "U+001B");
	cr_assert_str_eq(xmlchar_name(0xffff, out, sizeof(out)), "U+FFFF");
	cr_assert_str_eq(xmlchar_name(XMLCHAR_NOT_UTF8 + 0xff, out, sizeof(out)), "0xFF");
}

/* <message to=T><body>B</body><x a=V/></message> */
static xmpp_stanza_t *build(xmpp_ctx_t *ctx, const char *to, const char *body, const char *v)
{
	xmpp_stanza_t *m = xmpp_message_new(ctx, "chat", to, "id1"), *x = xmpp_stanza_new(ctx);

	xmpp_message_set_body(m, body);
	xmpp_stanza_set_name(x, "x");
	xmpp_stanza_set_attribute(x, "a", v);
	xmpp_stanza_add_child(m, x);
	xmpp_stanza_release(x);
	return m;
}

Test(xmlout, every_part_of_a_stanza_is_checked)
{
	xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
	struct {
		const char *to, *body, *v;
		bool ok;
		uint32_t cp;
	} cases[] = {
	    {"bob@localhost", "hello", "fine", true, 0},
	    {"bob@localhost", "he\x1bllo", "fine", false, 0x1b},
	    {"bob@localhost", "hello", "bad\x0c", false, 0x0c},
	    {"bob\x01@localhost", "hello", "fine", false, 0x01},
	    {"bob@localhost", "deep \xef\xbf\xbe", "fine", false, 0xfffe},
	};

	cr_assert_not_null(ctx);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xmpp_stanza_t *m = build(ctx, cases[i].to, cases[i].body, cases[i].v);
		uint32_t cp = 0;

		cr_assert_eq(xmlout_stanza_ok(m, &cp), cases[i].ok, "case %zu", i);
		if (!cases[i].ok)
			cr_assert_eq(cp, cases[i].cp, "case %zu: U+%04X", i, (unsigned)cp);
		xmpp_stanza_release(m);
	}
	xmpp_ctx_free(ctx);
}
