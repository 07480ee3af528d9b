/* File transfer: settings, the SI offer and its answer in both directions,
 * the commands' back ends and the module. Which resource of a contact can
 * receive files is peers.c's; how the bytes travel, method.c's. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "cfg.h"
#include "ft/filename.h"
#include "ft/ft-int.h"
#include "ft/method.h"
#include "i18n.h"
#include "loop.h"
#include "util/jid.h"
#include "util/str.h"
#include "util/xdg.h"
#include "xmpp/iq.h"
#include "xmpp/roster.h"
#include "xmpp/session.h"
#include "xmpp/session_hooks.h"
#include "xmpp/stanza.h"

unsigned ft_serial(struct ft *ft)
{
	return ++ft->next_serial;
}

struct ft_settings *ft_settings(struct app *app)
{
	return &app->ft->set;
}

/* ---- sending ---------------------------------------------------------- */

static void on_offer_answer(struct app *app, unsigned serial, xmpp_stanza_t *reply)
{
	struct transfer *t = transfer_find(app->ft, serial);
	const char *type = xmpp_stanza_get_type(reply), *cond;
	enum si_method m;
	char *reason;

	if (t == NULL || t->state != FT_OFFERED)
		return; /* cancelled meanwhile */
	if (type != NULL && strcmp(type, "error") == 0) {
		cond = stanza_error_condition(reply);
		if (strcmp(cond, "forbidden") == 0 || strcmp(cond, "not-acceptable") == 0) {
			reason = xasprintf(_("%s declined the file"), t->peer);
			transfer_fail(t, FT_REJECTED, reason);
		} else {
			reason = xasprintf(_("%s could not take the file (%s)"), t->peer, cond);
			transfer_fail(t, FT_FAILED, reason);
		}
		free(reason);
		return;
	}
	m = si_answer_parse(reply, &t->offer);
	if (m == SI_M_NONE) {
		transfer_fail(t, FT_FAILED, _("the answer names no stream method we offered"));
		return;
	}
	t->state = FT_CONNECTING;
	transfer_start_method(t, m);
}

