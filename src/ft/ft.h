/* File transfer: SI file transfer (XEP-0095/0096) over the bytestreams of
 * ft/bytestream.h. The commands (/sendfile, /files) call in here; the batch
 * events file-offer, file-outgoing, file-progress, file-done, file-failed
 * and file come out of here. */
#ifndef JABIRU_FT_H
#define JABIRU_FT_H

#include <stdbool.h>
#include <stddef.h>

struct app;

/* Settings (defaults in brackets), copied from the files.* settings of the
 * configuration at init and after /set; strings are owned here (use
 * str_set). */
struct ft_settings {
	char *download_dir;    /* [NULL: xdg_download_dir()] */
	char *methods;         /* offer order ["bytestreams ibb"] */
	bool accept_strangers; /* show offers from JIDs not in the roster [false] */
	char *accept_dir;      /* accept contacts' offers into this dir [NULL; --accept-files] */
	long long max_size;    /* larger offers are refused [64 GiB] */
	int ibb_block_size;    /* [4096] */
	int ibb_window;        /* data iqs in flight [4] */
	int idle_timeout_ms;   /* a stalled peer fails the transfer [60000] */
	/* Files being received at once (each holds an open .part): more
	 * offers are declined or wait [16, 4] */
	int max_incoming, max_incoming_per_contact;
};

void ft_init(struct app *app);
void ft_fini(struct app *app);
struct ft_settings *ft_settings(struct app *app);

/* Whether bare or full JID is a contact, for accepting offers. The roster
 * module registers its answer with ft_set_contact_check(); until it does, a
 * contact is a JID whose presence reached us this session (the server sends
 * presence only from JIDs in our roster we are subscribed to). Offers from
 * others are refused unless accept_strangers says so (--accept-files does
 * not). */
typedef bool (*ft_contact_fn)(void *ud, const char *bare_jid);
void ft_set_contact_check(struct app *app, ft_contact_fn fn, void *ud);
bool ft_is_contact(struct app *app, const char *jid);

/* The commands. Each returns 0, or -1 after an error event; command labels
 * the error events (NULL: no command asked). */
int ft_sendfile(struct app *app, const char *command, const char *jid, const char *path,
                const char *desc);
int ft_accept(struct app *app, const char *command, const char *id, const char *path);
int ft_reject(struct app *app, const char *command, const char *id);
int ft_cancel(struct app *app, const char *command, const char *id);
/* One "file" event per transfer. */
void ft_list(struct app *app);

/* For the transfers window: one row per transfer. Strings belong to the
 * transfer and live until the next loop iteration. */
struct ft_view {
	const char *id, *direction, *peer, *name, *method, *state;
	long long bytes, total;
	long long rate;  /* bytes per second, 0 when unknown */
	long long eta_s; /* -1 when unknown */
};
size_t ft_views(struct app *app, struct ft_view *out, size_t max);

#endif
