#include "config.h"

#include "xmpp/stanza.h"

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