static void iso_date(time_t when, char *out, size_t len)
{
	struct tm tm;

	gmtime_r(&when, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void ft_send_offer(struct transfer *t)
{
	xmpp_stanza_t *iq;
	struct event ev;

	if (!session_online(t->app->session)) {
		transfer_fail(t, FT_FAILED, _("not connected"));
		return;
	}
	t->state = FT_OFFERED;
	iq = si_offer_build(session_ctx(t->app->session), t->peer, NULL, &t->offer);
	ft_iq_send(t->app, iq, on_offer_answer, t->id);
	ev_init(&ev, EV_FILE_OUTGOING);
	ev_str(&ev, "id", t->idstr);
	ev_str(&ev, "to", t->peer);
	ev_str(&ev, "name", t->safe_name);
	ev_int(&ev, "size", t->total);
	app_emit(t->app, &ev);
}

static char *new_sid(void)
{
	unsigned char r[12];
	char *sid = xmalloc(2 * sizeof(r) + 4);
	FILE *f = fopen("/dev/urandom", "rb");

	if (f == NULL || fread(r, 1, sizeof(r), f) != sizeof(r)) {
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)(rand() ^ (int)time(NULL));
	}
	if (f != NULL)
		fclose(f);
	strcpy(sid, "jft");
	for (size_t i = 0; i < sizeof(r); i++)
		sprintf(sid + 3 + 2 * i, "%02x", r[i]);
	return sid;
}

static int open_source(struct app *app, const char *command, const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		app_error(app, command, "file", _("Cannot read %s: %s."), path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		app_error(app, command, "file", _("%s is not a regular file."), path);
		close(fd);
		return -1;
	}
	return fd;
}

int ft_sendfile(struct app *app, const char *command, const char *jid, const char *path,
                const char *desc)
{
	struct ft *ft = app->ft;
	struct transfer *t;
	struct stat st;
	struct jid j;
	char full[2 * JID_MAX + 2], date[32];
	const char *base;
	int fd;

	if (!session_online(app->session)) {
		app_error(app, command, "not-connected", _("Not connected."));
		return -1;
	}
	if (!jid_parse(&j, jid)) {
		app_error(app, command, "usage", _("'%s' is not a valid JID."), jid);
		return -1;
	}
	if ((fd = open_source(app, command, path, &st)) < 0)
		return -1;
	t = transfer_new(ft, FT_SEND);
	t->fd = fd;
	t->path = xstrdup(path);
	t->total = t->offer.size = st.st_size;
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	t->offer.name = xstrdup(base);
	t->safe_name = ft_filename_sanitize(base);
	t->offer.desc = desc != NULL && desc[0] != '\0' ? xstrdup(desc) : NULL;
	iso_date(st.st_mtime, date, sizeof(date));
	t->offer.date = xstrdup(date);
	t->offer.sid = new_sid();
	t->offer.nmethods = ft_methods_usable(ft->set.methods, t->offer.methods);
	t->peer = xstrdup(jid_full(&j, full, sizeof(full)));
	t->state = FT_RESOLVING;
	ft_peers_candidates(t, &j);
	app_info(app, _("Transfer %s: offering %s (%lld bytes) to %s."), t->idstr, t->safe_name,
	         t->total, t->peer);
	ft_peers_resolve(t);
	return 0;
}

/* ---- receiving -------------------------------------------------------- */

static void emit_offer(struct transfer *t)
{
	struct event ev;

	ev_init(&ev, EV_FILE_OFFER);
	ev_str(&ev, "id", t->idstr);
	ev_str(&ev, "from", t->peer);
	ev_str(&ev, "name", t->safe_name);
	ev_int(&ev, "size", t->total);
	ev_str(&ev, "desc", t->offer.desc);
	ev_str(&ev, "hash", t->offer.hash);
	app_emit(t->app, &ev);
}

static void reply_error(struct app *app, xmpp_stanza_t *iq, const char *type, const char *cond,
                        bool no_streams)
{
	xmpp_stanza_t *e = si_error_build(session_ctx(app->session), xmpp_stanza_get_from(iq),
	                                  xmpp_stanza_get_id(iq), type, cond, no_streams);

	session_send(app->session, e);
	xmpp_stanza_release(e);
}

/* Gives the reason for a refused offer to the user as well (an error event
 * with code): nothing a peer sends is dropped silently. */
static void refuse_offer_code(struct app *app, xmpp_stanza_t *iq, const char *from,
                              const char *cond, const char *code, const char *why, bool no_streams)
{
	char *safe_from = xstrdup(from);

	reply_error(app, iq, strcmp(cond, "bad-request") == 0 ? "modify" : "cancel", cond,
	            no_streams);
	app_error(app, NULL, code, _("A file offer from %s was refused: %s."), safe_from, why);
	free(safe_from);
}

static void refuse_offer(struct app *app, xmpp_stanza_t *iq, const char *from, const char *cond,
                         const char *why, bool no_streams)
{
	refuse_offer_code(app, iq, from, cond, "file-offer-refused", why, no_streams);
}

/* Every accepted incoming file holds an open .part until it ends: their
 * number is bounded, per contact and in all. NULL when one more fits,
 * else why not (untranslated). */
static const char *incoming_full(struct ft *ft, const char *from)
{
	int all = 0, theirs = 0;

	for (struct transfer *t = ft->list; t != NULL; t = t->next) {
		if (t->dir != FT_RECV || t->state == FT_OFFERED || transfer_final(t))
			continue;
		all++;
		theirs += jid_bare_eq(t->peer, from);
	}
	if (all >= ft->set.max_incoming)
		return N_("too many files are being received at once (files.max_incoming)");
	if (theirs >= ft->set.max_incoming_per_contact)
		return N_("too many files are being received from this contact at once "
		          "(files.max_incoming_per_contact)");
	return NULL;
}

/* The first method of our preference that the sender offered. */
static enum si_method choose_method(struct ft *ft, const struct si_offer *o)
{
	enum si_method ours[SI_MAX_METHODS];
	size_t n = ft_methods_usable(ft->set.methods, ours);

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < o->nmethods; k++)
			if (ours[i] == o->methods[k])
				return ours[i];
	return SI_M_NONE;
}

/* Offers waiting for the user are bounded: a peer cannot fill memory with
 * them. */
