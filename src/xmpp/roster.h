/* The roster (RFC 6121 §2): fetched at login with versioning (XEP-0237)
 * and cached per account in the XDG cache dir, kept live by pushes, edited
 * by /roster. */
#ifndef JABIRU_ROSTER_H
#define JABIRU_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <strophe.h>

struct app;

#define ROSTER_MAX_GROUPS 16

struct roster_item {
	char *jid;     /* bare */
	char *name;    /* NULL when none */
	char **groups; /* ngroups of them, at most ROSTER_MAX_GROUPS */
	size_t ngroups;
	char subscription[8]; /* none, to, from, both, remove */
	bool ask;             /* ask='subscribe': our request is pending */
};

void roster_init(struct app *app);
void roster_fini(struct app *app);

/* Parses one <item/>. Returns false (out untouched) when it is unusable: no
 * or invalid jid, unknown subscription. Groups beyond the limit, empty and
 * duplicate groups are dropped. */
bool roster_item_parse(xmpp_stanza_t *item, struct roster_item *out);
void roster_item_free(struct roster_item *it);
/* One cache line ↔ item (tab-separated, escaped); the parse returns false
 * on a malformed line. line is modified. */
char *roster_item_format(const struct roster_item *it);
bool roster_item_unformat(char *line, struct roster_item *out);

/* The item for a bare JID, or NULL. */
const struct roster_item *roster_get(struct app *app, const char *bare);
/* Calls fn with every item, in no particular order. */
void roster_each(struct app *app, void (*fn)(void *ud, const struct roster_item *it), void *ud);

/* /roster subcommands; each reports its outcome as events. command labels
 * the errors; roster_set changes only a JID already in the roster unless
 * add is true. */
void roster_list(struct app *app);
int roster_set(struct app *app, const char *command, const char *jid, const char *name,
               bool keep_name, const char *const *groups, size_t ngroups, bool keep_groups,
               bool add);
int roster_remove(struct app *app, const char *command, const char *jid);

#endif
