/* Service discovery (XEP-0030) answers, built and read without any state:
 * the disco#info query jabiru answers with, and what it reads in the
 * info and items answers of others. Readers take the whole answer iq;
 * strings they give point into it. */
#ifndef JABIRU_DISCO_H
#define JABIRU_DISCO_H

#include <stdbool.h>
#include <stddef.h>
#include <strophe.h>

struct disco_identity {
	const char *category;
	const char *type;
	const char *name; /* or NULL */
};

/* <query xmlns=disco#info node=node><identity/><feature var/>...</query>;
 * node may be NULL. */
xmpp_stanza_t *disco_info_build(xmpp_ctx_t *ctx, const char *node, const struct disco_identity *id,
                                const char *const *features, size_t n);
/* Whether the disco#info answer iq lists feature var. */
bool disco_info_has_feature(xmpp_stanza_t *iq, const char *var);
/* Whether it names an identity of category and type. */
bool disco_info_has_identity(xmpp_stanza_t *iq, const char *category, const char *type);
/* Its features' vars, in order, at most max into out. Returns the count. */
size_t disco_info_features(xmpp_stanza_t *iq, const char **out, size_t max);
/* The jids of the disco#items answer iq's items, at most max. */
size_t disco_items_jids(xmpp_stanza_t *iq, const char **out, size_t max);

#endif
