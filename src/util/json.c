/* A JSON object writer for one-line events.
 *
 * Whatever a peer sends, the line we print must parse and must stay one
 * line: every C0 control, DEL, C1 control, bidi control and U+2028/U+2029
 * (what the sanitiser escapes) is written as a \u escape, so a raw ESC or
 * a U+202E never reaches a terminal watching the output either, and bytes
 * that are not UTF-8 become U+FFFD. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "util/json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/str.h"
#include "util/utf8.h"

void json_init(struct json *j)
{
	j->buf = NULL;
	j->len = 0;
	j->cap = 0;
	j->first = true;
}

void json_free(struct json *j)
{
	free(j->buf);
	json_init(j);
}

/* Makes room for extra more bytes plus a terminating NUL. */
static void reserve(struct json *j, size_t extra)
{
	size_t need, cap;

	if (extra > SIZE_MAX / 4 - j->len)
		abort(); /* no event is a quarter of the address space */
	need = j->len + extra + 1;
	if (need <= j->cap)
		return;
	cap = j->cap ? j->cap : 256;
	while (cap < need)
		cap *= 2;
	j->buf = xrealloc(j->buf, cap);
	j->cap = cap;
}

static void put(struct json *j, const char *s, size_t n)
{
	reserve(j, n);
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void putc_(struct json *j, char c)
{
	put(j, &c, 1);
}

void json_begin(struct json *j)
{
	j->len = 0;
	j->first = true;
	putc_(j, '{');
}

void json_quote(struct json *j, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, n;
	uint32_t cp;
	char esc[6];

	/* Most text needs no escapes; put() grows the rest as it goes. */
	reserve(j, len + 2);
	putc_(j, '"');
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			putc_(j, (char)c); /* the common case: plain ASCII */
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		switch (cp) {
		case '"':
			put(j, "\\\"", 2);
			break;
		case '\\':
			put(j, "\\\\", 2);
			break;
		case '\b':
			put(j, "\\b", 2);
			break;
		case '\f':
			put(j, "\\f", 2);
			break;
		case '\n':
			put(j, "\\n", 2);
			break;
		case '\r':
			put(j, "\\r", 2);
			break;
		case '\t':
			put(j, "\\t", 2);
			break;
		default:
			if (sanitize_is_unsafe(cp)) {
				esc[0] = '\\';
				esc[1] = 'u';
				esc[2] = hex[(cp >> 12) & 0xf];
				esc[3] = hex[(cp >> 8) & 0xf];
				esc[4] = hex[(cp >> 4) & 0xf];
				esc[5] = hex[cp & 0xf];
				put(j, esc, 6);
			} else if (cp == 0xfffd) {
				/* Either a real U+FFFD or one byte that is
				 * not UTF-8: both are written as U+FFFD. */
				put(j, "\xef\xbf\xbd", 3);
			} else {
				put(j, s + i, n);
			}
			break;
		}
		i += n;
	}
	putc_(j, '"');
}

static void member(struct json *j, const char *key)
{
	if (!j->first)
		putc_(j, ',');
	j->first = false;
	json_quote(j, key, strlen(key));
	putc_(j, ':');
}

void json_str(struct json *j, const char *key, const char *val)
{
	if (!val) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, val, strlen(val));
}

void json_strn(struct json *j, const char *key, const char *val, size_t len)
{
	member(j, key);
	json_quote(j, val, len);
}

void json_int(struct json *j, const char *key, long long val)
{
	char num[32];
	int n;

	member(j, key);
	n = snprintf(num, sizeof(num), "%lld", val);
	put(j, num, (size_t)n);
}

void json_bool(struct json *j, const char *key, bool val)
{
	member(j, key);
	if (val)
		put(j, "true", 4);
	else
		put(j, "false", 5);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	put(j, "null", 4);
}

void json_strv(struct json *j, const char *key, const char *const *vals, size_t n)
{
	size_t i;

	member(j, key);
	putc_(j, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			putc_(j, ',');
		if (vals[i])
			json_quote(j, vals[i], strlen(vals[i]));
		else
			put(j, "null", 4);
	}
	putc_(j, ']');
}

const char *json_end(struct json *j)
{
	putc_(j, '}');
	/* reserve() always leaves room for the NUL. */
	j->buf[j->len] = '\0';
	return j->buf;
}
