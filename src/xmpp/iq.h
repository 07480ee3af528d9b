/* What jabiru answers for others (disco#info, entity capabilities, software
 * version, ping; service-unavailable for anything else) and a small helper
 * for the requests jabiru sends itself. */
#ifndef JABIRU_IQ_H
#define JABIRU_IQ_H

#include <stdbool.h>
#include <stddef.h>
#include <strophe.h>

#include "xmpp/iq-request.h"
#include "xmpp/ns.h"

struct app;

/* Settings of this area, copied from version.show_os at init and after
 * /set. */
struct iq_settings {
	bool version_os; /* tell the OS in software version answers; off */
};

/* Answers an incoming iq get or set whose first child has the namespace it
 * was registered for. Returns true when it sent a reply (an error
 * included); false makes iq.c answer service-unavailable. */
typedef bool (*iq_handler_fn)(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *payload, void *ud);

void iq_init(struct app *app);
void iq_fini(struct app *app);
struct iq_settings *iq_settings(struct app *app);

/* Adds ns to the features disco#info and the caps hash announce. Call it
 * before connecting (the hash goes out with the first presence); the list
 * is kept sorted and duplicates are ignored. */
void iq_add_feature(struct app *app, const char *ns);
/* The registered features, sorted; n set to their count. */
const char *const *iq_features(struct app *app, size_t *n);
/* The one way to answer requests: incoming iqs of type ("get" or "set";
 * NULL for both) whose payload has namespace ns go to fn. What no route
 * takes is answered service-unavailable. */
void iq_route(struct app *app, const char *ns, const char *type, iq_handler_fn fn, void *ud);

/* The XEP-0115 verification string (base64 of SHA-1) for one identity and
 * the features (any order). malloc'd. */
char *iq_caps_ver(const char *category, const char *type, const char *lang, const char *name,
                  const char *const *features, size_t n);
/* The <c/> element for outgoing presence. */
xmpp_stanza_t *iq_caps_element(struct app *app);

/* The one way to await an iq's answer. Sends iq (given a fresh id when it
 * has none) and calls fn once: with the result or error from the entity
 * asked, or with NULL when none will come (offline, the session ended, the
 * timeout passed). Returns the request's handle, for iq_timeout and
 * iq_cancel; 0 when iq's id is already awaited (nothing sent, fn never
 * called). */
unsigned iq_request(struct app *app, xmpp_stanza_t *iq, iq_reply_fn fn, void *ud);
/* fn gets NULL if no answer came ms from now. */
void iq_timeout(struct app *app, unsigned handle, unsigned ms);
/* The owner is going: fn will not be called for handle (an answered or
 * unknown handle is ignored), and ud is the owner's to free. */
void iq_cancel(struct app *app, unsigned handle);
/* Sends iq; its result shows ok_text as an info event, its error an error
 * event for command with the server's condition and text. */
void iq_request_report(struct app *app, xmpp_stanza_t *iq, const char *command,
                       const char *ok_text);
/* True when iq comes from the user's own server (no from, the bare JID or
 * our own full JID): the only sender of roster and blocklist pushes. */
bool iq_from_own_account(struct app *app, xmpp_stanza_t *iq);
/* What iq_request_report tells: ok_text for a result, the server's
 * condition and text for an error, nothing when reply is NULL. */
void iq_report_reply(struct app *app, xmpp_stanza_t *reply, const char *command,
                     const char *ok_text);
/* The error condition of an error stanza ("undefined-condition" when
 * absent) and its text (malloc'd or NULL). */
const char *iq_error_condition(xmpp_stanza_t *st, char **text);
/* Sends an error reply of type cancel with condition to iq. */
void iq_send_error(struct app *app, xmpp_stanza_t *iq, const char *condition);
/* An iq of type with a <query xmlns=ns/> child; *query set to the child. */
xmpp_stanza_t *iq_new_query(struct app *app, const char *type, const char *to, const char *ns,
                            xmpp_stanza_t **query);

#endif
