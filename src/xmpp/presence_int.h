/* Shared between presence.c and subscription.c only. */
#ifndef JABIRU_PRESENCE_INT_H
#define JABIRU_PRESENCE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <strophe.h>

#include "util/map.h"
#include "xmpp/presence.h"

struct loop_timer;

struct presence {
	struct presence_settings settings;
	char show[8]; /* our chosen show: online, chat, away, xa, dnd */
	char *status; /* our status message, NULL: none */
	int priority;
	bool initial_sent;      /* in this session */
	bool auto_away;         /* away because idle, until the user is back */
	uint64_t last_activity; /* loop_now_ms() */
	struct loop_timer *idle_timer;
	struct map contacts;           /* bare JID -> struct resource list */
	struct map pending;            /* bare JID -> time_t * of the request */
	char *account;                 /* bare JID the pending list belongs to */
	struct loop_timer *save_timer; /* the pending file is due to be written */
	bool full_told;                /* the user knows the list is full */
	/* The command of the last presence_info (static), for its answers. */
	const char *info_command;
};

void presence_arm_idle(struct app *app);
void presence_on_subscription(struct app *app, const char *from, const char *type);
void presence_sub_online(struct app *app, const char *account);
void presence_sub_free(struct app *app);
/* Drops the pending requests from blocked senders (presence_blocked's
 * second half). */
void presence_sub_drop_blocked(struct app *app);
/* Writes the pending file now if a write is due. */
void presence_sub_flush(struct app *app);

#endif
