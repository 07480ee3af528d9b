/* What XML 1.0 can carry (its Char production): TAB, LF, CR,
 * U+0020..U+D7FF, U+E000..U+FFFD and U+10000..U+10FFFF, as valid UTF-8.
 * A stanza with anything else is not well-formed, and the server ends the
 * session over it; these are the checks made before anything is sent. */
#ifndef JABIRU_XMLCHAR_H
#define JABIRU_XMLCHAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A byte b that is not UTF-8 is reported as XMLCHAR_NOT_UTF8 + b. */
#define XMLCHAR_NOT_UTF8 0x110000u

bool xmlchar_allowed(uint32_t cp);
/* The offset of the first character of s (len bytes) that XML cannot
 * carry, or len when there is none; *cp (may be NULL) gets it (see
 * XMLCHAR_NOT_UTF8). */
size_t xmlchar_find_bad(const char *s, size_t len, uint32_t *cp);
/* A copy of s (NUL-terminated) with U+FFFD in place of each character XML
 * cannot carry (each byte, for bytes that are not UTF-8); *count gets how
 * many were replaced. malloc'd. */
char *xmlchar_replace(const char *s, size_t *count);
/* "U+001B", or "0xFF" for a byte that is not UTF-8, for a code point from
 * xmlchar_find_bad(), into out (size bytes); returns out. */
char *xmlchar_name(uint32_t cp, char *out, size_t size);

#endif
