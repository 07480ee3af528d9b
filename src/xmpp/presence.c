#include "config.h"

#include "app.h"
#include "xmpp/presence.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"

/* Without an initial presence the server neither routes messages sent to
 * the bare JID to us nor tells us our contacts' presence (RFC 6121 §4.2). */
static void online(struct session *s, void *ud)
{
	xmpp_stanza_t *p = xmpp_presence_new(session_ctx(s));

	(void)ud;
	session_send(s, p);
	xmpp_stanza_release(p);
}

static const struct session_hooks presence_hooks = {online, NULL};

void presence_init(struct app *app)
{
	session_add_hooks(app->session, &presence_hooks, app);
}
