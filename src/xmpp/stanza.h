/* Small builders over libstrophe's stanza API that every module needs. */
#ifndef JABIRU_STANZA_H
#define JABIRU_STANZA_H

#include <stdbool.h>
#include <strophe.h>

/* A stanza error (RFC 6120 §8.3). Built from by stanza_error_new and
 * stanza_error_reply; filled by stanza_error_parse, whose strings point
 * into the parsed stanza except text (free it with stanza_error_clear). */
struct stanza_error {
	const char *type;      /* "cancel", "modify", "auth", "wait", "continue" */
	const char *condition; /* a defined condition; parsed: "undefined-condition" if none */
	char *text;            /* the first <text/>, or NULL */
	/* An application-specific condition (§8.3.4), or NULL: such as SI's
	 * <no-valid-streams/>. */
	const char *app_condition;
	const char *app_ns;
};

/* Appends an empty <name/> (in namespace ns unless NULL) to parent and
 * returns it (parent holds the only reference). */
xmpp_stanza_t *stanza_add_element(xmpp_stanza_t *parent, const char *name, const char *ns);
/* Appends <name>text</name> to parent. */
void stanza_add_text(xmpp_stanza_t *parent, const char *name, const char *text);

/* "condition: text" of a stream error, in one line fit to show: at most
 * about 300 bytes, control and bidi characters as visible escapes
 * (util/sanitize). malloc'd. */
char *stanza_stream_error_text(const xmpp_stream_error_t *se);

/* <name type='error' id=id to=to><error .../></name>; id and to may be
 * NULL. */
xmpp_stanza_t *stanza_error_new(xmpp_ctx_t *ctx, const char *name, const char *to, const char *id,
                                const struct stanza_error *e);
/* The error reply to request (an iq, message or presence): its name and
 * id, addressed to its sender. Unlike xmpp_stanza_reply_error, which
 * returns NULL then, a request without from (our own server's) gets a
 * reply without to; and no other attribute of the request is echoed. */
xmpp_stanza_t *stanza_error_reply(xmpp_stanza_t *request, const struct stanza_error *e);
/* Fills e from st's <error/> child. False (e still filled, with
 * "undefined-condition") when st has none. */
bool stanza_error_parse(xmpp_stanza_t *st, struct stanza_error *e);
void stanza_error_clear(struct stanza_error *e);
/* Just the condition of st's error: "undefined-condition" when none. */
const char *stanza_error_condition(xmpp_stanza_t *st);

#endif
