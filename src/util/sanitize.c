/* The one gate between remote text and the terminal.
 *
 * A peer controls every byte of a message body, a nickname or a file name.
 * Passed raw, ESC and CSI (U+009B) start sequences that clear the screen,
 * move the cursor, retitle the window or write the clipboard (OSC 52); bidi
 * overrides reorder what the user reads; a lone '\r' overwrites the line.
 * Rather than drop such characters, which would hide that something odd was
 * sent, we show them as inert visible text. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "util/sanitize.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"
#include "util/utf8.h"

/* Directional formatting characters (and the line and paragraph
 * separators, which some terminals treat as newlines): shown as
 * "<U+XXXX>" so that a "gnp.exe" spoofed with U+202E cannot pass. */
static bool is_escaped_format(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

bool sanitize_is_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || is_escaped_format(cp);
}

size_t sanitize_char(const char *s, size_t len, int keep_newlines, char out[SANITIZE_CHAR_MAX],
                     size_t *used)
{
	uint32_t cp;
	size_t n = utf8_decode(s, len, &cp);

	*used = n;
	if (cp == 0xfffd) {
		/* Invalid input, or a real U+FFFD: the same bytes. */
		memcpy(out, "\xef\xbf\xbd", 3);
		return 3;
	}
	if (cp == '\n' && keep_newlines) {
		out[0] = '\n';
		return 1;
	}
	if (cp == '\t') {
		out[0] = ' ';
		return 1;
	}
	if (cp < 0x20 || cp == 0x7f) {
		/* Caret notation: ESC is "^[", '\r' is "^M", DEL "^?". */
		out[0] = '^';
		out[1] = (char)(cp ^ 0x40);
		return 2;
	}
	if (sanitize_is_unsafe(cp)) {
		char tmp[SANITIZE_CHAR_MAX + 1];
		int k = snprintf(tmp, sizeof(tmp), "<U+%04X>", (unsigned)cp);

		memcpy(out, tmp, (size_t)k);
		return (size_t)k;
	}
	memcpy(out, s, n);
	return n;
}

char *sanitize(const char *s, size_t len, int keep_newlines)
{
	struct buf b;
	size_t i = 0, used, n;
	char one[SANITIZE_CHAR_MAX];

	buf_init(&b);
	while (i < len) {
		n = sanitize_char(s + i, len - i, keep_newlines, one, &used);
		buf_append(&b, one, n);
		i += used;
	}
	/* buf_cstr() allocates even for empty input; the caller frees. The
	 * result is kept (roster labels, scrollback lines): no growth slack. */
	buf_cstr(&b);
	return xrealloc(b.data, b.len + 1);
}

char *sanitize_str(const char *s)
{
	if (!s)
		return xstrdup("");
	return sanitize(s, strlen(s), 0);
}
