/* The JSON writer: exact output for known input, and valid one-line JSON
 * for any input at all. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/utf8.h"
#include "xorshift.h"

/* A strict checker for what the writer may produce: one object whose
 * values are strings, integers, booleans, null or arrays of strings and
 * null; UTF-8 throughout; no raw control characters. */
struct cursor {
	const char *p;
};

static bool check_string(struct cursor *c)
{
	uint32_t cp;
	size_t n;
	int k;

	if (*c->p != '"')
		return false;
	c->p++;
	for (;;) {
		unsigned char ch = (unsigned char)*c->p;

		if (ch == '"') {
			c->p++;
			return true;
		}
		if (ch == '\0' || ch < 0x20 || ch == 0x7f)
			return false;
		if (ch == '\\') {
			c->p++;
			if (strchr("\"\\/bfnrt", *c->p) && *c->p) {
				c->p++;
				continue;
			}
			if (*c->p != 'u')
				return false;
			c->p++;
			for (k = 0; k < 4; k++, c->p++)
				if (!strchr("0123456789abcdefABCDEF", *c->p) || !*c->p)
					return false;
			continue;
		}
		n = utf8_decode(c->p, strnlen(c->p, 4), &cp); /* not strlen: O(n) */
		if (!utf8_valid(c->p, n))
			return false;
		/* The writer promises C1 and bidi controls and U+2028/9
		 * escaped too. */
		if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0x061c ||
		    cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return false;
		c->p += n;
	}
}

static bool check_value(struct cursor *c)
{
	const char *p = c->p;

	if (*p == '"')
		return check_string(c);
	if (*p == '[') {
		c->p++;
		if (*c->p == ']') {
			c->p++;
			return true;
		}
		for (;;) {
			if (strncmp(c->p, "null", 4) == 0)
				c->p += 4;
			else if (!check_string(c))
				return false;
			if (*c->p == ']') {
				c->p++;
				return true;
			}
			if (*c->p++ != ',')
				return false;
		}
	}
	if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0) {
		c->p += 4;
		return true;
	}
	if (strncmp(p, "false", 5) == 0) {
		c->p += 5;
		return true;
	}
	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	c->p = p;
	return true;
}

static bool json_ok(const char *s)
{
	struct cursor c = {s};

	if (*c.p++ != '{')
		return false;
	if (*c.p == '}')
		return c.p[1] == '\0';
	for (;;) {
		if (!check_string(&c) || *c.p++ != ':' || !check_value(&c))
			return false;
		if (*c.p == '}')
			return c.p[1] == '\0';
		if (*c.p++ != ',')
			return false;
	}
}

static struct json j;

static void setup(void)
{
	json_init(&j);
}

static void teardown(void)
{
	json_free(&j);
}

TestSuite(json, .init = setup, .fini = teardown);

static void expect(const char *got, const char *want)
{
	cr_assert_str_eq(got, want);
	cr_assert(json_ok(got), "invalid JSON: %s", got);
}

Test(json, empty_object)
{
	json_begin(&j);
	expect(json_end(&j), "{}");
}

Test(json, member_kinds)
{
	json_begin(&j);
	json_str(&j, "event", "message");
	json_int(&j, "n", 42);
	json_int(&j, "neg", -7);
	json_bool(&j, "yes", true);
	json_bool(&j, "no", false);
	json_null(&j, "nothing");
	expect(json_end(&j), "{\"event\":\"message\",\"n\":42,\"neg\":-7,"
	                     "\"yes\":true,\"no\":false,\"nothing\":null}");
}

Test(json, int_limits)
{
	char want[128];

	json_begin(&j);
	json_int(&j, "min", LLONG_MIN);
	json_int(&j, "max", LLONG_MAX);
	json_int(&j, "zero", 0);
	snprintf(want, sizeof(want), "{\"min\":%lld,\"max\":%lld,\"zero\":0}", LLONG_MIN,
	         LLONG_MAX);
	expect(json_end(&j), want);
}

Test(json, null_string_is_null)
{
	json_begin(&j);
	json_str(&j, "body", NULL);
	expect(json_end(&j), "{\"body\":null}");
}

Test(json, string_arrays)
{
	const char *three[] = {"a", NULL, "c\"d"};

	json_begin(&j);
	json_strv(&j, "none", NULL, 0);
	json_strv(&j, "three", three, 3);
	expect(json_end(&j), "{\"none\":[],\"three\":[\"a\",null,\"c\\\"d\"]}");
}

Test(json, escapes)
{
	json_begin(&j);
	json_str(&j, "s", "q\" b\\ s/ n\n r\r t\t b\b f\f");
	expect(json_end(&j), "{\"s\":\"q\\\" b\\\\ s/ n\\n r\\r t\\t b\\b f\\f\"}");
}

Test(json, control_characters)
{
	json_begin(&j);
	json_str(&j, "s", "\x01\x1b[2J\x1f\x7f");
	expect(json_end(&j), "{\"s\":\"\\u0001\\u001b[2J\\u001f\\u007f\"}");
}

