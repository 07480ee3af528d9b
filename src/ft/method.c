/* The transfer methods: the table, and everything ft does through it —
 * making the engines, starting a stream, falling back, and taking the
 * streams a peer opens to us. See ft/method.h for what an entry provides. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "ft/ft-int.h"
#include "ft/method.h"
#include "ft/s5b.h"
#include "i18n.h"
#include "util/str.h"

static const struct ft_method methods[] = {
    {
        .id = SI_M_BYTESTREAMS,
        .name = "bytestreams",
        .ns = NS_BYTESTREAMS,
        .init = s5b_init,
        .fini = s5b_fini,
        .initiate = s5b_initiate,
    },
    {
        .id = SI_M_IBB,
        .name = "ibb",
        .ns = NS_IBB,
        .fallback = true, /* through the server: works where nothing else does */
        .init = ibb_init,
        .fini = ibb_fini,
        .offline = ibb_offline,
        .initiate = ibb_initiate,
    },
};

#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

const struct ft_method *ft_method_at(size_t i)
{
	return i < NMETHODS ? &methods[i] : NULL;
}

size_t ft_method_count(void)
{
	return NMETHODS;
}

const struct ft_method *ft_method_get(enum si_method id)
{
	for (size_t i = 0; i < NMETHODS; i++)
		if (methods[i].id == id)
			return &methods[i];
	return NULL;
}

const struct ft_method *ft_method_by_ns(const char *ns)
{
	for (size_t i = 0; ns != NULL && i < NMETHODS; i++)
		if (strcmp(methods[i].ns, ns) == 0)
			return &methods[i];
	return NULL;
}

static const struct ft_method *fallback(void)
{
	for (size_t i = 0; i < NMETHODS; i++)
		if (methods[i].fallback)
			return &methods[i];
	return NULL;
}

/* ---- the engines -------------------------------------------------------- */

void ft_methods_init(struct app *app)
{
	for (size_t i = 0; i < NMETHODS; i++)
		methods[i].init(app, ft_target_attach, app);
}

void ft_methods_offline(struct app *app)
{
	for (size_t i = 0; i < NMETHODS; i++)
		if (methods[i].offline != NULL)
			methods[i].offline(app);
}

void ft_methods_fini(struct app *app)
{
	for (size_t i = 0; i < NMETHODS; i++)
		methods[i].fini(app);
}

/* ---- choosing ----------------------------------------------------------- */

size_t ft_methods_usable(const char *setting, enum si_method *out)
{
	size_t n = si_methods_parse(setting, out);

	if (n == 0)
		out[n++] = fallback()->id;
	return n;
}

bool transfer_offered(const struct transfer *t, enum si_method m)
{
	for (size_t i = 0; i < t->offer.nmethods; i++)
		if (t->offer.methods[i] == m)
			return true;
	return false;
}

const struct ft_method *transfer_fallback_method(const struct transfer *t)
{
	const struct ft_method *fb = fallback();

	if (t->fell_back || t->method == fb->id || !transfer_offered(t, fb->id))
		return NULL;
	return fb;
}

/* ---- sending ------------------------------------------------------------ */

void transfer_start_method(struct transfer *t, enum si_method m)
{
	const struct ft_method *e = ft_method_get(m);
	struct bytestream *bs;

	t->method = m;
	bs = e != NULL ? e->initiate(t->app, t->offer.sid, t->peer, &transfer_bs_cb, t) : NULL;
	if (bs == NULL) {
		transfer_fallback(t, _("the stream could not be started"));
		return;
	}
	transfer_stream(t, bs);
}

/* The chosen method failed before a byte moved: the fallback, when we
 * offered it too (some peers accept only the method they chose, so this
 * can fail as well). */
void transfer_fallback(struct transfer *t, const char *why)
{
	const struct ft_method *fb = transfer_fallback_method(t);
	char *reason;

	t->bs = NULL;
	if (fb != NULL) {
		t->fell_back = true;
		app_info(t->app, _("Transfer %s: %s; trying in-band."), t->idstr, why);
		transfer_start_method(t, fb->id);
		return;
	}
	reason = xasprintf(_("no stream to %s: %s"), t->peer, why);
	transfer_fail(t, FT_FAILED, reason);
	free(reason);
}

/* ---- receiving ---------------------------------------------------------- */

void transfer_accept_method(struct transfer *t)
{
	const struct ft_method *e = ft_method_get(t->method);
	struct bytestream *bs;

	if (e == NULL || e->accept == NULL)
		return; /* the peer opens the stream: it comes through attach */
	bs = e->accept(t->app, t->offer.sid, t->peer, &transfer_bs_cb, t);
	if (bs != NULL)
		t->bs = bs;
}

/* One stream per transfer, held from the moment it is attached: the
 * transfer aborts it when it ends, and no other stream gets in. The one
 * exception is a sender that gave up on its chosen method before we did
 * and fell back: its first attempt, not yet open, is dropped for the
 * fallback's stream. */
bool ft_target_attach(void *ud, const char *ns, struct bytestream *bs)
{
	struct app *app = ud;
	const struct ft_method *m = ft_method_by_ns(ns);
	struct transfer *t = transfer_find_sid(app->ft, FT_RECV, bs->sid, bs->peer);
	bool as_fallback;

	if (m == NULL || t == NULL || t->state != FT_CONNECTING)
		return false;
	/* The chosen method, or the fallback when both sides have it. */
	as_fallback = m->fallback && m->id != t->method && transfer_offered(t, m->id);
	if (m->id != t->method && !as_fallback)
		return false;
	if (t->bs != NULL && t->bs != bs) {
		struct bytestream *old = t->bs;

		if (!as_fallback)
			return false;
		t->bs = NULL;
		bytestream_abort(old);
	}
	bs->cb = &transfer_bs_cb;
	bs->owner = t;
	t->bs = bs;
	return true;
}
