/* Small builders over libstrophe's stanza API that every module needs. */
#ifndef JABIRU_STANZA_H
#define JABIRU_STANZA_H

#include <strophe.h>

/* Appends <name>text</name> to parent. */
void stanza_add_text(xmpp_stanza_t *parent, const char *name, const char *text);

#endif