#define MAX_WAITING_OFFERS 64

static size_t count_waiting(struct ft *ft)
{
	size_t n = 0;

	for (struct transfer *t = ft->list; t != NULL; t = t->next)
		n += t->dir == FT_RECV && t->state == FT_OFFERED;
	return n;
}

static bool on_si_offer(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *payload, void *ud)
{
	struct ft *ft = app->ft;
	const char *from = xmpp_stanza_get_from(iq), *cond, *why;
	struct si_offer o;
	struct transfer *t;
	bool no_streams;

	(void)payload;
	(void)ud;
	if (from == NULL || xmpp_stanza_get_id(iq) == NULL)
		return 1;
	if (si_offer_parse(iq, ft->set.max_size, &o, &cond, &why, &no_streams) != 0) {
		refuse_offer(app, iq, from, cond, _(why), no_streams);
		si_offer_free(&o);
		return 1;
	}
	if (choose_method(ft, &o) == SI_M_NONE) {
		refuse_offer(app, iq, from, "bad-request", _("no stream method we know"), true);
		si_offer_free(&o);
		return 1;
	}
	if (transfer_find_sid(ft, FT_RECV, o.sid, from) != NULL) {
		refuse_offer(app, iq, from, "conflict", _("the same offer came twice"), false);
		si_offer_free(&o);
		return 1;
	}
	if (count_waiting(ft) >= MAX_WAITING_OFFERS) {
		refuse_offer(app, iq, from, "resource-constraint",
		             _("too many offers wait for an answer"), false);
		si_offer_free(&o);
		return 1;
	}
	if (!ft_is_contact(app, from) && !ft->set.accept_strangers) {
		refuse_offer(app, iq, from, "forbidden", _("the sender is not in the roster"),
		             false);
		si_offer_free(&o);
		return 1;
	}
	/* Accepting it at once would open one more file: declined as a user
	 * would decline it (XEP-0095: forbidden), with the reason told here. */
	if (ft->set.accept_dir != NULL && (why = incoming_full(ft, from)) != NULL) {
		refuse_offer_code(app, iq, from, "forbidden", "too-many-transfers", _(why), false);
		si_offer_free(&o);
		return 1;
	}
	t = transfer_new(ft, FT_RECV);
	t->offer = o;
	t->peer = xstrdup(from);
	t->iq_id = xstrdup(xmpp_stanza_get_id(iq));
	t->total = o.size;
	t->safe_name = ft_filename_sanitize(o.name);
	t->state = FT_OFFERED;
	emit_offer(t);
	if (ft->set.accept_dir != NULL)
		ft_accept(app, NULL, t->idstr, ft->set.accept_dir); /* no command asked */
	transfer_gc(ft);
	return 1;
}

static void on_connect_timeout(void *ud)
{
	struct transfer *t = ud;

	t->timer = NULL;
	if (t->state == FT_CONNECTING)
		transfer_fail(t, FT_FAILED, _("the sender never started the stream"));
}

static struct transfer *find_or_error(struct app *app, const char *cmd, const char *id)
{
	struct transfer *t = transfer_find_str(app->ft, id);

	char *hint;

	if (t == NULL) {
		hint = app_hint(app, APP_HINT_TRANSFERS, NULL);
		app_error(app, cmd, "no-such-transfer", _("No transfer %s (see %s)."), id, hint);
		free(hint);
	}
	return t;
}

/* The offer waiting for the user that id names, or NULL after an error. */
static struct transfer *find_offer(struct app *app, const char *command, const char *id)
{
	struct transfer *t = find_or_error(app, command, id);

	if (t != NULL && (t->dir != FT_RECV || t->state != FT_OFFERED)) {
		app_error(app, command, "bad-state",
		          _("Transfer %s is not an offer waiting for you."), id);
		return NULL;
	}
	return t;
}

