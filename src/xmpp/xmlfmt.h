/* The XML console's pretty printer: turns one element's text into lines of
 * coloured spans for the window to draw. Pretty mode indents one element
 * per line (an element holding only text stays on one line); compact mode
 * gives one line. Every span's text is already sanitised for the terminal;
 * the window wraps long lines at its width. */
#ifndef JABIRU_XMLFMT_H
#define JABIRU_XMLFMT_H

#include <stdbool.h>
#include <stddef.h>

enum xf_kind {
	XF_PUNCT,   /* < > / = quotes */
	XF_ELEMENT, /* element names */
	XF_ATTR,    /* attribute names */
	XF_VALUE,   /* attribute values */
	XF_TEXT,    /* character data */
	XF_NS,      /* namespace declarations, name and value: dimmed */
	XF_OTHER,   /* processing instructions, comments, the unparsable */
};

struct xf_span {
	enum xf_kind kind;
	size_t off, len; /* in xf_doc.text */
};

struct xf_line {
	int indent;      /* in levels */
	size_t first, n; /* spans */
};

struct xf_doc {
	char *text;
	size_t len, cap;
	struct xf_span *spans;
	size_t nspans, capspans;
	struct xf_line *lines;
	size_t nlines, caplines;
};

void xmlfmt_format(struct xf_doc *d, const char *xml, size_t len, bool compact);
void xmlfmt_free(struct xf_doc *d);
/* The plain text of line i, for tests (malloc'd). */
char *xmlfmt_line_text(const struct xf_doc *d, size_t i);

#endif
