/* See keepalive.h. One timer while online, never a periodic tick: it is due
 * ping_interval after the last data from the server. Received data does not
 * move the timer (a burst of stanzas would re-arm it thousands of times);
 * when it fires it looks at when the server last spoke and, if that was
 * recent, sleeps again for the rest of the interval. An idle session thus
 * wakes once per interval, to ping. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cfg.h"
#include "i18n.h"
#include "loop.h"
#include "util/str.h"
#include "xmpp/iq.h"
#include "xmpp/keepalive.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"

/* What it works with is handed to it at creation: the app only for
 * iq_request's answers. */
struct keepalive {
	struct app *app;
	struct loop *loop;
	struct session *session;
	struct config *config;
	struct loop_timer *timer;
	bool waiting;     /* a ping is out, unanswered */
	uint64_t sent_ms; /* when it went out */
};

static void timer_cb(void *ud);

static void arm(struct keepalive *k, uint64_t ms)
{
	if (k->timer != NULL)
		loop_timer_del(k->loop, k->timer);
	k->timer = loop_timer_add(k->loop, ms, timer_cb, k);
}

static void disarm(struct keepalive *k)
{
	if (k->timer != NULL)
		loop_timer_del(k->loop, k->timer);
	k->timer = NULL;
	k->waiting = false;
}

/* Sleeps until ping_interval after the server last spoke (0: no pings). */
static void arm_silence(struct keepalive *k)
{
	uint64_t interval = (uint64_t)cfg_int(k->config, "connect.ping_interval") * 1000;
	uint64_t last = session_last_recv_ms(k->session), now = loop_now_ms();
	uint64_t quiet = now > last ? now - last : 0;

	k->waiting = false;
	if (interval == 0) {
		disarm(k);
		return;
	}
	arm(k, quiet < interval ? interval - quiet : 0);
}

/* The answer, or an error (a server without XEP-0199 still answered):
 * either way the session lives. NULL: the session ended first. */
static void on_pong(struct app *app, xmpp_stanza_t *reply, void *ud)
{
	struct keepalive *k = ud;

	(void)app;
	if (reply == NULL || !session_online(k->session) || !k->waiting)
		return;
	arm_silence(k);
}

static void send_ping(struct keepalive *k)
{
	xmpp_stanza_t *iq = xmpp_iq_new(session_ctx(k->session), "get", NULL);
	xmpp_stanza_t *ping = xmpp_stanza_new(session_ctx(k->session));

	xmpp_stanza_set_name(ping, "ping");
	xmpp_stanza_set_ns(ping, NS_PING);
	xmpp_stanza_add_child(iq, ping);
	xmpp_stanza_release(ping);
	xmpp_stanza_set_to(iq, session_domain(k->session));
	k->waiting = true;
	k->sent_ms = loop_now_ms();
	iq_request(k->app, iq, on_pong, k);
	xmpp_stanza_release(iq);
	arm(k, (uint64_t)cfg_int(k->config, "connect.ping_timeout") * 1000);
}

static void timer_cb(void *ud)
{
	struct keepalive *k = ud;
	char *why;

	k->timer = NULL;
	if (!session_online(k->session))
		return;
	if (!k->waiting) {
		uint64_t interval = (uint64_t)cfg_int(k->config, "connect.ping_interval") * 1000;

		if (interval == 0 || loop_now_ms() - session_last_recv_ms(k->session) < interval)
			arm_silence(k); /* turned off, or the server spoke meanwhile */
		else
			send_ping(k);
		return;
	}
	/* Anything that arrived after the ping shows the server alive, even if
	 * the answer itself is slow in coming (or never matched): back to
	 * waiting for silence. */
	if (session_last_recv_ms(k->session) > k->sent_ms) {
		arm_silence(k);
		return;
	}
	k->waiting = false;
	why = xasprintf(_("the server did not answer for %ld seconds; the connection is lost"),
	                (long)((loop_now_ms() - session_last_recv_ms(k->session)) / 1000));
	session_lost(k->session, why);
	free(why);
}

static void online(struct session *s, void *ud)
{
	(void)s;
	arm_silence(ud);
}

static void offline(struct session *s, void *ud)
{
	(void)s;
	disarm(ud);
}

static const struct session_hooks keepalive_hooks = {.online = online, .offline = offline};

/* A new interval applies at once; a ping in flight keeps its timeout. */
static void settings_changed(void *ud, const struct config *cfg, const char *name)
{
	struct keepalive *k = ud;

	(void)cfg;
	if (name != NULL && strcmp(name, "connect.ping_interval") == 0 &&
	    session_online(k->session) && !k->waiting)
		arm_silence(k);
}

struct keepalive *keepalive_new(struct app *app, struct loop *loop, struct session *s,
                                struct config *cfg)
{
	struct keepalive *k = xcalloc(1, sizeof(*k));

	k->app = app;
	k->loop = loop;
	k->session = s;
	k->config = cfg;
	session_add_hooks(s, &keepalive_hooks, k);
	cfg_watch(cfg, settings_changed, k);
	return k;
}

void keepalive_free(struct keepalive *k)
{
	if (k == NULL)
		return;
	cfg_unwatch(k->config, settings_changed, k);
	disarm(k);
	free(k);
}
