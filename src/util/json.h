/* A JSON object writer for one-line events: always valid JSON, whatever the
 * input (control characters escaped, invalid UTF-8 replaced by U+FFFD). */
#ifndef JABIRU_JSON_H
#define JABIRU_JSON_H

#include <stdbool.h>
#include <stddef.h>

struct json {
	char *buf;
	size_t len;
	size_t cap;
	bool first; /* no member written yet in the current object */
};

void json_init(struct json *j);
void json_free(struct json *j);
/* Starts a new object, discarding what the buffer held. */
void json_begin(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
/* val may hold NUL bytes or invalid UTF-8; len bytes are written. */
void json_strn(struct json *j, const char *key, const char *val, size_t len);
void json_int(struct json *j, const char *key, long long val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
void json_strv(struct json *j, const char *key, const char *const *vals, size_t n);
/* Closes the object; returns the NUL-terminated text (owned by j). */
const char *json_end(struct json *j);
/* Appends the JSON string literal for s (quotes included) to j's buffer. */
void json_quote(struct json *j, const char *s, size_t len);

#endif