int ft_accept(struct app *app, const char *command, const char *id, const char *path)
{
	struct ft *ft = app->ft;
	struct transfer *t = find_offer(app, command, id);
	enum si_method m;
	char *dir = NULL, *err = NULL;
	const char *why;
	xmpp_stanza_t *answer;

	if (t == NULL)
		return -1;
	if (!session_online(app->session)) {
		app_error(app, command, "not-connected", _("Not connected."));
		return -1;
	}
	if ((why = incoming_full(ft, t->peer)) != NULL) {
		app_error(app, command, "too-many-transfers",
		          _("Transfer %s cannot be accepted now: %s."), id, _(why));
		return -1; /* the offer stays: accept it when one ends */
	}
	m = choose_method(ft, &t->offer); /* never NONE: checked at the offer */
	if (path == NULL)
		path = dir = ft->set.download_dir != NULL ? xstrdup(ft->set.download_dir)
		                                          : xdg_download_dir();
	if (path == NULL || transfer_open_part(t, path, &err) != 0) {
		app_error(app, command, "file", "%s",
		          err != NULL ? err : _("No download directory."));
		free(err);
		free(dir);
		return -1; /* the offer stays: another PATH may do */
	}
	free(dir);
	t->method = m;
	t->state = FT_CONNECTING;
	t->t_start = loop_now_ms();
	answer = si_answer_build(session_ctx(app->session), t->peer, t->iq_id, m);
	session_send(app->session, answer);
	xmpp_stanza_release(answer);
	t->timer =
	    loop_timer_add(app->loop, (uint64_t)ft->set.idle_timeout_ms, on_connect_timeout, t);
	transfer_accept_method(t);
	app_info(app, _("Transfer %s: receiving %s into %s."), t->idstr, t->safe_name, t->part);
	return 0;
}

/* Declines a waiting offer on the wire and ends it. No transfer is freed
 * here, so callers may be walking the list. */
static void decline(struct transfer *t)
{
	struct app *app = t->app;

	if (session_online(app->session)) {
		xmpp_stanza_t *e = si_error_build(session_ctx(app->session), t->peer, t->iq_id,
		                                  "cancel", "forbidden", false);

		session_send(app->session, e);
		xmpp_stanza_release(e);
	}
	transfer_fail(t, FT_REJECTED, _("declined"));
}

int ft_reject(struct app *app, const char *command, const char *id)
{
	struct transfer *t = find_offer(app, command, id);

	if (t == NULL)
		return -1;
	decline(t);
	transfer_gc(app->ft);
	return 0;
}

int ft_cancel(struct app *app, const char *command, const char *id)
{
	struct transfer *t = find_or_error(app, command, id);

	if (t == NULL)
		return -1;
	if (transfer_final(t)) {
		app_error(app, command, "bad-state", _("Transfer %s is already over (%s)."), id,
		          transfer_state_name(t->state));
		return -1;
	}
	if (t->dir == FT_RECV && t->state == FT_OFFERED)
		return ft_reject(app, command, id);
	/* The stream's abort tells the peer (IBB close, or the TCP connection
	 * closing); before a stream exists there is nothing to close. */
	transfer_fail(t, FT_CANCELLED, _("cancelled"));
	transfer_gc(app->ft);
	return 0;
}

void ft_list(struct app *app)
{
	struct ft *ft = app->ft;

	if (ft->list == NULL)
		app_info(app, _("No file transfers."));
	for (struct transfer *t = ft->list; t != NULL; t = t->next) {
		struct event ev;

		ev_init(&ev, EV_FILE);
		ev_str(&ev, "id", t->idstr);
		ev_str(&ev, "direction", t->dir == FT_SEND ? "send" : "receive");
		ev_str(&ev, "peer", t->peer);
		ev_str(&ev, "name", t->safe_name);
		ev_int(&ev, "size", t->total);
		ev_int(&ev, "bytes", t->bytes);
		ev_str(&ev, "method", t->method_name);
		ev_str(&ev, "state", transfer_state_name(t->state));
		ev_str(&ev, "path", t->dir == FT_SEND || t->state == FT_DONE ? t->path : t->part);
		app_emit(app, &ev);
	}
}

/* The shutdown's stage: at the end of a batch run, the transfers under way
 * finish first (transfer.c releases the hold when the last one ends); asked
 * again, they are all cancelled. */
