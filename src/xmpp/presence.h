/* Presence (RFC 6121 §4): our own (initial presence once the roster is
 * there, /status, /priority, directed presence, automatic away), our
 * contacts' per resource, /info; and subscriptions (§3): requests kept
 * pending across reconnects until the user answers them. */
#ifndef JABIRU_PRESENCE_H
#define JABIRU_PRESENCE_H

#include <stdbool.h>
#include <time.h>

struct app;
struct roster_item;

/* Settings of this area, copied from presence.auto_away and
 * subscription.auto_approve at init and after /set. */
struct presence_settings {
	unsigned auto_away_minutes; /* 0: never go away by itself (default) */
	bool auto_approve;          /* allow every request at once; off */
};

void presence_init(struct app *app);
void presence_fini(struct app *app);
struct presence_settings *presence_settings(struct app *app);

/* From roster.c: the roster arrived (send initial presence) / an item
 * changed (a request answered from another client is no longer pending). */
void presence_roster_loaded(struct app *app);
void presence_roster_changed(struct app *app, const struct roster_item *it);

/* The user did something: resets the idle clock, ends an automatic away. */
void presence_activity(struct app *app);

/* show: online, chat, away, xa or dnd; NULL shows the current presence. */
int presence_set_status(struct app *app, const char *command, const char *show,
                        const char *message);
int presence_set_priority(struct app *app, const char *command, const char *prio);
/* show may also be offline (unavailable presence to that JID). */
int presence_directed(struct app *app, const char *command, const char *jid, const char *show,
                      const char *message);
/* Lists the resources of jid; with ask, queries their software version and
 * features. */
/* command: a static string, kept for the errors of the answers. */
int presence_info(struct app *app, const char *command, const char *jid, bool ask);

/* action: request, allow, deny, cancel. */
int presence_sub(struct app *app, const char *command, const char *action, const char *jid);
void presence_sub_pending(struct app *app);
/* The blocklist grew (blocking.c calls it): blocked contacts go offline
 * (presence events), and pending requests from blocked senders are
 * dropped. */
void presence_blocked(struct app *app);

#endif
