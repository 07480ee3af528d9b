/* Small drawing helpers shared by the parts of the screen. */
#ifndef JABIRU_DRAW_H
#define JABIRU_DRAW_H

#include <stddef.h>

#include "util/sanitize.h"

/* The form one character of s takes on a single screen row: the
 * sanitiser's, with a newline (kept in window lines, which wrap at it)
 * drawn as a space, since curses would obey it and move the cursor onto
 * the next row, over a bar or a pane. Text is sanitised when stored; this
 * is the gate at the drawing end, a no-op for sanitised text but for
 * '\n'. Returns the length of out; *used gets the bytes of s eaten. */
size_t draw_char_form(const char *s, size_t len, char out[SANITIZE_CHAR_MAX], size_t *used);
/* Adds sanitised UTF-8 text at the cursor, at most cols columns (a wide
 * character that would not fit is left out). Returns the columns used. */
int draw_clipped(const char *s, int cols);
/* The same for len bytes of s. */
int draw_clipped_n(const char *s, size_t len, int cols);

#endif
