#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/str.h"
#include "xmpp/stanza.h"

/* A stream error's text is shown, not kept: this much is plenty. */
#define STREAM_TEXT_MAX 300

void stanza_add_text(xmpp_stanza_t *parent, const char *name, const char *text)
{
	xmpp_ctx_t *ctx = xmpp_stanza_get_context(parent);
	xmpp_stanza_t *el = xmpp_stanza_new(ctx), *t = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(el, name);
	xmpp_stanza_set_text(t, text);
	xmpp_stanza_add_child(el, t);
	xmpp_stanza_add_child(parent, el);
	xmpp_stanza_release(t);
	xmpp_stanza_release(el);
}

/* The server's words are remote text: bounded, and control and bidi
 * characters made visible, so that every front end may show them. */
char *stanza_stream_error_text(const xmpp_stream_error_t *se)
{
	const char *cond = NULL;
	char *text, *clean;
	size_t n;

	for (xmpp_stanza_t *c = se->stanza != NULL ? xmpp_stanza_get_children(se->stanza) : NULL;
	     c != NULL && cond == NULL; c = xmpp_stanza_get_next(c))
		if (!xmpp_stanza_is_text(c) && xmpp_stanza_get_name(c) != NULL &&
		    strcmp(xmpp_stanza_get_name(c), "text") != 0)
			cond = xmpp_stanza_get_name(c);
	text = xasprintf("%s%s%s", cond != NULL ? cond : "undefined-condition",
	                 se->text != NULL && se->text[0] != '\0' ? ": " : "",
	                 se->text != NULL ? se->text : "");
	n = strlen(text);
	if (n > STREAM_TEXT_MAX) {
		n = STREAM_TEXT_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--; /* cut between characters, not inside one */
		text[n] = '\0';
	}
	clean = sanitize_str(text);
	free(text);
	return clean;
}
