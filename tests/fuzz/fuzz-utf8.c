/* The UTF-8 decoder (src/util/utf8.c) on arbitrary bytes. Besides not
 * crashing, it keeps its promises: each step consumes 1 to 4 bytes, a code
 * point it accepts re-encodes to exactly the bytes it read, utf8_valid()
 * agrees with the decoder, and utf8_prefix() stays within its bound. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* True when the bytes at s decode as the real U+FFFD (EF BF BD), which the
 * decoder reports like an invalid sequence. */
static bool is_real_fffd(const uint8_t *s, size_t n)
{
	return n >= 3 && s[0] == 0xef && s[1] == 0xbf && s[2] == 0xbd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	bool valid = true;
	size_t i = 0, pre;
	char enc[4];
	uint32_t cp;

	while (i < size) {
		size_t n = utf8_decode(s + i, size - i, &cp);

		if (n < 1 || n > 4 || n > size - i)
			abort();
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			abort();
		if (cp == 0xfffd && !(n == 3 && is_real_fffd(data + i, size - i))) {
			if (n != 1)
				abort(); /* an invalid sequence consumes one byte */
			valid = false;
		} else if (utf8_encode(cp, enc) != n || memcmp(enc, s + i, n) != 0) {
			abort(); /* decoding is not the inverse of encoding */
		}
		(void)utf8_cp_width(cp);
		i += n;
	}
	if (utf8_valid(s, size) != valid)
		abort();
	/* utf8_prefix and utf8_width take NUL-terminated text. */
	{
		char *z = malloc(size + 1);

		memcpy(z, data, size);
		z[size] = '\0';
		pre = utf8_prefix(z, size / 2);
		if (pre > size / 2)
			abort();
		(void)utf8_width(z, strlen(z));
		free(z);
	}
	return 0;
}
