#include "config.h"

#include <string.h>

#include "util/xmltok.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_end(char c)
{
	return is_space(c) || c == '/' || c == '>' || c == '=';
}

static const char *find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; p + n <= end; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

static void bad(struct xt_tok *t, const char *p, const char *end)
{
	t->type = XT_BAD;
	t->p = p;
	t->len = (size_t)(end - p);
}

/* A tag's closing '>', skipping quoted attribute values. */
static const char *tag_end(const char *p, const char *end)
{
	char q = 0;

	for (; p < end; p++) {
		if (q != 0) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '>') {
			return p;
		}
	}
	return NULL;
}

static bool special(const char *p, const char *end, struct xt_tok *t, const char **pos)
{
	static const struct {
		const char *open, *close;
		enum xt_type type;
	} kinds[] = {
	    {"<?", "?>", XT_PI},
	    {"<!--", "-->", XT_COMMENT},
	    {"<![CDATA[", "]]>", XT_CDATA},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t ol = strlen(kinds[i].open);
		const char *c;

		if ((size_t)(end - p) < ol || memcmp(p, kinds[i].open, ol) != 0)
			continue;
		c = find(p + ol, end, kinds[i].close);
		if (c == NULL) {
			bad(t, p, end);
			*pos = end;
			return true;
		}
		t->type = kinds[i].type;
		t->text = p + ol;
		t->textlen = (size_t)(c - t->text);
		*pos = c + strlen(kinds[i].close);
		t->len = (size_t)(*pos - p);
		return true;
	}
	return false;
}

static void tag(const char *p, const char *end, struct xt_tok *t, const char **pos)
{
	const char *gt = tag_end(p, end), *n;

	if (gt == NULL) {
		bad(t, p, end);
		*pos = end;
		return;
	}
	*pos = gt + 1;
	t->len = (size_t)(*pos - p);
	n = p + 1;
	if (*n == '/') {
		t->type = XT_END;
		n++;
	} else {
		t->type = gt > p + 1 && gt[-1] == '/' ? XT_EMPTY : XT_START;
	}
	t->name = n;
	while (n < gt && !is_name_end(*n))
		n++;
	t->namelen = (size_t)(n - t->name);
	t->attrs = n;
	t->attrslen = (size_t)((t->type == XT_EMPTY ? gt - 1 : gt) - n);
	if (t->namelen == 0) {
		bad(t, p, end);
		*pos = end;
	}
}

bool xmltok_next(const char **pos, const char *end, struct xt_tok *t)
{
	const char *p = *pos;

	memset(t, 0, sizeof(*t));
	if (p >= end)
		return false;
	t->p = p;
	if (*p != '<') {
		const char *lt = memchr(p, '<', (size_t)(end - p));

		t->type = XT_TEXT;
		t->text = p;
		*pos = lt != NULL ? lt : end;
		t->len = t->textlen = (size_t)(*pos - p);
		return true;
	}
	if (!special(p, end, t, pos))
		tag(p, end, t, pos);
	return true;
}

bool xmltok_attr(const char **pos, const char *end, struct xt_attr *a)
{
	const char *p = *pos;
	char q;

	while (p < end && is_space(*p))
		p++;
	if (p >= end)
		return false;
	a->name = p;
	while (p < end && !is_name_end(*p))
		p++;
	a->namelen = (size_t)(p - a->name);
	while (p < end && is_space(*p))
		p++;
	if (a->namelen == 0 || p >= end || *p != '=') {
		*pos = end;
		return false;
	}
	p++;
	while (p < end && is_space(*p))
		p++;
	if (p >= end || (*p != '"' && *p != '\'')) {
		*pos = end;
		return false;
	}
	q = *p++;
	a->val = p;
	while (p < end && *p != q)
		p++;
	a->vallen = (size_t)(p - a->val);
	*pos = p < end ? p + 1 : end;
	return true;
}

bool xmltok_get_attr(const struct xt_tok *t, const char *name, const char **val, size_t *len)
{
	const char *p = t->attrs, *end = t->attrs + t->attrslen;
	struct xt_attr a;
	size_t n = strlen(name);

	if (t->type != XT_START && t->type != XT_EMPTY)
		return false;
	while (xmltok_attr(&p, end, &a)) {
		if (a.namelen == n && memcmp(a.name, name, n) == 0) {
			*val = a.val;
			*len = a.vallen;
			return true;
		}
	}
	return false;
}

void xmltok_local(const char *name, size_t len, const char **local, size_t *locallen)
{
	const char *c = memchr(name, ':', len);

	*local = c != NULL ? c + 1 : name;
	*locallen = c != NULL ? len - (size_t)(c + 1 - name) : len;
}
