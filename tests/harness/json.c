/* A small reader for the batch mode's JSON lines: one field of a flat
 * object, strings unescaped. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness-int.h"

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* s at an opening quote; returns just past the closing one, or NULL. */
static const char *skip_string(const char *s)
{
	for (s++; *s; s++) {
		if (*s == '\\') {
			if (*++s == '\0')
				return NULL;
		} else if (*s == '"') {
			return s + 1;
		}
	}
	return NULL;
}

static const char *skip_value(const char *s)
{
	int depth = 0;

	s = skip_ws(s);
	if (*s == '"')
		return skip_string(s);
	do {
		if (*s == '\0')
			return depth == 0 ? s : NULL;
		if (*s == '"') {
			s = skip_string(s);
			if (s == NULL)
				return NULL;
			continue;
		}
		if (*s == '{' || *s == '[') {
			depth++;
		} else if (*s == '}' || *s == ']') {
			if (depth == 0)
				return s;
			depth--;
		} else if (depth == 0 && (*s == ',' || *s == ' ' || *s == '\t' || *s == '\n')) {
			return s;
		}
		s++;
	} while (depth > 0 || (*s != ',' && *s != '}' && *s != ']'));
	return s;
}

static int hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* *s at the 'u' of \uXXXX in a string ending at e: the code point, a
 * surrogate pair joined, a lone surrogate U+FFFD; -1 if malformed. Leaves
 * *s at the last character consumed. */
static int unescape_u(const char **s, const char *e)
{
	const char *p = *s;
	int cp = e - p > 4 ? hex4(p + 1) : -1;

	if (cp < 0)
		return -1;
	p += 4;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		int lo = (e - p > 6 && p[1] == '\\' && p[2] == 'u') ? hex4(p + 3) : -1;

		if (lo >= 0xdc00 && lo <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			p += 6;
		} else {
			cp = 0xfffd;
		}
	} else if (cp >= 0xdc00 && cp <= 0xdfff) {
		cp = 0xfffd;
	}
	*s = p;
	return cp;
}

/* s at an opening quote; the unescaped value (malloc'd) or NULL. A \u0000
 * ends the C string early. Lone surrogates become U+FFFD. */
static char *unescape(const char *s, const char **end)
{
	const char *e = skip_string(s);
	char *out, *o;

	if (e == NULL)
		return NULL;
	out = o =
	    harness_xmalloc((size_t)(e - s) + 1); /* never grows: \uXXXX is 6 bytes for <= 4 */
	for (s++; s < e - 1; s++) {
		int cp;

		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		switch (*++s) {
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			cp = unescape_u(&s, e);
			if (cp < 0) {
				free(out);
				return NULL;
			}
			o += put_utf8(o, (uint32_t)cp);
			break;
		default: /* \" \\ \/ and anything else as itself */
			*o++ = *s;
			break;
		}
	}
	*o = '\0';
	if (end != NULL)
		*end = e;
	return out;
}

char *json_field(const char *line, const char *key)
{
	const char *s;

	if (line == NULL || key == NULL)
		return NULL;
	s = skip_ws(line);
	if (*s++ != '{')
		return NULL;
	for (;;) {
		const char *v, *ve;
		char *k;
		bool match;

		s = skip_ws(s);
		if (*s != '"')
			return NULL;
		k = unescape(s, &s);
		if (k == NULL)
			return NULL;
		match = strcmp(k, key) == 0;
		free(k);
		s = skip_ws(s);
		if (*s++ != ':')
			return NULL;
		v = skip_ws(s);
		if (match) {
			if (*v == '"')
				return unescape(v, NULL);
			ve = skip_value(v);
			if (ve == NULL)
				return NULL;
			{
				size_t n = (size_t)(ve - v);
				char *raw = harness_xmalloc(n + 1);

				memcpy(raw, v, n);
				raw[n] = '\0';
				return raw;
			}
		}
		s = skip_value(v);
		if (s == NULL)
			return NULL;
		s = skip_ws(s);
		if (*s == ',')
			s++;
		else
			return NULL; /* '}' or garbage: not found */
	}
}

bool json_field_is(const char *line, const char *key, const char *want)
{
	char *v = json_field(line, key);
	bool eq = v != NULL && want != NULL && strcmp(v, want) == 0;

	free(v);
	return eq;
}
