/* A forgiving XML tokenizer for text that is already known to be (mostly)
 * well-formed: what libstrophe serialises, one element or stream header at a
 * time. The console's redaction, filter and pretty printer read XML with it.
 * It never fails: malformed input ends in one XT_BAD token covering the rest,
 * so callers can treat it conservatively. Not a validating parser (/raw uses
 * expat for that). */
#ifndef JABIRU_XMLTOK_H
#define JABIRU_XMLTOK_H

#include <stdbool.h>
#include <stddef.h>

enum xt_type {
	XT_START,   /* <name attrs> */
	XT_EMPTY,   /* <name attrs/> */
	XT_END,     /* </name> */
	XT_TEXT,    /* character data, entities left as written */
	XT_PI,      /* <?...?> */
	XT_COMMENT, /* <!--...--> */
	XT_CDATA,   /* <![CDATA[...]]> (text: the content) */
	XT_BAD,     /* the unparsable rest */
};

struct xt_tok {
	enum xt_type type;
	const char *p; /* the whole token */
	size_t len;
	const char *name; /* element name (START, EMPTY, END), with any prefix */
	size_t namelen;
	const char *attrs; /* START/EMPTY: the attribute text after the name */
	size_t attrslen;
	const char *text; /* TEXT/CDATA/COMMENT/PI: the content */
	size_t textlen;
};

/* Reads the next token at *pos (end: s + len). False at the end. */
bool xmltok_next(const char **pos, const char *end, struct xt_tok *t);

struct xt_attr {
	const char *name;
	size_t namelen;
	const char *val; /* without quotes, entities left as written */
	size_t vallen;
};

/* Iterates the attributes of a START/EMPTY token: *pos starts at t->attrs. */
bool xmltok_attr(const char **pos, const char *end, struct xt_attr *a);
/* The value of attribute name in the token, or false. */
bool xmltok_get_attr(const struct xt_tok *t, const char *name, const char **val, size_t *len);
/* The local part of a (possibly prefixed) name. */
void xmltok_local(const char *name, size_t len, const char **local, size_t *locallen);

#endif
