/* UTF-8 decoding and terminal cell widths. */
#ifndef JABIRU_UTF8_H
#define JABIRU_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s (at most len bytes). Returns the number of
 * bytes consumed (>= 1). Invalid or truncated sequences, overlongs and
 * surrogates yield *cp = 0xFFFD and consume one byte. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp into out (at least 4 bytes); returns the byte count. */
size_t utf8_encode(uint32_t cp, char *out);
bool utf8_valid(const char *s, size_t len);
/* Terminal columns of one code point (wcwidth semantics, 0 for combining,
 * 2 for wide/CJK, -1 for controls). */
int utf8_cp_width(uint32_t cp);
/* Columns of a string that has been sanitised (no controls). */
size_t utf8_width(const char *s, size_t len);
/* The length in bytes of the longest prefix of s of at most max bytes that
 * does not cut a character in two. */
size_t utf8_prefix(const char *s, size_t max);

#endif
