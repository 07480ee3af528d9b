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

static void put_ucode(struct buf *b, uint32_t cp)
{
	buf_printf(b, "<U+%04X>", (unsigned)cp);
}

char *sanitize(const char *s, size_t len, int keep_newlines)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	struct buf b;
	size_t i = 0, n;
	uint32_t cp;
	char caret[2];

	buf_init(&b);
	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (cp == 0xfffd) {
			/* Invalid input, or a real U+FFFD: the same bytes. */
			buf_append(&b, replacement, 3);
		} else if (cp == '\n' && keep_newlines) {
			buf_append(&b, "\n", 1);
		} else if (cp == '\t') {
			buf_append(&b, " ", 1);
		} else if (cp < 0x20 || cp == 0x7f) {
			/* Caret notation: ESC is "^[", '\r' is "^M", DEL "^?". */
			caret[0] = '^';
			caret[1] = (char)(cp ^ 0x40);
			buf_append(&b, caret, 2);
		} else if ((cp >= 0x80 && cp <= 0x9f) || is_escaped_format(cp)) {
			put_ucode(&b, cp);
		} else {
			buf_append(&b, s + i, n);
		}
		i += n;
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
