/* Splitting the received byte stream into elements: see wiretap.h.
 *
 * The scan resumes where the last complete token ended, so an element that
 * arrives in many reads is tokenised once. A token cut by the end of a read
 * shows as XT_BAD and is read again when more bytes come; so is malformed
 * XML, which libstrophe refuses anyway: past WIRETAP_MAX bytes pending, the
 * tap gives up until the next connection and libstrophe's text is shown. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/xmltok.h"
#include "xmpp/wiretap.h"

/* Larger than any stanza a server lets through (Prosody: 256 KiB). */
#define WIRETAP_MAX (1024 * 1024)

enum wire_kind { WIRE_HEADER, WIRE_END, WIRE_ELEMENT };

struct wire_el {
	char *text;
	enum wire_kind kind;
};

struct wiretap {
	int fd;
	bool broken;
	char *buf;
	size_t len, cap;
	size_t scan;  /* tokens before this are read */
	size_t start; /* where the open top-level element starts */
	int depth;    /* inside it; 0: between elements */
	struct wire_el *q;
	size_t qn, qcap;
};

static struct wiretap wt = {.fd = -1};

static void wipe(char *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}

static void clear(void)
{
	wipe(wt.buf, wt.cap);
	free(wt.buf);
	for (size_t i = 0; i < wt.qn; i++)
		wiretap_free(wt.q[i].text);
	free(wt.q);
	wt.buf = NULL;
	wt.q = NULL;
	wt.len = wt.cap = wt.scan = wt.start = wt.qn = wt.qcap = 0;
	wt.depth = 0;
}

void wiretap_watch(int fd)
{
	clear();
	wt.broken = false;
	wt.fd = fd;
}

static bool is_stream(const char *name, size_t len)
{
	const char *local;
	size_t ll;

	xmltok_local(name, len, &local, &ll);
	return ll == 6 && memcmp(local, "stream", 6) == 0;
}

static void push(const char *p, size_t len, enum wire_kind kind)
{
	if (wt.qn == wt.qcap) {
		wt.qcap = wt.qcap ? 2 * wt.qcap : 8;
		wt.q = xrealloc(wt.q, wt.qcap * sizeof(*wt.q));
	}
	wt.q[wt.qn].text = xstrndup(p, len);
	wt.q[wt.qn].kind = kind;
	wt.qn++;
}

/* One token between top-level elements: headers and empty elements are
 * complete, a start tag opens an element; whitespace, the XML declaration
 * and anything stray are not elements. */
static void between(const struct xt_tok *t)
{
	if (t->type == XT_START && is_stream(t->name, t->namelen)) {
		push(t->p, t->len, WIRE_HEADER);
	} else if (t->type == XT_END && is_stream(t->name, t->namelen)) {
		push(t->p, t->len, WIRE_END);
	} else if (t->type == XT_EMPTY) {
		push(t->p, t->len, WIRE_ELEMENT);
	} else if (t->type == XT_START) {
		wt.start = (size_t)(t->p - wt.buf);
		wt.depth = 1;
	}
}

static void split(void)
{
	const char *pos = wt.buf + wt.scan, *end = wt.buf + wt.len;
	struct xt_tok t;

	while (xmltok_next(&pos, end, &t) && t.type != XT_BAD) {
		if (wt.depth == 0)
			between(&t);
		else if (t.type == XT_START)
			wt.depth++;
		else if (t.type == XT_END && --wt.depth == 0)
			push(wt.buf + wt.start, (size_t)(pos - (wt.buf + wt.start)), WIRE_ELEMENT);
		wt.scan = (size_t)(pos - wt.buf);
	}
	/* Keep only what is still needed: the open element or the cut token. */
	{
		size_t keep = wt.depth > 0 ? wt.start : wt.scan;

		memmove(wt.buf, wt.buf + keep, wt.len - keep);
		wipe(wt.buf + wt.len - keep, keep);
		wt.len -= keep;
		wt.scan -= keep;
		wt.start = wt.depth > 0 ? 0 : wt.start;
	}
}

void wiretap_feed(int fd, const void *buf, size_t len)
{
	if (fd < 0 || fd != wt.fd || wt.broken || len == 0)
		return;
	if (wt.len + len > WIRETAP_MAX) {
		clear();
		wt.broken = true;
		return;
	}
	if (wt.len + len > wt.cap) {
		size_t cap = wt.cap ? wt.cap : 4096;
		char *nbuf;

		while (cap < wt.len + len)
			cap *= 2;
		/* Not realloc: the old buffer is wiped before it is freed. */
		nbuf = xmalloc(cap);
		if (wt.len > 0)
			memcpy(nbuf, wt.buf, wt.len);
		wipe(wt.buf, wt.cap);
		free(wt.buf);
		wt.buf = nbuf;
		wt.cap = cap;
	}
	memcpy(wt.buf + wt.len, buf, len);
	wt.len += len;
	split();
}

/* The local name of the first tag of xml. */
static void first_local(const char *xml, const char **local, size_t *len)
{
	const char *pos = xml;
	struct xt_tok t;

	*local = NULL;
	*len = 0;
	if (xmltok_next(&pos, xml + strlen(xml), &t) && t.namelen > 0)
		xmltok_local(t.name, t.namelen, local, len);
}

static bool same_element(const struct wire_el *e, const char *logged)
{
	const char *a, *b;
	size_t al, bl;

	if ((e->kind == WIRE_END) != str_starts_with(logged, "</"))
		return false;
	first_local(e->text, &a, &al);
	first_local(logged, &b, &bl);
	return a != NULL && b != NULL && al == bl && memcmp(a, b, al) == 0;
}

char *wiretap_take(const char *logged)
{
	struct wire_el e;

	if (wt.broken || wt.qn == 0)
		return NULL;
	e = wt.q[0];
	memmove(wt.q, wt.q + 1, (wt.qn - 1) * sizeof(*wt.q));
	wt.qn--;
	if (same_element(&e, logged))
		return e.text;
	/* Out of step (a parse error libstrophe swallowed, say): what is
	 * queued cannot be matched any more. */
	wiretap_free(e.text);
	for (size_t i = 0; i < wt.qn; i++)
		wiretap_free(wt.q[i].text);
	wt.qn = 0;
	return NULL;
}

void wiretap_free(char *wire)
{
	if (wire != NULL) {
		wipe(wire, strlen(wire));
		free(wire);
	}
}
