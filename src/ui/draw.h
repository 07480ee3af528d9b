/* Small drawing helpers shared by the parts of the screen. */
#ifndef JABIRU_DRAW_H
#define JABIRU_DRAW_H

#include <stddef.h>

/* Adds sanitised UTF-8 text at the cursor, at most cols columns (a wide
 * character that would not fit is left out). Returns the columns used. */
int draw_clipped(const char *s, int cols);
/* The same for len bytes of s. */
int draw_clipped_n(const char *s, size_t len, int cols);

#endif
