/* JIDs (RFC 7622), split and checked without allocation where possible. */
#ifndef JABIRU_JID_H
#define JABIRU_JID_H

#include <stdbool.h>
#include <stddef.h>

/* Limits from RFC 7622 §3: each part at most 1023 bytes. */
#define JID_PART_MAX 1023
#define JID_MAX      (3 * JID_PART_MAX + 2)

struct jid {
	char local[JID_PART_MAX + 1]; /* "" when absent */
	char domain[JID_PART_MAX + 1];
	char resource[JID_PART_MAX + 1]; /* "" when absent */
};

/* Parses s into j. Returns false (and leaves j undefined) when s is not a
 * usable JID: empty domain, empty local part before '@', empty resource
 * after '/', a part too long, spaces or control characters in local/domain,
 * or invalid UTF-8. The domain is lower-cased (ASCII). */
bool jid_parse(struct jid *j, const char *s);
/* Writes "local@domain" (or "domain") into out; returns out. */
char *jid_bare(const struct jid *j, char *out, size_t outlen);
/* Writes the full form (with "/resource" when present); returns out. */
char *jid_full(const struct jid *j, char *out, size_t outlen);
/* Bare form of a JID string without validating it (for stanza 'from');
 * copies up to the first '/' into out. */
char *jid_bare_str(const char *s, char *out, size_t outlen);
/* Pointer to the resource part of s after the first '/', or NULL. */
const char *jid_resource_str(const char *s);
/* Case-insensitive (ASCII) equality of the bare parts of two JID strings. */
bool jid_bare_eq(const char *a, const char *b);

#endif
