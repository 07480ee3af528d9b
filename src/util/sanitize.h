/* The one gate between remote text and the terminal. Everything from the
 * network passes here before it is drawn. */
#ifndef JABIRU_SANITIZE_H
#define JABIRU_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most bytes one input character can become ("<U+10FFFF>"). */
#define SANITIZE_CHAR_MAX 10

/* Returns a newly allocated copy of s (len bytes) fit to print:
 * - C0 controls (except '\n' when keep_newlines), DEL and C1 controls
 *   (U+0080..U+009F) become visible escapes: ESC as "^[", other C0 as
 *   "^X" caret notation, DEL as "^?", C1 as "<U+009B>";
 * - bidi controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069)
 *   and the separators U+2028, U+2029 become "<U+202E>" style escapes;
 * - TAB becomes one space; invalid UTF-8 becomes U+FFFD.
 * Never returns NULL (aborts on allocation failure like xmalloc). */
char *sanitize(const char *s, size_t len, int keep_newlines);
/* Convenience for NUL-terminated strings; NULL gives "". */
char *sanitize_str(const char *s);
/* The same rule for the one character at s (len > 0 bytes), for code that
 * draws text it cannot copy first (the prompt, whose cursor must map to
 * the buffer): writes its printable form to out (not NUL-terminated),
 * returns that form's length and sets *used to the input bytes eaten. */
size_t sanitize_char(const char *s, size_t len, int keep_newlines, char out[SANITIZE_CHAR_MAX],
                     size_t *used);
/* Whether the code point is one the sanitiser escapes (a control, a bidi
 * control or a separator): what other writers (JSON) must escape too. */
bool sanitize_is_unsafe(uint32_t cp);

#endif
