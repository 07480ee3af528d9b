#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/str.h"
#include "util/xmltok.h"
#include "xmpp/xmlfmt.h"

static void add_span(struct xf_doc *d, enum xf_kind kind, const char *s, size_t len)
{
	char *clean;
	size_t n;
	struct xf_span *sp;

	if (len == 0)
		return;
	/* Remote text: controls and bidi overrides made visible. */
	clean = sanitize(s, len, 0);
	n = strlen(clean);
	if (d->len + n + 1 > d->cap) {
		d->cap = (d->len + n + 1) * 2;
		d->text = xrealloc(d->text, d->cap);
	}
	memcpy(d->text + d->len, clean, n + 1);
	free(clean);
	if (d->nspans == d->capspans) {
		d->capspans = d->capspans ? d->capspans * 2 : 16;
		d->spans = xrealloc(d->spans, d->capspans * sizeof(*d->spans));
	}
	sp = &d->spans[d->nspans++];
	sp->kind = kind;
	sp->off = d->len;
	sp->len = n;
	d->len += n;
	if (d->nlines > 0)
		d->lines[d->nlines - 1].n++;
}

static void new_line(struct xf_doc *d, int indent)
{
	if (d->nlines == d->caplines) {
		d->caplines = d->caplines ? d->caplines * 2 : 8;
		d->lines = xrealloc(d->lines, d->caplines * sizeof(*d->lines));
	}
	d->lines[d->nlines].indent = indent;
	d->lines[d->nlines].first = d->nspans;
	d->lines[d->nlines].n = 0;
	d->nlines++;
}

static void add_lit(struct xf_doc *d, enum xf_kind kind, const char *lit)
{
	add_span(d, kind, lit, strlen(lit));
}

static void add_tag(struct xf_doc *d, const struct xt_tok *t)
{
	const char *p = t->attrs, *end = t->attrs + t->attrslen;
	struct xt_attr a;

	add_lit(d, XF_PUNCT, t->type == XT_END ? "</" : "<");
	add_span(d, XF_ELEMENT, t->name, t->namelen);
	while (t->type != XT_END && xmltok_attr(&p, end, &a)) {
		bool ns = a.namelen >= 5 && memcmp(a.name, "xmlns", 5) == 0 &&
		          (a.namelen == 5 || a.name[5] == ':');

		add_lit(d, XF_PUNCT, " ");
		add_span(d, ns ? XF_NS : XF_ATTR, a.name, a.namelen);
		add_lit(d, ns ? XF_NS : XF_PUNCT, "=\"");
		add_span(d, ns ? XF_NS : XF_VALUE, a.val, a.vallen);
		add_lit(d, ns ? XF_NS : XF_PUNCT, "\"");
	}
	add_lit(d, XF_PUNCT, t->type == XT_EMPTY ? "/>" : ">");
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, size_t *len)
{
	while (*len > 0 && is_ws((*s)[0])) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && is_ws((*s)[*len - 1]))
		(*len)--;
}

/* Pretty mode: text with line breaks keeps them, one line each. */
static void text_lines(struct xf_doc *d, const struct xt_tok *t, int depth)
{
	const char *s = t->text, *end = t->text + t->textlen;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *stop = nl != NULL ? nl : end;
		const char *p = s;
		size_t n = (size_t)(stop - s);

		trim(&p, &n);
		if (n > 0) {
			new_line(d, depth);
			add_span(d, XF_TEXT, p, n);
		}
		s = stop + (nl != NULL);
	}
}

static void add_other(struct xf_doc *d, const struct xt_tok *t)
{
	if (t->type == XT_TEXT) {
		const char *s = t->text;
		size_t n = t->textlen;

		trim(&s, &n);
		add_span(d, XF_TEXT, s, n);
	} else if (t->type == XT_CDATA) {
		add_lit(d, XF_PUNCT, "<![CDATA[");
		add_span(d, XF_TEXT, t->text, t->textlen);
		add_lit(d, XF_PUNCT, "]]>");
	} else {
		add_span(d, XF_OTHER, t->p, t->len);
	}
}

static bool blank(const struct xt_tok *t)
{
	const char *s = t->text;
	size_t n = t->textlen;

	if (t->type != XT_TEXT)
		return false;
	trim(&s, &n);
	return n == 0;
}

/* Pretty: a start tag followed by text and its end tag stays on one line. */
static void pretty(struct xf_doc *d, const char *xml, size_t len)
{
	const char *pos = xml, *end = xml + len;
	struct xt_tok t, t2, t3;
	int depth = 0;

	while (xmltok_next(&pos, end, &t)) {
		if (blank(&t))
			continue;
		if (t.type == XT_END && depth > 0)
			depth--;
		if (t.type == XT_TEXT) {
			text_lines(d, &t, depth);
			continue;
		}
		new_line(d, depth);
		if (t.type == XT_START) {
			const char *save = pos;

			add_tag(d, &t);
			if (xmltok_next(&pos, end, &t2) &&
			    ((t2.type == XT_TEXT && memchr(t2.text, '\n', t2.textlen) == NULL) ||
			     t2.type == XT_CDATA) &&
			    xmltok_next(&pos, end, &t3) && t3.type == XT_END) {
				add_other(d, &t2);
				add_tag(d, &t3);
				continue;
			}
			pos = save;
			depth++;
		} else if (t.type == XT_EMPTY || t.type == XT_END) {
			add_tag(d, &t);
		} else {
			add_other(d, &t);
		}
	}
}

static void compact(struct xf_doc *d, const char *xml, size_t len)
{
	const char *pos = xml, *end = xml + len;
	struct xt_tok t;

	new_line(d, 0);
	while (xmltok_next(&pos, end, &t)) {
		if (blank(&t))
			continue;
		if (t.type == XT_START || t.type == XT_EMPTY || t.type == XT_END)
			add_tag(d, &t);
		else
			add_other(d, &t);
	}
}

void xmlfmt_format(struct xf_doc *d, const char *xml, size_t len, bool compact_mode)
{
	d->len = d->nspans = d->nlines = 0;
	if (compact_mode)
		compact(d, xml, len);
	else
		pretty(d, xml, len);
}

void xmlfmt_free(struct xf_doc *d)
{
	free(d->text);
	free(d->spans);
	free(d->lines);
	memset(d, 0, sizeof(*d));
}

char *xmlfmt_line_text(const struct xf_doc *d, size_t i)
{
	const struct xf_line *l = &d->lines[i];
	struct buf b;

	buf_init(&b);
	for (int k = 0; k < l->indent; k++)
		buf_puts(&b, "  ");
	for (size_t k = 0; k < l->n; k++)
		buf_append(&b, d->text + d->spans[l->first + k].off, d->spans[l->first + k].len);
	buf_cstr(&b);
	return b.data != NULL ? b.data : xstrdup("");
}
