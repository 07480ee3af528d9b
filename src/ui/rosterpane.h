/* The roster pane: contacts from the roster, presence and subscription
 * events, grouped and sorted for display. The model has no curses; only
 * rpane_draw() touches the screen. */
#ifndef JABIRU_ROSTERPANE_H
#define JABIRU_ROSTERPANE_H

#include <stdbool.h>
#include <stddef.h>

struct theme;
struct roster_pane;

enum pres { PRES_CHAT, PRES_ONLINE, PRES_AWAY, PRES_XA, PRES_DND, PRES_OFFLINE };

struct roster_pane *rpane_new(void);
void rpane_free(struct roster_pane *rp);

/* A roster item added, changed or removed (the "roster" event). */
void rpane_roster(struct roster_pane *rp, const char *jid, const char *name,
                  const char *const *groups, size_t ngroups, const char *subscription, bool ask,
                  bool removed);
/* A presence from a full or bare JID. Returns true when the contact's
 * shown presence or status changed. */
bool rpane_presence(struct roster_pane *rp, const char *from, const char *show, const char *status,
                    int priority);
/* A subscription request or answer from a contact; pending: the request
 * was kept in the pending list (the event's "pending"). */
void rpane_subscription(struct roster_pane *rp, const char *from, const char *type, bool pending);
/* Everyone offline (we disconnected). */
void rpane_all_offline(struct roster_pane *rp);
void rpane_set_unread(struct roster_pane *rp, const char *bare, unsigned n);

/* How many contacts the pane holds (roster items and pending requests). */
size_t rpane_count(const struct roster_pane *rp);
/* The contact's sanitised name (or NULL), presence and status (or NULL). */
const char *rpane_name(const struct roster_pane *rp, const char *bare);
enum pres rpane_pres(const struct roster_pane *rp, const char *bare);
const char *rpane_status(const struct roster_pane *rp, const char *bare);
const char *rpane_pres_name(enum pres p);
/* One ASCII symbol per presence, readable without colours. */
char rpane_pres_symbol(enum pres p);

/* Calls fn with each contact's JID and name (name may be NULL). */
void rpane_each(const struct roster_pane *rp,
                void (*fn)(void *ud, const char *jid, const char *name), void *ud);

/* Scrolls by delta rows (clamped when drawn). */
void rpane_scroll(struct roster_pane *rp, int delta);
/* True when something changed since the last draw. */
bool rpane_dirty(const struct roster_pane *rp);
/* Draws the pane in the rectangle; show_offline from the settings. */
void rpane_draw(struct roster_pane *rp, const struct theme *th, int y, int x, int h, int w,
                bool show_offline);

#endif