Test(json, c1_and_separators)
{
	json_begin(&j);
	json_str(&j, "s",
	         "\xc2\x9b"
	         "x\xc2\x85\xe2\x80\xa8\xe2\x80\xa9");
	expect(json_end(&j), "{\"s\":\"\\u009bx\\u0085\\u2028\\u2029\"}");
}

/* A file name "\u202egnp.exe" in a batch line must not turn round in the
 * terminal of whoever watches the output. */
Test(json, bidi_controls)
{
	json_begin(&j);
	json_str(&j, "s", "\xe2\x80\xaegnp.exe\xd8\x9c\xe2\x80\x8e\xe2\x81\xa6\xe2\x81\xa9");
	expect(json_end(&j), "{\"s\":\"\\u202egnp.exe\\u061c\\u200e\\u2066\\u2069\"}");
}

Test(json, nul_bytes_with_strn)
{
	json_begin(&j);
	json_strn(&j, "s", "a\0b\0", 4);
	json_strn(&j, "empty", "", 0);
	expect(json_end(&j), "{\"s\":\"a\\u0000b\\u0000\",\"empty\":\"\"}");
}

Test(json, strn_respects_length)
{
	json_begin(&j);
	json_strn(&j, "s", "abcdef", 3);
	/* Cutting a multibyte sequence leaves invalid UTF-8: replaced. */
	json_strn(&j, "cut", "\xe2\x82\xac", 2);
	expect(json_end(&j), "{\"s\":\"abc\",\"cut\":\"\xef\xbf\xbd\xef\xbf\xbd\"}");
}

Test(json, utf8_kept)
{
	json_begin(&j);
	json_str(&j, "s", "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80 \xef\xbf\xbd");
	expect(json_end(&j), "{\"s\":\"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80 "
	                     "\xef\xbf\xbd\"}");
}

Test(json, invalid_utf8_replaced)
{
	json_begin(&j);
	json_str(&j, "s",
	         "a\xff"
	         "b\xc0\xaf"
	         "c\xed\xa0\x80");
	expect(json_end(&j), "{\"s\":\"a\xef\xbf\xbd"
	                     "b\xef\xbf\xbd\xef\xbf\xbd"
	                     "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}");
}

Test(json, keys_are_escaped)
{
	json_begin(&j);
	json_int(&j, "we\"ird\n", 1);
	expect(json_end(&j), "{\"we\\\"ird\\n\":1}");
}

Test(json, begin_discards_previous)
{
	json_begin(&j);
	json_str(&j, "old", "value");
	json_end(&j);
	json_begin(&j);
	json_int(&j, "new", 1);
	expect(json_end(&j), "{\"new\":1}");
	json_begin(&j);
	expect(json_end(&j), "{}");
}

Test(json, quote_appends_literal)
{
	json_begin(&j);
	j.len = 0; /* use the buffer alone, as a caller building an array would */
	json_quote(&j, "a\"\n", 3);
	json_quote(&j, "", 0);
	cr_assert_eq(j.len, strlen("\"a\\\"\\n\"\"\""));
	cr_assert_eq(memcmp(j.buf, "\"a\\\"\\n\"\"\"", j.len), 0);
}

Test(json, large_values_grow_the_buffer)
{
	size_t n = 1 << 20, i;
	char *big = malloc(n);
	const char *out;

	cr_assert_not_null(big);
	for (i = 0; i < n; i++)
		big[i] = (char)(i % 3 == 0 ? '\x1b' : 'a' + (char)(i % 26));
	json_begin(&j);
	json_strn(&j, "big", big, n);
	json_strn(&j, "big2", big, n);
	out = json_end(&j);
	cr_assert(json_ok(out));
	cr_assert_null(strchr(out, 0x1b));
	cr_assert_eq(strlen(out), j.len);
	free(big);
}

Test(json, random_bytes_give_valid_json)
{
	uint32_t state = 0x9e3779b9;
	char val[48], key[8];
	const char *vals[2], *out;
	size_t len, klen, i;
	int iter;

	for (iter = 0; iter < 20000; iter++) {
		len = xorshift32(&state) % sizeof(val);
		for (i = 0; i < len; i++)
			val[i] = (char)xorshift32(&state);
		klen = xorshift32(&state) % sizeof(key);
		for (i = 0; i < klen; i++)
			key[i] = (char)(xorshift32(&state) | 1); /* keys are C strings */
		key[klen] = '\0';
		vals[0] = key;
		vals[1] = NULL;
		json_begin(&j);
		json_strn(&j, key, val, len);
		json_strv(&j, "v", vals, 2);
		json_int(&j, "i", (long long)xorshift32(&state) - INT32_MAX);
		out = json_end(&j);
		cr_assert(json_ok(out), "iteration %d: %s", iter, out);
		cr_assert_eq(strlen(out), j.len);
	}
}
