/* The sanitiser (src/util/sanitize.c), the one gate between remote text and
 * the terminal, on arbitrary bytes. What comes out is valid UTF-8 with no C0
 * control (but '\n' when asked to keep newlines), no DEL, no C1 control and
 * no bidi or line-separator character, and sanitising it again changes
 * nothing (an escape is inert text). The first byte chooses keep_newlines. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/utf8.h"

static bool forbidden(uint32_t cp, bool keep_newlines)
{
	if (cp == '\n')
		return !keep_newlines;
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static void check_clean(const char *out, bool keep_newlines)
{
	size_t len = strlen(out), i = 0;
	uint32_t cp;

	if (!utf8_valid(out, len))
		abort();
	while (i < len) {
		i += utf8_decode(out + i, len - i, &cp);
		if (forbidden(cp, keep_newlines))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool keep;
	char *out, *again;

	if (size == 0)
		return 0;
	keep = data[0] & 1;
	out = sanitize((const char *)data + 1, size - 1, keep);
	check_clean(out, keep);
	again = sanitize(out, strlen(out), keep);
	if (strcmp(out, again) != 0)
		abort(); /* sanitised text is already fit to print */
	free(again);
	free(out);
	return 0;
}
