#include "config.h"

#include <string.h>

#include "xmpp/disco.h"
#include "xmpp/ns.h"
#include "xmpp/stanza.h"

xmpp_stanza_t *disco_info_build(xmpp_ctx_t *ctx, const char *node, const struct disco_identity *id,
                                const char *const *features, size_t n)
{
	xmpp_stanza_t *q = xmpp_stanza_new(ctx), *el;

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, XMPP_NS_DISCO_INFO);
	if (node != NULL)
		xmpp_stanza_set_attribute(q, "node", node);
	el = stanza_add_element(q, "identity", NULL);
	xmpp_stanza_set_attribute(el, "category", id->category);
	xmpp_stanza_set_attribute(el, "type", id->type);
	if (id->name != NULL)
		xmpp_stanza_set_attribute(el, "name", id->name);
	for (size_t i = 0; i < n; i++)
		xmpp_stanza_set_attribute(stanza_add_element(q, "feature", NULL), "var",
		                          features[i]);
	return q;
}

/* The next child element of q named name, from c on. */
static xmpp_stanza_t *next_named(xmpp_stanza_t *c, const char *name)
{
	for (; c != NULL; c = xmpp_stanza_get_next(c))
		if (!xmpp_stanza_is_text(c) && xmpp_stanza_get_name(c) != NULL &&
		    strcmp(xmpp_stanza_get_name(c), name) == 0)
			return c;
	return NULL;
}

static xmpp_stanza_t *first(xmpp_stanza_t *iq, const char *ns, const char *name)
{
	xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(iq, "query", ns);

	return q != NULL ? next_named(xmpp_stanza_get_children(q), name) : NULL;
}

static size_t attributes(xmpp_stanza_t *iq, const char *ns, const char *name, const char *attr,
                         const char **out, size_t max)
{
	size_t n = 0;

	for (xmpp_stanza_t *c = first(iq, ns, name); c != NULL && n < max;
	     c = next_named(xmpp_stanza_get_next(c), name))
		if ((out[n] = xmpp_stanza_get_attribute(c, attr)) != NULL)
			n++;
	return n;
}

bool disco_info_has_feature(xmpp_stanza_t *iq, const char *var)
{
	for (xmpp_stanza_t *c = first(iq, XMPP_NS_DISCO_INFO, "feature"); c != NULL;
	     c = next_named(xmpp_stanza_get_next(c), "feature")) {
		const char *v = xmpp_stanza_get_attribute(c, "var");

		if (v != NULL && strcmp(v, var) == 0)
			return true;
	}
	return false;
}

bool disco_info_has_identity(xmpp_stanza_t *iq, const char *category, const char *type)
{
	for (xmpp_stanza_t *c = first(iq, XMPP_NS_DISCO_INFO, "identity"); c != NULL;
	     c = next_named(xmpp_stanza_get_next(c), "identity")) {
		const char *cat = xmpp_stanza_get_attribute(c, "category");
		const char *t = xmpp_stanza_get_attribute(c, "type");

		if (cat != NULL && t != NULL && strcmp(cat, category) == 0 && strcmp(t, type) == 0)
			return true;
	}
	return false;
}

size_t disco_info_features(xmpp_stanza_t *iq, const char **out, size_t max)
{
	return attributes(iq, XMPP_NS_DISCO_INFO, "feature", "var", out, max);
}

size_t disco_items_jids(xmpp_stanza_t *iq, const char **out, size_t max)
{
	return attributes(iq, XMPP_NS_DISCO_ITEMS, "item", "jid", out, max);
}
