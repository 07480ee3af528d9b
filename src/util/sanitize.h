/* The one gate between remote text and the terminal. Everything from the
 * network passes here before it is drawn. */
#ifndef JABIRU_SANITIZE_H
#define JABIRU_SANITIZE_H

#include <stddef.h>

/* Returns a newly allocated copy of s (len bytes) fit to print:
 * - C0 controls (except '\n' when keep_newlines), DEL and C1 controls
 *   (U+0080..U+009F) become visible escapes: ESC as "^[", other C0 as
 *   "^X" caret notation, DEL as "^?", C1 as "<U+009B>";
 * - bidi controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069)
 *   become "<U+202E>" style escapes;
 * - TAB becomes one space; invalid UTF-8 becomes U+FFFD.
 * Never returns NULL (aborts on allocation failure like xmalloc). */
char *sanitize(const char *s, size_t len, int keep_newlines);
/* Convenience for NUL-terminated strings; NULL gives "". */
char *sanitize_str(const char *s);

#endif
