/* What other XMPP modules (messages, roster, presence, console, transfers)
 * attach to a session: callbacks when it comes online (register stanza
 * handlers, send initial requests) and when it goes offline. */
#ifndef JABIRU_SESSION_HOOKS_H
#define JABIRU_SESSION_HOOKS_H

#include "xmpp/session.h"

struct session_hooks {
	void (*online)(struct session *s, void *ud);
	void (*offline)(struct session *s, void *ud);
	/* A new connection starts (may be NULL). */
	void (*connecting)(struct session *s, void *ud);
};

void session_add_hooks(struct session *s, const struct session_hooks *h, void *ud);

enum session_tap_dir { SESSION_TAP_IN, SESSION_TAP_OUT };
/* Raw XML as libstrophe reads and writes it, one element (or stream header)
 * at a time. The tap must redact secrets before keeping anything. */
typedef void (*session_tap_fn)(void *ud, enum session_tap_dir dir, const char *xml);
void session_set_tap(struct session *s, session_tap_fn fn, void *ud);

#endif
