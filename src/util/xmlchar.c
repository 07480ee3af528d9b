/* The characters XML 1.0 forbids, found before they reach the wire. A
 * message pasted from a terminal holds ESC; a script's line can hold any
 * byte. Sent as is, the server closes the stream with not-well-formed
 * after we reported the stanza sent: the stanza is lost and the session
 * with it. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "util/xmlchar.h"

#include <stdio.h>
#include <string.h>

#include "util/str.h"
#include "util/utf8.h"

bool xmlchar_allowed(uint32_t cp)
{
	return cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp <= 0xd7ff) ||
	       (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/* One character at s: its length and code point (XMLCHAR_NOT_UTF8 + the
 * byte for one utf8_decode() had to replace, told apart from a real
 * U+FFFD). */
static size_t next_char(const char *s, size_t len, uint32_t *cp)
{
	size_t n = utf8_decode(s, len, cp);

	if (*cp == 0xfffd && !(n == 3 && memcmp(s, "\xef\xbf\xbd", 3) == 0))
		*cp = XMLCHAR_NOT_UTF8 + (unsigned char)s[0];
	return n;
}

size_t xmlchar_find_bad(const char *s, size_t len, uint32_t *cp)
{
	size_t i = 0, n;
	uint32_t c;

	while (i < len) {
		unsigned char b = (unsigned char)s[i];

		if (b >= 0x20 && b < 0x80) {
			i++; /* the common case: printable ASCII */
			continue;
		}
		n = next_char(s + i, len - i, &c);
		if (!xmlchar_allowed(c)) {
			if (cp != NULL)
				*cp = c;
			return i;
		}
		i += n;
	}
	return len;
}

char *xmlchar_replace(const char *s, size_t *count)
{
	size_t len = strlen(s), i = 0, n;
	struct buf b;
	uint32_t c;

	*count = 0;
	buf_init(&b);
	while (i < len) {
		n = next_char(s + i, len - i, &c);
		if (xmlchar_allowed(c)) {
			buf_append(&b, s + i, n);
		} else {
			buf_append(&b, "\xef\xbf\xbd", 3);
			(*count)++;
		}
		i += n;
	}
	buf_cstr(&b);
	return b.data != NULL ? b.data : xstrdup("");
}

char *xmlchar_name(uint32_t cp, char *out, size_t size)
{
	if (cp >= XMLCHAR_NOT_UTF8)
		snprintf(out, size, "0x%02X", (unsigned)(cp - XMLCHAR_NOT_UTF8));
	else
		snprintf(out, size, "U+%04X", (unsigned)cp);
	return out;
}
