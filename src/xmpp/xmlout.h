/* The last check on the way out: a stanza holding a character XML 1.0
 * cannot carry (util/xmlchar) is not sent, since the server would end the
 * session over it. Commands refuse such text earlier, with the user's
 * words (cmd.c); this catches what comes from elsewhere (a file name, a
 * setting). */
#ifndef JABIRU_XMLOUT_H
#define JABIRU_XMLOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <strophe.h>

struct app;

/* Whether every element name, attribute and text in st and below is text
 * XML can carry; when not, *cp gets the first bad character. */
bool xmlout_stanza_ok(xmpp_stanza_t *st, uint32_t *cp);
/* xmlout_stanza_ok(), and when it fails an error event saying what was not
 * sent and why. Returns whether st may be sent. */
bool xmlout_check(struct app *app, xmpp_stanza_t *st);

#endif