static bool quit_stage(void *ud, bool again)
{
	struct ft *ft = ud;
	bool busy = false;

	if (!ft->app->batch)
		return false;
	if (again) {
		/* Asked twice (a signal during the wait): stop everything. */
		ft->hold = false;
		for (struct transfer *t = ft->list; t != NULL; t = t->next)
			transfer_fail(t, FT_CANCELLED, _("jabiru is quitting"));
		return false;
	}
	/* The list is walked here, so nothing is freed until the walk ends. */
	for (struct transfer *t = ft->list; t != NULL; t = t->next) {
		if (!transfer_final(t) && !transfer_busy(t))
			decline(t); /* nobody is left to answer it */
		else
			busy |= transfer_busy(t);
	}
	transfer_gc(ft);
	ft->hold = busy;
	return busy;
}

/* ---- module ----------------------------------------------------------- */

/* A contact is a JID in the roster, whatever its subscription: offers
 * from anyone else are refused unless a setting says otherwise. */
static bool in_roster(void *ud, const char *bare)
{
	return roster_get(ud, bare) != NULL;
}

/* The iq module routes every get and set; an SI get is not ours to answer
 * (returning false lets it say service-unavailable). */
static void online(struct session *s, void *ud)
{
	struct app *app = ud;
	xmpp_conn_t *conn = session_conn(s);

	ft_peers_online(app, conn);
}

static void offline(struct session *s, void *ud)
{
	struct app *app = ud;
	struct ft *ft = app->ft;

	(void)s;
	ft_methods_offline(app);
	for (struct transfer *t = ft->list; t != NULL; t = t->next)
		transfer_fail(t, FT_FAILED, _("disconnected from the server"));
	lru_clear(&ft->resources);
}

static const struct session_hooks ft_hooks = {.online = online, .offline = offline};

/* At init and after /set: a change applies to the next offer or block. */
static void read_settings(void *ud, const struct config *cfg, const char *name)
{
	struct ft_settings *set = &((struct ft *)ud)->set;

	(void)name;
	str_set(&set->download_dir, cfg_str(cfg, "files.download_dir"));
	str_set(&set->methods, cfg_str(cfg, "files.methods"));
	set->accept_strangers = cfg_bool(cfg, "files.accept_strangers");
	set->max_size = cfg_int(cfg, "files.max_size");
	set->ibb_block_size = (int)cfg_int(cfg, "files.ibb_block_size");
	set->ibb_window = (int)cfg_int(cfg, "files.ibb_window");
	set->idle_timeout_ms = (int)cfg_int(cfg, "files.idle_timeout") * 1000;
	set->max_incoming = (int)cfg_int(cfg, "files.max_incoming");
	set->max_incoming_per_contact = (int)cfg_int(cfg, "files.max_incoming_per_contact");
}

void ft_init(struct app *app)
{
	struct ft *ft = xcalloc(1, sizeof(*ft));

	ft->app = app;
	app_add_stage(app, quit_stage, ft);
	read_settings(ft, app->config, NULL);
	cfg_watch(app->config, read_settings, ft);
	if (app->opts != NULL && app->opts->accept_files != NULL)
		ft->set.accept_dir = xstrdup(app->opts->accept_files);
	lru_init(&ft->resources, FT_MAX_PEERS, free);
	app->ft = ft;
	session_add_hooks(app->session, &ft_hooks, app);
	iq_add_feature(app, NS_SI);
	iq_add_feature(app, NS_SI_FT);
	for (size_t i = 0; i < ft_method_count(); i++)
		iq_add_feature(app, ft_method_at(i)->ns);
	iq_route(app, NS_SI, "set", on_si_offer, NULL);
	ft_set_contact_check(app, in_roster, app);
	ft_methods_init(app); /* after the hooks: ours see a lost session first */
}

void ft_fini(struct app *app)
{
	struct ft *ft = app->ft;

	if (ft == NULL)
		return;
	if (ft->progress_timer != NULL)
		loop_timer_del(app->loop, ft->progress_timer);
	cfg_unwatch(app->config, read_settings, ft);
	transfer_free_all(ft);
	ft_methods_fini(app);
	lru_clear(&ft->resources);
	free(ft->set.download_dir);
	free(ft->set.methods);
	free(ft->set.accept_dir);
	free(ft);
	app->ft = NULL;
}
