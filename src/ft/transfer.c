/* Transfers: the file on disk and the bytestream callbacks (the md5 pass
 * is in hash.c, progress in progress.c). Files are streamed in bounded chunks (sendfile where the
 * stream allows it, else TRANSFER_CHUNK), so a transfer of any size costs a constant amount of
 * memory. Every byte is hashed once on each side: md5, which XEP-0096 carries in the offer and the
 * receiver checks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "ft/filename.h"
#include "ft/ft-int.h"
#include "ft/method.h"
#include "i18n.h"
#include "loop.h"
#include "util/str.h"

#define TRANSFER_CHUNK (64 * 1024)
/* Bytes handed to a stream per loop iteration, so that a fast stream
 * cannot starve the terminal and the XMPP socket. sendfile costs jabiru
 * no copy and no hash, so it gets more per iteration. */
#define PUMP_BUDGET     (1024 * 1024)
#define SENDFILE_BUDGET (4 * 1024 * 1024)
/* Finished transfers kept for /files; older ones are forgotten. */
#define KEEP_FINISHED 64

static const char *const state_names[] = {
    [FT_RESOLVING] = "resolving", [FT_HASHING] = "hashing",
    [FT_OFFERED] = "offered",     [FT_CONNECTING] = "connecting",
    [FT_ACTIVE] = "active",       [FT_FINISHING] = "finishing",
    [FT_DONE] = "done",           [FT_FAILED] = "failed",
    [FT_CANCELLED] = "cancelled", [FT_REJECTED] = "rejected",
};

const char *transfer_state_name(enum ft_state s)
{
	return state_names[s];
}

bool transfer_final(const struct transfer *t)
{
	return t->state >= FT_DONE;
}

/* Work that a batch run waits for at end of input: not offers that wait
 * for our own answer (nobody is left to give it). */
bool transfer_busy(const struct transfer *t)
{
	return !transfer_final(t) && !(t->dir == FT_RECV && t->state == FT_OFFERED);
}

struct transfer *transfer_new(struct ft *ft, enum ft_dir dir)
{
	struct transfer *t = xcalloc(1, sizeof(*t)), **pp;

