/* Blocking (XEP-0191, urn:xmpp:blocking): the user's own defence against
 * spam and floods. The server keeps the list and enforces it; jabiru fetches
 * it at login, follows the pushes from the user's other clients, edits it
 * with /block and /unblock, and drops locally whatever from a blocked JID
 * or domain still arrives. */
#ifndef JABIRU_BLOCKING_H
#define JABIRU_BLOCKING_H

#include <stdbool.h>

struct app;
struct map;

void blocking_init(struct app *app);
void blocking_fini(struct app *app);

/* True when a stanza from this JID (full, bare or a domain) is blocked: an
 * item matches as XEP-0191 §3.4 says (the full JID, the bare JID with any
 * resource, the domain with any user, domain/resource). Never for the
 * user's own account. */
bool blocking_is_blocked(struct app *app, const char *from);
/* The same match against a set of items (normalised JIDs and domains as
 * map keys): the part of the check that needs no session. */
bool blocking_match(const struct map *items, const char *from);

/* /block, /unblock: one JID or domain; report as events. */
int blocking_block(struct app *app, const char *command, const char *jid);
int blocking_unblock(struct app *app, const char *command, const char *jid);
/* /blocked: the list, as info lines and a blocklist event. */
int blocking_list(struct app *app, const char *command);

#endif
