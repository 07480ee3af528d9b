/* Small string and memory helpers. Allocation failure aborts: there is no
 * sensible way on for an interactive client that cannot allocate a few
 * bytes, and it keeps every caller simple. */
#ifndef JABIRU_STR_H
#define JABIRU_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);
/* Copies at most size-1 bytes and NUL-terminates; returns strlen(src). */
size_t strlcpy_(char *dst, const char *src, size_t size);
bool str_starts_with(const char *s, const char *prefix);
/* Overwrites a secret before freeing it. */
void str_free_secret(char *s);
/* Replaces the string *field by a copy of value; NULL or "" leaves NULL. */
void str_set(char **field, const char *value);

/* A growable byte buffer. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminates (without counting the NUL in len) and returns data. */
const char *buf_cstr(struct buf *b);
void buf_clear(struct buf *b);

#endif
