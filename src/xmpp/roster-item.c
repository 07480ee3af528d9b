/* A roster item: parsed from a stanza's <item/>, and written to and read
 * from one line of the roster cache. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "util/jid.h"
#include "util/str.h"
#include "xmpp/roster.h"
#include "xmpp/roster_int.h"

void roster_item_destroy(void *p)
{
	if (p == NULL)
		return;
	roster_item_free(p);
	free(p);
}

void roster_item_free(struct roster_item *it)
{
	free(it->jid);
	free(it->name);
	for (size_t i = 0; i < it->ngroups; i++)
		free(it->groups[i]);
	free(it->groups);
	memset(it, 0, sizeof(*it));
}

static bool valid_subscription(const char *s)
{
	static const char *const ok[] = {"none", "to", "from", "both", "remove"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(s, ok[i]) == 0)
			return true;
	return false;
}

void roster_item_add_group(struct roster_item *it, const char *g)
{
	if (g == NULL || g[0] == '\0' || it->ngroups == ROSTER_MAX_GROUPS)
		return;
	for (size_t i = 0; i < it->ngroups; i++)
		if (strcmp(it->groups[i], g) == 0)
			return;
	/* Exact size: thousands of items are kept, most with one group. */
	it->groups = xrealloc(it->groups, (it->ngroups + 1) * sizeof(*it->groups));
	it->groups[it->ngroups++] = xstrdup(g);
}

bool roster_item_parse(xmpp_stanza_t *item, struct roster_item *out)
{
	const char *jid = xmpp_stanza_get_attribute(item, "jid");
	const char *sub = xmpp_stanza_get_attribute(item, "subscription");
	const char *name = xmpp_stanza_get_attribute(item, "name");
	const char *ask = xmpp_stanza_get_attribute(item, "ask");
	char bare[JID_MAX + 1];
	struct jid j;
	xmpp_stanza_t *c;

	if (jid == NULL || !jid_parse(&j, jid) || j.resource[0] != '\0')
		return false;
	if (sub == NULL)
		sub = "none";
	if (!valid_subscription(sub))
		return false;
	memset(out, 0, sizeof(*out));
	out->jid = xstrdup(jid_bare(&j, bare, sizeof(bare)));
	out->name = name != NULL && name[0] != '\0' ? xstrdup(name) : NULL;
	strlcpy_(out->subscription, sub, sizeof(out->subscription));
	out->ask = ask != NULL && strcmp(ask, "subscribe") == 0;
	for (c = xmpp_stanza_get_children(item); c != NULL; c = xmpp_stanza_get_next(c)) {
		const char *n = xmpp_stanza_get_name(c);
		char *t;

		if (n == NULL || xmpp_stanza_is_text(c) || strcmp(n, "group") != 0)
			continue;
		t = xmpp_stanza_get_text(c);
		roster_item_add_group(out, t);
		xmpp_free(xmpp_stanza_get_context(item), t);
	}
	return true;
}

/* Tabs separate the fields of a cache line; backslash escapes tab, newline
 * and itself so any name survives. */
void roster_escape(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\t')
			buf_puts(b, "\\t");
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else if (*s == '\\')
			buf_puts(b, "\\\\");
		else
			buf_append(b, s, 1);
	}
}

char *roster_item_format(const struct roster_item *it)
{
	struct buf b;

	buf_init(&b);
	roster_escape(&b, it->jid);
	buf_printf(&b, "\t%s\t%s\t", it->subscription, it->ask ? "subscribe" : "-");
	if (it->name != NULL) {
		buf_puts(&b, "=");
		roster_escape(&b, it->name);
	}
	for (size_t i = 0; i < it->ngroups; i++) {
		buf_puts(&b, "\t");
		roster_escape(&b, it->groups[i]);
	}
	buf_cstr(&b);
	return b.data;
}

/* Splits at the next tab and unescapes in place; NULL at the end. */
char *roster_next_field(char **p)
{
	char *start = *p, *r = start, *w = start;

	if (start == NULL)
		return NULL;
	for (; *r != '\0' && *r != '\t'; r++) {
		if (*r == '\\' && r[1] != '\0') {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
		} else {
			*w++ = *r;
		}
	}
	*p = *r == '\t' ? r + 1 : NULL;
	*w = '\0';
	return start;
}

bool roster_item_unformat(char *line, struct roster_item *out)
{
	char *p = line, *jid, *sub, *ask, *name, *g;
	struct jid j;

	jid = roster_next_field(&p);
	sub = roster_next_field(&p);
	ask = roster_next_field(&p);
	name = roster_next_field(&p);
	if (jid == NULL || sub == NULL || ask == NULL || name == NULL || !jid_parse(&j, jid) ||
	    !valid_subscription(sub) || (name[0] != '\0' && name[0] != '='))
		return false;
	memset(out, 0, sizeof(*out));
	out->jid = xstrdup(jid);
	strlcpy_(out->subscription, sub, sizeof(out->subscription));
	out->ask = strcmp(ask, "subscribe") == 0;
	out->name = name[0] == '=' ? xstrdup(name + 1) : NULL;
	while ((g = roster_next_field(&p)) != NULL)
		roster_item_add_group(out, g);
	return true;
}