	t->app = ft->app;
	t->id = ft_serial(ft);
	snprintf(t->idstr, sizeof(t->idstr), "%u", t->id);
	t->dir = dir;
	t->fd = -1;
	t->method_name = "";
	t->md5 = EVP_MD_CTX_new();
	EVP_DigestInit_ex(t->md5, EVP_md5(), NULL);
	for (pp = &ft->list; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = t;
	return t;
}

struct transfer *transfer_find(struct ft *ft, unsigned id)
{
	for (struct transfer *t = ft->list; t != NULL; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

struct transfer *transfer_find_str(struct ft *ft, const char *id)
{
	for (struct transfer *t = ft->list; t != NULL; t = t->next)
		if (strcmp(t->idstr, id) == 0)
			return t;
	return NULL;
}

struct transfer *transfer_find_sid(struct ft *ft, enum ft_dir dir, const char *sid,
                                   const char *peer)
{
	for (struct transfer *t = ft->list; t != NULL; t = t->next)
		if (t->dir == dir && t->offer.sid != NULL && strcmp(t->offer.sid, sid) == 0 &&
		    t->peer != NULL && strcmp(t->peer, peer) == 0)
			return t;
	return NULL;
}

static void close_file(struct transfer *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static void stop_timer(struct transfer *t)
{
	if (t->timer != NULL)
		loop_timer_del(t->app->loop, t->timer);
	t->timer = NULL;
}

static void transfer_free(struct transfer *t)
{
	stop_timer(t);
	close_file(t);
	if (t->bs != NULL)
		bytestream_abort(t->bs);
	EVP_MD_CTX_free(t->md5);
	si_offer_free(&t->offer);
	for (size_t i = 0; i < t->ncands; i++)
		free(t->cands[i]);
	free(t->cands);
	free(t->peer);
	free(t->path);
	free(t->part);
	free(t->iq_id);
	free(t->safe_name);
	free(t->buf);
	free(t);
}

/* Forgets the oldest finished transfers beyond KEEP_FINISHED; memory stays
 * bounded however many files pass. It frees transfers: call it at the end
 * of an entry point (a command, an offer, the shutdown), never while the
 * list is being walked. */
void transfer_gc(struct ft *ft)
{
	size_t finished = 0;

	for (struct transfer *t = ft->list; t != NULL; t = t->next)
		finished += transfer_final(t);
	for (struct transfer **pp = &ft->list; *pp != NULL && finished > KEEP_FINISHED;) {
		struct transfer *t = *pp;

		if (transfer_final(t)) {
			*pp = t->next;
			transfer_free(t);
			finished--;
		} else {
			pp = &t->next;
		}
	}
}

void transfer_free_all(struct ft *ft)
{
	while (ft->list != NULL) {
		struct transfer *t = ft->list;

		ft->list = t->next;
		transfer_free(t);
	}
}

static void maybe_release_shutdown(struct ft *ft)
{
	if (!ft->hold)
		return;
	for (struct transfer *t = ft->list; t != NULL; t = t->next)
		if (transfer_busy(t))
			return;
	ft->hold = false;
	app_release(ft->app, ft);
}

static void emit_failed(struct transfer *t, const char *reason)
{
	struct event ev;

	ev_init(&ev, EV_FILE_FAILED);
	ev_str(&ev, "id", t->idstr);
	ev_str(&ev, "reason", reason);
	ev_str(&ev, "state", transfer_state_name(t->state));
	ev_str(&ev, "direction", t->dir == FT_SEND ? "send" : "receive");
	ev_str(&ev, "name", t->safe_name);
	ev_str(&ev, "peer", t->peer);
	app_emit(t->app, &ev);
}

void transfer_fail(struct transfer *t, enum ft_state state, const char *reason)
{
	struct bytestream *bs = t->bs;

	if (transfer_final(t))
		return;
	t->bs = NULL;
	if (bs != NULL)
		bytestream_abort(bs);
	stop_timer(t);
	close_file(t);
	free(t->buf);
	t->buf = NULL;
	if (t->part != NULL) {
		unlink(t->part); /* nothing may look complete */
		free(t->part);
		t->part = NULL;
	}
	t->state = state;
	emit_failed(t, reason);
	maybe_release_shutdown(t->app->ft);
}

/* ---- sending ---------------------------------------------------------- */

void transfer_hash_ready(struct transfer *t)
{
	if (t->hashed_bytes != t->total) {
		/* The offer would announce a size and a hash that disagree. */
		transfer_fail(t, FT_FAILED, _("the file changed while it was being read"));
		return;
	}
	t->hashed(t);
}

/* md5: the sender's is the one it offered (the file as it was read for the
 * offer); the receiver's is that of the bytes it saved, which matched the
 * offer's when there was one. */
static void emit_done(struct transfer *t)
{
	struct event ev;

	ev_init(&ev, EV_FILE_DONE);
	ev_str(&ev, "id", t->idstr);
	ev_str(&ev, "direction", t->dir == FT_SEND ? "send" : "receive");
	ev_str(&ev, "peer", t->peer);
	ev_str(&ev, "path", t->path);
	ev_int(&ev, "size", t->bytes);
	ev_str(&ev, "md5", t->dir == FT_SEND ? t->offer.hash : t->md5_hex);
	ev_str(&ev, "method", t->method_name);
	ev_int(&ev, "seconds", (long long)((loop_now_ms() - t->t_start + 500) / 1000));
	app_emit(t->app, &ev);
}

static void finish_ok(struct transfer *t)
{
	t->state = FT_DONE;
	stop_timer(t);
	close_file(t);
	free(t->buf);
	t->buf = NULL;
	emit_done(t);
	maybe_release_shutdown(t->app->ft);
}

static void pump(struct transfer *t);

static void pump_again(void *ud)
{
	struct transfer *t = ud;

	t->timer = NULL;
	pump(t);
}

/* Refills buf from the file; false after a failure. */
static bool refill(struct transfer *t)
{
	long long left = t->total - t->bytes;
	ssize_t n;

	if (left <= 0)
		return true;
	do
		n = pread(t->fd, t->buf, left < TRANSFER_CHUNK ? (size_t)left : TRANSFER_CHUNK,
		          (off_t)t->bytes);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		transfer_fail(t, FT_FAILED, strerror(errno));
		return false;
	}
	if (n == 0) {
		transfer_fail(t, FT_FAILED, _("the file became shorter while it was being sent"));
		return false;
	}
	t->buf_len = (size_t)n;
	t->buf_off = 0;
	return true;
}

/* The next piece, file to stream: by sendfile when the stream can take it
 * (the bytes never enter jabiru), else through buf. Returns what the
 * stream took, 0 when it is full (writable() follows), -1 after failing
 * the transfer. */
static ssize_t pump_piece(struct transfer *t, size_t max)
{
	ssize_t n;

	if (t->use_sendfile) {
		off_t off = (off_t)t->bytes;
		long long left = t->total - t->bytes;

		n = bytestream_sendfile(t->bs, t->fd, &off,
		                        left < (long long)max ? (size_t)left : max);
		if (n >= 0)
			return n;
		if (errno == EINVAL || errno == ENOSYS) {
			t->use_sendfile = false; /* not for this file: copy it */
			t->buf = xmalloc(TRANSFER_CHUNK);
			return pump_piece(t, max);
		}
		transfer_fail(t, FT_FAILED,
		              errno == ENODATA
		                  ? _("the file became shorter while it was being sent")
		                  : _("the stream failed"));
		return -1;
	}
	if (t->buf_off == t->buf_len && !refill(t))
		return -1;
	n = bytestream_write(t->bs, t->buf + t->buf_off, t->buf_len - t->buf_off);
	if (n < 0) {
		transfer_fail(t, FT_FAILED, _("the stream failed"));
		return -1;
	}
	t->buf_off += (size_t)n;
	return n;
}

/* Hands file bytes to the stream until it is full, the file is sent, or
 * the budget for this loop iteration is spent. */
static void pump(struct transfer *t)
{
	size_t budget = t->use_sendfile ? SENDFILE_BUDGET : PUMP_BUDGET;

	while (t->state == FT_ACTIVE) {
		ssize_t n;

		if (t->bytes == t->total && t->buf_off == t->buf_len) {
			t->state = FT_FINISHING;
			bytestream_finish(t->bs);
			return;
		}
		if (budget == 0) {
			if (t->timer == NULL)
				t->timer = loop_timer_add(t->app->loop, 0, pump_again, t);
			return;
		}
		n = pump_piece(t, budget);
		if (n <= 0)
			return; /* failed, or writable() calls again */
		t->bytes += n;
		t->moved_ms = loop_now_ms();
		budget = (size_t)n < budget ? budget - (size_t)n : 0;
	}
}

/* ---- receiving -------------------------------------------------------- */

int transfer_open_part(struct transfer *t, const char *path, char **err)
{
	struct stat st;
	char *dir, *name;
	const char *slash;

	/* PATH may be a directory (keep the offered name) or a new file name. */
	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			*err = xasprintf(_("%s exists; jabiru never overwrites a file"), path);
			return -1;
		}
		dir = xstrdup(path);
		name = xstrdup(t->safe_name);
	} else if (errno == ENOENT) {
		slash = strrchr(path, '/');
		dir = slash == NULL   ? xstrdup(".")
		      : slash == path ? xstrdup("/")
		                      : xstrndup(path, (size_t)(slash - path));
		name = ft_filename_sanitize(slash != NULL ? slash + 1 : path);
	} else {
		*err = xasprintf(_("cannot use %s: %s"), path, strerror(errno));
		return -1;
	}
	t->fd = ft_filename_create(dir, name, &t->path, &t->part);
	if (t->fd < 0)
		*err = xasprintf(_("cannot create a file in %s: %s"), dir, strerror(errno));
	free(dir);
	free(name);
	return t->fd < 0 ? -1 : 0;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The offer's hash was lower-cased when it was parsed (si.c). */
static bool md5_matches(struct transfer *t)
{
	transfer_md5_hex(t->md5, t->md5_hex);
	return t->offer.hash == NULL || strcmp(t->md5_hex, t->offer.hash) == 0;
}

/* The sender closed the stream: the file is complete only if everything
 * announced arrived intact; then, and only then, it gets its real name. */
static void receive_complete(struct transfer *t)
{
	char *reason;

	if (t->bytes != t->total) {
		reason =
		    xasprintf(_("the sender stopped after %lld of %lld bytes"), t->bytes, t->total);
		transfer_fail(t, FT_FAILED, reason);
		free(reason);
		return;
	}
	if (!md5_matches(t)) {
		transfer_fail(t, FT_FAILED, _("the file arrived damaged (md5 does not match)"));
		return;
	}
	if (fsync(t->fd) != 0) {
		reason = xasprintf(_("cannot save %s: %s"), t->path, strerror(errno));
		transfer_fail(t, FT_FAILED, reason);
		free(reason);
		return;
	}
	if (ft_filename_commit(t->part, &t->path) != 0) {
		/* The data is complete and checked: keep it under the .part
		 * name (transfer_fail would delete it) and say where it is. */
		reason =
		    xasprintf(_("cannot give %s its name (%s); the complete file is kept as %s"),
		              t->path, strerror(errno), t->part);
		free(t->part);
		t->part = NULL;
		transfer_fail(t, FT_FAILED, reason);
		free(reason);
		return;
	}
	free(t->part);
	t->part = NULL;
	finish_ok(t);
}

/* ---- the bytestream callbacks ----------------------------------------- */

static void bs_open(void *owner, struct bytestream *bs)
{
	struct transfer *t = owner;

	if (bs != t->bs || transfer_final(t)) {
		bytestream_abort(bs); /* not ours (cannot happen: we abort what we drop) */
		return;
	}
	stop_timer(t);
	t->method_name = bs->ops->method;
	t->state = FT_ACTIVE;
	t->t_start = t->rate_t = t->moved_ms = loop_now_ms();
	transfer_progress_arm(t->app->ft);
	if (t->dir == FT_SEND) {
		t->use_sendfile = bytestream_can_sendfile(bs);
		if (!t->use_sendfile)
			t->buf = xmalloc(TRANSFER_CHUNK);
		pump(t);
	}
}

/* On failure the stream is left to its engine, which ends it after we
 * return false (the interface's rule): t->bs is let go first. */
static bool data_fail(struct transfer *t, const char *reason)
{
	t->bs = NULL;
	transfer_fail(t, FT_FAILED, reason);
	return false;
}

static bool bs_data(void *owner, struct bytestream *bs, const void *buf, size_t len)
{
	struct transfer *t = owner;
	bool ok;
	char *reason;

	if (bs != t->bs)
		return false; /* not ours: its engine ends it */
	if (t->state != FT_ACTIVE || t->fd < 0)
		return data_fail(t, _("data arrived for a transfer that is not running"));
	/* Never write past the announced size. */
	if ((long long)len > t->total - t->bytes)
		return data_fail(t, _("the sender sent more bytes than announced"));
	if (!write_all(t->fd, buf, len)) {
		reason = xasprintf(_("cannot write %s: %s"), t->part, strerror(errno));
		ok = data_fail(t, reason);
		free(reason);
		return ok;
	}
	EVP_DigestUpdate(t->md5, buf, len);
	t->bytes += (long long)len;
	t->moved_ms = loop_now_ms();
	return true;
}

static void bs_writable(void *owner, struct bytestream *bs)
{
	struct transfer *t = owner;

	if (bs == t->bs)
		pump(t);
}

static void on_fallback_timeout(void *ud)
{
	struct transfer *t = ud;

	t->timer = NULL;
	if (t->state == FT_CONNECTING)
		transfer_fail(t, FT_FAILED,
		              _("the SOCKS5 stream failed and the sender never went in-band"));
}

/* Receiving: the chosen method failed before it opened. A sender that
 * offered the fallback method too falls back to it (transfer_fallback), so
 * wait for that stream, for a bounded time, instead of failing what is
 * about to work. */
static bool await_fallback(struct transfer *t, const char *error)
{
	if (t->dir != FT_RECV || t->state != FT_CONNECTING || transfer_fallback_method(t) == NULL)
		return false;
	t->fell_back = true;
	stop_timer(t);
	t->timer = loop_timer_add(t->app->loop, (uint64_t)t->app->ft->set.idle_timeout_ms,
	                          on_fallback_timeout, t);
	app_info(t->app, _("Transfer %s: %s; waiting for the sender to go in-band."), t->idstr,
	         error);
	return true;
}

static void bs_closed(void *owner, struct bytestream *bs, const char *error)
{
	struct transfer *t = owner;
	char *reason;

	if (bs != t->bs)
		return; /* not ours */
	t->bs = NULL;
	if (transfer_final(t))
		return;
	if (error != NULL && t->state == FT_CONNECTING && t->dir == FT_SEND) {
		transfer_fallback(t, error);
		return;
	}
	if (error != NULL && await_fallback(t, error))
		return;
	if (error != NULL) {
		reason = xasprintf(_("transfer failed: %s"), error);
		transfer_fail(t, FT_FAILED, reason);
		free(reason);
	} else if (t->dir == FT_RECV) {
		receive_complete(t);
	} else if (t->state == FT_FINISHING) {
		finish_ok(t);
	} else {
		reason = xasprintf(_("the receiver closed the stream after %lld of %lld bytes"),
		                   t->bytes, t->total);
		transfer_fail(t, FT_FAILED, reason);
		free(reason);
	}
}

const struct bytestream_cb transfer_bs_cb = {bs_open, bs_data, bs_writable, bs_closed};

void transfer_stream(struct transfer *t, struct bytestream *bs)
{
	t->bs = bs;
	t->state = FT_CONNECTING;
}

/* The peer's resource went offline: its transfers cannot go on, and
 * waiting for the idle timeout would only delay the news. */
void transfer_peer_gone(struct ft *ft, const char *full_jid)
{
	for (struct transfer *t = ft->list; t != NULL; t = t->next) {
		char *reason;

		if (transfer_final(t) || t->peer == NULL || strcmp(t->peer, full_jid) != 0 ||
		    t->state == FT_RESOLVING || t->state == FT_HASHING)
			continue;
		reason = xasprintf(_("%s went offline"), t->peer);
		transfer_fail(t, FT_FAILED, reason);
		free(reason);
	}
}
