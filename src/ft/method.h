/* The transfer methods: one table of the ways a file's bytes can travel
 * (method.c), the way redis registers its connection types and curl its TLS
 * backends. ft creates every stream through it, and every stream a peer
 * opens to us comes back through its one attach path (ft_target_attach).
 * Internal to ft; other modules use ft/ft.h. */
#ifndef JABIRU_FT_METHOD_H
#define JABIRU_FT_METHOD_H

#include <stdbool.h>
#include <stddef.h>

#include "ft/bytestream.h"
#include "ft/si.h"

struct app;
struct transfer;

/* An entry. A new method (Jingle's transports, HTTP upload) is one more
 * entry in the table of method.c and provides:
 *  - id, name, ns: its bit in an offer (enum si_method), its word in the
 *    files.methods setting, and the namespace it is negotiated by (the SI
 *    stream-method value; also a disco#info feature of ours);
 *  - init/fini: its engine, made and freed with ft. init is handed the
 *    attach path: a stream a peer opens to us is offered to attach(ud, ns,
 *    bs), which takes it for the transfer waiting for it or refuses it; the
 *    engine registers its own iq handlers and session hooks there;
 *  - offline (optional): the session ended; called before ft fails the
 *    transfers, so that the streams that depend on the session end first
 *    with their own reason;
 *  - initiate: the sender's side once the peer chose this method: a new
 *    stream to peer for sid (cb->open or cb->closed follow), or NULL when
 *    none can be started now;
 *  - accept (optional): the receiver's side once the user took the offer,
 *    for a method whose receiver opens the stream itself (an HTTP
 *    download); NULL where the peer opens it and it arrives through attach.
 * fallback marks the one method tried when the chosen one fails before a
 * byte moved, if the offer named it too. */
struct ft_method {
	enum si_method id;
	const char *name;
	const char *ns;
	bool fallback;
	void (*init)(struct app *app, bytestream_attach_fn attach, void *ud);
	void (*fini)(struct app *app);
	void (*offline)(struct app *app);
	struct bytestream *(*initiate)(struct app *app, const char *sid, const char *peer,
	                               const struct bytestream_cb *cb, void *owner);
	struct bytestream *(*accept)(struct app *app, const char *sid, const char *peer,
	                             const struct bytestream_cb *cb, void *owner);
};

/* The entries, in no particular order (the setting gives the preference). */
const struct ft_method *ft_method_at(size_t i);
size_t ft_method_count(void);
/* NULL when there is none. */
const struct ft_method *ft_method_get(enum si_method id);
const struct ft_method *ft_method_by_ns(const char *ns);

/* Every engine, in the table's order: made at ft_init, told of a lost
 * session, freed at ft_fini. */
void ft_methods_init(struct app *app);
void ft_methods_offline(struct app *app);
void ft_methods_fini(struct app *app);

/* The methods of the files.methods setting in its order, the fallback
 * method when it names none. */
size_t ft_methods_usable(const char *setting, enum si_method *out);
/* Whether the offer of t named m. */
bool transfer_offered(const struct transfer *t, enum si_method m);
/* The method t may still fall back to after its chosen one failed before
 * it opened: the fallback method, if the offer named it, it was not the
 * chosen one and t did not fall back already. NULL otherwise. */
const struct ft_method *transfer_fallback_method(const struct transfer *t);
/* The sender's side: the stream of method m for t, or the fallback. */
void transfer_start_method(struct transfer *t, enum si_method m);
/* The receiver's side, once the user accepted with t->method. */
void transfer_accept_method(struct transfer *t);
/* The attach path (a bytestream_attach_fn, ud the app): true when a
 * transfer waits for bs, which then owns it (bs->cb, bs->owner set,
 * t->bs = bs). */
bool ft_target_attach(void *ud, const char *ns, struct bytestream *bs);

#endif
