/* Small builders over libstrophe's stanza API that every module needs. */
#ifndef JABIRU_STANZA_H
#define JABIRU_STANZA_H

#include <strophe.h>

/* Appends <name>text</name> to parent. */
void stanza_add_text(xmpp_stanza_t *parent, const char *name, const char *text);

/* "condition: text" of a stream error, in one line fit to show: at most
 * about 300 bytes, control and bidi characters as visible escapes
 * (util/sanitize). malloc'd. */
char *stanza_stream_error_text(const xmpp_stream_error_t *se);

#endif
