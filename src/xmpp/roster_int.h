/* Shared by the roster's files only: roster.c (the protocol and the
 * /roster back ends), roster-item.c (an item parsed from a stanza, and its
 * cache line) and roster-cache.c (the cache file). */
#ifndef JABIRU_ROSTER_INT_H
#define JABIRU_ROSTER_INT_H

#include <stdbool.h>

#include "util/map.h"
#include "util/str.h"
#include "xmpp/roster.h"

struct app;
struct loop_timer;

struct roster {
	struct map items;              /* bare JID -> struct roster_item * */
	char *ver;                     /* the version the items belong to, NULL: none */
	char *account;                 /* bare JID whose roster this is */
	struct loop_timer *save_timer; /* a cache write due after pushes */
	struct loop_timer *wait_timer; /* the roster request is late */
	struct map desired;            /* bare JID -> the item asked for: roster.c */
	unsigned set_serial;
};

/* Frees a heap-allocated item (a map value); NULL is allowed. */
void roster_item_destroy(void *p);
/* Adds a group unless empty, a duplicate or over ROSTER_MAX_GROUPS. */
void roster_item_add_group(struct roster_item *it, const char *g);
/* A cache field: backslash escapes tab, newline and itself. */
void roster_escape(struct buf *b, const char *s);
/* Splits at the next tab and unescapes in place; NULL at the end. */
char *roster_next_field(char **p);

/* The cache in the XDG cache dir: written now, loaded, written after a
 * burst of pushes (schedule), or now if one is due (flush). */
void roster_cache_save(struct app *app);
void roster_cache_load(struct app *app);
void roster_cache_schedule(struct app *app);
void roster_cache_flush(struct app *app);

#endif
