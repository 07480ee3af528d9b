/* XEP-0095 stream initiation with the XEP-0096 file-transfer profile: the
 * offer a sender makes and the answer a receiver gives, parsed and built
 * without any state (each has a unit test). */
#ifndef JABIRU_FT_SI_H
#define JABIRU_FT_SI_H

#include <stdbool.h>
#include <stddef.h>
#include <strophe.h>

#include "xmpp/ns.h"

/* Stream methods, as bits of a set. */
enum si_method { SI_M_NONE = 0, SI_M_BYTESTREAMS = 1, SI_M_IBB = 2 };
#define SI_MAX_METHODS 2

struct si_offer {
	char *sid;
	char *name; /* as sent: hostile, sanitise before use */
	long long size;
	char *hash; /* lower-case md5 hex, or NULL */
	char *date; /* or NULL */
	char *desc; /* or NULL */
	char *mime; /* or NULL */
	/* In order of preference. */
	enum si_method methods[SI_MAX_METHODS];
	size_t nmethods;
};

const char *si_method_ns(enum si_method m);
enum si_method si_method_from_ns(const char *ns);
/* Parses a space- or comma-separated list such as "bytestreams ibb" into
 * out (at most SI_MAX_METHODS, no repeats). Returns the count, 0 when the
 * list holds nothing usable. */
size_t si_methods_parse(const char *list, enum si_method *out);

/* The offer iq (type set) to the full JID to. */
xmpp_stanza_t *si_offer_build(xmpp_ctx_t *ctx, const char *to, const char *id,
                              const struct si_offer *o);
/* Parses the <si/> of an incoming set. Returns 0, or -1 with *cond set to a
 * stanza error condition ("bad-request", "not-acceptable") and *why to a
 * short untranslated reason; *no_streams is set when no offered method is
 * one we know. The offer is filled (free it) either way. */
int si_offer_parse(xmpp_stanza_t *iq, long long max_size, struct si_offer *o, const char **cond,
                   const char **why, bool *no_streams);
void si_offer_free(struct si_offer *o);

/* The result a receiver sends to accept with method m. */
xmpp_stanza_t *si_answer_build(xmpp_ctx_t *ctx, const char *to, const char *id, enum si_method m);
/* The method chosen in a result: the first <value> that is one we offered
 * (Smack sends several). SI_M_NONE when there is none. */
enum si_method si_answer_parse(xmpp_stanza_t *iq, const struct si_offer *offered);

/* An iq error reply: type is "cancel", "modify", ...; with no_valid_streams
 * the SI condition is added. */
xmpp_stanza_t *si_error_build(xmpp_ctx_t *ctx, const char *to, const char *id, const char *type,
                              const char *cond, bool no_valid_streams);

#endif
