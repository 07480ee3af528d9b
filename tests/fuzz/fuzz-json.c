/* The JSON writer (src/util/json.c) that prints batch events. The input is
 * a list of members (an operation byte, then a key and a value, each a
 * length byte and that many bytes); the object written must parse as
 * strict JSON, stay on one line, carry no raw control character, and give
 * back every string as written (bytes that are not UTF-8 as U+FFFD). The
 * checking parser here is deliberately separate from the writer. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/str.h"
#include "util/utf8.h"

#define MAX_MEMBERS 64

struct cursor {
	const uint8_t *p;
	size_t left;
};

/* A length byte and that many bytes (fewer at the end of the input). */
static size_t take(struct cursor *c, const char **out)
{
	size_t n;

	if (c->left == 0) {
		*out = "";
		return 0;
	}
	n = c->p[0];
	c->p++;
	c->left--;
	if (n > c->left)
		n = c->left;
	*out = (const char *)c->p;
	c->p += n;
	c->left -= n;
	return n;
}

/* What a reader must get back for these bytes. */
static void expected(struct buf *b, const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (cp == 0xfffd)
			buf_append(b, "\xef\xbf\xbd", 3);
		else
			buf_append(b, s + i, n);
		i += n;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* What the one-letter escape \e stands for, or NULL. */
static const char *simple_escape(char e)
{
	switch (e) {
	case '"':
		return "\"";
	case '\\':
		return "\\";
	case '/':
		return "/";
	case 'b':
		return "\b";
	case 'f':
		return "\f";
	case 'n':
		return "\n";
	case 'r':
		return "\r";
	case 't':
		return "\t";
	default:
		return NULL;
	}
}

/* Parses the string literal at *p (strictly) into b; aborts on anything a
 * strict reader would refuse or a terminal would act on. */
static void parse_string(const char **p, struct buf *b)
{
	const char *s = *p;

	if (*s++ != '"')
		abort();
	for (;;) {
		unsigned char c = (unsigned char)*s;
		uint32_t cp;
		size_t n;

		if (c == '"')
			break;
		if (c == '\0' || c < 0x20)
			abort(); /* raw control, or the string never ends */
		if (c == '\\') {
			char e = s[1];
			const char *simple = simple_escape(e);

			if (e == 'u') {
				char enc[4];
				uint32_t u = 0;

				for (int k = 2; k < 6; k++) {
					int h = hexval(s[k]);

					if (h < 0)
						abort();
					u = u << 4 | (uint32_t)h;
				}
				if (u >= 0xd800 && u <= 0xdfff)
					abort(); /* the writer never splits surrogates */
				buf_append(b, enc, utf8_encode(u, enc));
				s += 6;
			} else if (simple != NULL) {
				buf_append(b, simple, 1);
				s += 2;
			} else {
				abort();
			}
			continue;
		}
		n = utf8_decode(s, strlen(s), &cp);
		if (cp == 0xfffd && n != 3)
			abort(); /* not UTF-8 */
		if ((cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029)
			abort(); /* must have been escaped */
		buf_append(b, s, n);
		s += n;
	}
	*p = s + 1;
}

static void expect_lit(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n) != 0)
		abort();
	*p += n;
}

static void expect_str(const char **p, const char *want, size_t len)
{
	struct buf got, exp;

	buf_init(&got);
	buf_init(&exp);
	parse_string(p, &got);
	expected(&exp, want, len);
	if (got.len != exp.len || (got.len > 0 && memcmp(got.data, exp.data, got.len) != 0))
		abort();
	buf_free(&got);
	buf_free(&exp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = {data, size};
	struct {
		int op;
		char *key, *val;
		size_t vlen;
	} m[MAX_MEMBERS];
	size_t nm = 0;
	struct json j;
	const char *out, *p;

	json_init(&j);
	json_begin(&j);
	while (c.left > 0 && nm < MAX_MEMBERS) {
		const char *k, *v;
		size_t kl, vl;

		m[nm].op = c.p[0] % 6;
		c.p++;
		c.left--;
		kl = take(&c, &k);
		vl = take(&c, &v);
		/* Keys are ours (constants), NUL-terminated. */
		m[nm].key = xstrndup(k, strnlen(k, kl));
		m[nm].val = xmalloc(vl + 1);
		memcpy(m[nm].val, v, vl);
		m[nm].val[vl] = '\0';
		m[nm].vlen = vl;
		switch (m[nm].op) {
		case 0:
			json_str(&j, m[nm].key, m[nm].val);
			m[nm].vlen = strlen(m[nm].val);
			break;
		case 1:
			json_strn(&j, m[nm].key, m[nm].val, vl);
			break;
		case 2:
			json_int(&j, m[nm].key, (long long)vl * (vl & 1 ? -1 : 1));
			break;
		case 3:
			json_bool(&j, m[nm].key, vl & 1);
			break;
		case 4:
			json_null(&j, m[nm].key);
			break;
		case 5: {
			const char *vals[2] = {m[nm].val, NULL};

			json_strv(&j, m[nm].key, vals, 2);
			m[nm].vlen = strlen(m[nm].val);
			break;
		}
		}
		nm++;
	}
	out = json_end(&j);
	if (strchr(out, '\n') != NULL || strlen(out) != j.len)
		abort(); /* one line, no NUL inside */

	p = out;
	expect_lit(&p, "{");
	for (size_t i = 0; i < nm; i++) {
		if (i > 0)
			expect_lit(&p, ",");
		expect_str(&p, m[i].key, strlen(m[i].key));
		expect_lit(&p, ":");
		switch (m[i].op) {
		case 0:
		case 1:
			expect_str(&p, m[i].val, m[i].vlen);
			break;
		case 2: {
			char *end;
			long long v = strtoll(p, &end, 10);

			if (end == p || v != (long long)m[i].vlen * (m[i].vlen & 1 ? -1 : 1))
				abort();
			p = end;
			break;
		}
		case 3:
			expect_lit(&p, m[i].vlen & 1 ? "true" : "false");
			break;
		case 4:
			expect_lit(&p, "null");
			break;
		case 5:
			expect_lit(&p, "[");
			expect_str(&p, m[i].val, m[i].vlen);
			expect_lit(&p, ",null]");
			break;
		}
		free(m[i].key);
		free(m[i].val);
	}
	expect_lit(&p, "}");
	if (*p != '\0')
		abort();
	json_free(&j);
	return 0;
}
