/* In-Band Bytestreams (XEP-0047) behind the bytestream interface: the
 * bytes travel base64-encoded inside iq stanzas through the server.
 *
 * Flow control: at most `ibb_window` data iqs wait for their result, so a
 * fast sender never floods the server (which would trip its rate limits)
 * nor grows libstrophe's send queue. Sequence numbers are 16 bits and wrap
 * 65535 -> 0; anything but the next one ends the stream. A peer that
 * stops is the transfer's business (files.idle_timeout, transfer.c, the
 * same for every method); here only the answers to our own open and close
 * are waited for, bounded. */
#include "config.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "ft/ft-int.h"
#include "i18n.h"
#include "loop.h"
#include "util/str.h"
#include "xmpp/iq.h"
#include "xmpp/session.h"
#include "xmpp/stanza.h"

/* Larger blocks are refused with resource-constraint: they would make a
 * single stanza, and our buffers, grow without need. */
#define IBB_MAX_BLOCK 65535
#define IBB_MIN_BLOCK 256
/* How long to wait for the result of our own close. */
#define IBB_CLOSE_WAIT_MS 5000

enum ibb_phase { IBB_OPENING, IBB_OPEN, IBB_CLOSING, IBB_DEAD };

struct ibb_stream {
	struct bytestream bs; /* first: the public part */
	struct app *app;
	unsigned serial;
	enum ibb_phase phase;
	size_t block;
	uint16_t seq; /* next to send (initiator) or expect (target) */
	int inflight;
	bool finishing;
	struct loop_timer *timer; /* the wait for the answer to our open or close */
	unsigned char *dec;       /* target: decode buffer of `block` bytes */
	char *enc;                /* initiator: encode buffer */
	struct ibb_stream *next;
};

struct ibb {
	struct app *app;
	struct ibb_stream *streams;
	bytestream_attach_fn attach; /* where streams opened to us go */
	void *attach_ud;
};

static const struct bytestream_ops ibb_ops;

/* ---- base64 ----------------------------------------------------------- */

static bool b64_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* OpenSSL's decoder, which skips whitespace and refuses what is not
 * base64, data after the padding and a missing padding. It writes three
 * bytes for every group of four characters, padding included, and counts
 * only the real ones: so the last group, the only one that may be padded,
 * goes to a buffer of our own, with whatever the decoder still held, and
 * the exact length is checked against max before anything is written. */
long ibb_b64_decode(const char *in, size_t len, unsigned char *out, size_t max)
{
	size_t chars = 0, pad = 0, split = len, seen = 0;
	unsigned char tail[96]; /* a held line (48 bytes) and the last group */
	int head = 0, rest = 0, last = 0;
	EVP_ENCODE_CTX *c;
	bool ok;

	for (size_t i = 0; i < len; i++) {
		if (b64_space(in[i]))
			continue;
		chars++;
		pad = in[i] == '=' ? pad + 1 : 0;
	}
	if (chars % 4 != 0 || pad > 2 || len > INT_MAX || chars / 4 * 3 - pad > max)
		return -1;
	for (; split > 0 && seen < 4; split--) /* where the last group starts */
		seen += !b64_space(in[split - 1]);
	c = EVP_ENCODE_CTX_new();
	EVP_DecodeInit(c);
	/* 1: no padding yet, as there may be none before the last group */
	ok = (split == 0 ||
	      EVP_DecodeUpdate(c, out, &head, (const unsigned char *)in, (int)split) == 1) &&
	     EVP_DecodeUpdate(c, tail, &rest, (const unsigned char *)in + split,
	                      (int)(len - split)) >= 0 &&
	     EVP_DecodeFinal(c, tail + rest, &last) == 1 &&
	     (size_t)head + (size_t)rest + (size_t)last <= max;
	EVP_ENCODE_CTX_free(c);
	if (!ok)
		return -1;
	memcpy(out + head, tail, (size_t)(rest + last));
	return (long)head + rest + last;
}

/* ---- the data element -------------------------------------------------- */

xmpp_stanza_t *ibb_data_build(xmpp_ctx_t *ctx, const char *sid, uint16_t seq, const void *buf,
                              size_t len, char *enc)
{
	xmpp_stanza_t *el = xmpp_stanza_new(ctx), *text = xmpp_stanza_new(ctx);
	char seqs[8];

	xmpp_stanza_set_name(el, "data");
	xmpp_stanza_set_ns(el, NS_IBB);
	xmpp_stanza_set_attribute(el, "sid", sid);
	snprintf(seqs, sizeof(seqs), "%u", (unsigned)seq);
	xmpp_stanza_set_attribute(el, "seq", seqs);
	EVP_EncodeBlock((unsigned char *)enc, buf, (int)len); /* no line breaks */
	xmpp_stanza_set_text(text, enc);
	xmpp_stanza_add_child_ex(el, text, 0);
	return el;
}

const char *ibb_data_parse(xmpp_stanza_t *el, uint16_t expect, unsigned char *out, size_t max,
                           size_t *len)
{
	const char *seq = xmpp_stanza_get_attribute(el, "seq");
	char *text, *end;
	long n, seqn;

	seqn = seq != NULL ? strtol(seq, &end, 10) : -1;
	if (seq == NULL || *end != '\0' || seqn != (long)expect)
		return "unexpected-request";
	text = xmpp_stanza_get_text(el);
	n = text != NULL ? ibb_b64_decode(text, strlen(text), out, max) : 0;
	xmpp_free(xmpp_stanza_get_context(el), text);
	if (n < 0)
		return "bad-request";
	*len = (size_t)n;
	return NULL;
}

/* ---- streams ---------------------------------------------------------- */

static struct ibb_stream *find_serial(struct app *app, unsigned serial)
{
	for (struct ibb_stream *s = app->ft->ibb->streams; s != NULL; s = s->next)
		if (s->serial == serial && s->phase != IBB_DEAD)
			return s;
	return NULL;
}

static struct ibb_stream *find_sid(struct app *app, const char *sid, const char *from)
{
	for (struct ibb_stream *s = app->ft->ibb->streams; s != NULL; s = s->next)
		if (s->phase != IBB_DEAD && strcmp(s->bs.sid, sid) == 0 &&
		    strcmp(s->bs.peer, from) == 0)
			return s;
	return NULL;
}

static void stream_free(struct ibb_stream *s)
{
	struct ibb_stream **pp;

	for (pp = &s->app->ft->ibb->streams; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	if (s->timer != NULL)
		loop_timer_del(s->app->loop, s->timer);
	free(s->bs.sid);
	free(s->bs.peer);
	free(s->dec);
	free(s->enc);
	free(s);
}

/* Ends the stream and tells the owner (error NULL: a proper close). */
static void stream_end(struct ibb_stream *s, const char *error)
{
	const struct bytestream_cb *cb = s->bs.cb;
	void *owner = s->bs.owner;

	s->phase = IBB_DEAD;
	if (cb != NULL)
		cb->closed(owner, &s->bs, error);
	stream_free(s);
}

/* Our open or close went unanswered: a close is done anyway, an open
 * failed. */
static void on_wait_over(void *ud)
{
	struct ibb_stream *s = ud;
	char *why;

	s->timer = NULL;
	if (s->phase != IBB_OPENING) {
		stream_end(s, NULL);
		return;
	}
	why = xasprintf(_("%s did not answer the in-band open"), s->bs.peer);
	stream_end(s, why);
	free(why);
}

static void wait_answer(struct ibb_stream *s, int ms)
{
	if (s->timer != NULL)
		loop_timer_del(s->app->loop, s->timer);
	s->timer = loop_timer_add(s->app->loop, (uint64_t)ms, on_wait_over, s);
}

static struct ibb_stream *stream_new(struct app *app, enum bs_role role, const char *sid,
                                     const char *peer)
{
	struct ibb_stream *s = xcalloc(1, sizeof(*s));
	struct ibb *m = app->ft->ibb;

	s->bs.ops = &ibb_ops;
	s->bs.role = role;
	s->bs.sid = xstrdup(sid);
	s->bs.peer = xstrdup(peer);
	s->app = app;
	s->serial = ft_serial(app->ft);
	s->next = m->streams;
	m->streams = s;
	return s;
}

static xmpp_stanza_t *ibb_iq(struct ibb_stream *s, const char *name)
{
	xmpp_ctx_t *ctx = session_ctx(s->app->session);
	char *id = session_new_id(s->app->session);
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", id), *el = xmpp_stanza_new(ctx);

	free(id);
	xmpp_stanza_set_to(iq, s->bs.peer);
	xmpp_stanza_set_name(el, name);
	xmpp_stanza_set_ns(el, NS_IBB);
	xmpp_stanza_set_attribute(el, "sid", s->bs.sid);
	xmpp_stanza_add_child_ex(iq, el, 0);
	return iq;
}

static void send_close(struct ibb_stream *s, ft_iq_cb cb)
{
	xmpp_stanza_t *iq;

	if (!session_online(s->app->session))
		return;
	iq = ibb_iq(s, "close");
	if (cb != NULL) {
		ft_iq_send(s->app, iq, cb, s->serial);
	} else {
		session_send(s->app->session, iq);
		xmpp_stanza_release(iq);
	}
}

/* ---- initiator -------------------------------------------------------- */

static void send_open(struct ibb_stream *s);

static void on_close_result(struct app *app, unsigned serial, xmpp_stanza_t *reply)
{
	struct ibb_stream *s = find_serial(app, serial);

	(void)reply; /* an error to our close changes nothing: we are done */
	if (s != NULL && s->phase == IBB_CLOSING)
		stream_end(s, NULL);
}

static void start_close(struct ibb_stream *s)
{
	s->phase = IBB_CLOSING;
	send_close(s, on_close_result);
	wait_answer(s, IBB_CLOSE_WAIT_MS);
}

static void on_open_result(struct app *app, unsigned serial, xmpp_stanza_t *reply)
{
	struct ibb_stream *s = find_serial(app, serial);
	const char *type = xmpp_stanza_get_type(reply);
	char *why;

	if (s == NULL || s->phase != IBB_OPENING)
		return;
	if (type != NULL && strcmp(type, "error") == 0) {
		const char *cond = stanza_error_condition(reply);

		if (strcmp(cond, "resource-constraint") == 0 && s->block / 2 >= IBB_MIN_BLOCK) {
			s->block /= 2; /* XEP-0047 §2.2: the peer wants smaller blocks */
			send_open(s);
			return;
		}
		why = xasprintf(_("%s refused the in-band stream (%s)"), s->bs.peer, cond);
		stream_end(s, why);
		free(why);
		return;
	}
	if (s->timer != NULL)
		loop_timer_del(app->loop, s->timer);
	s->timer = NULL;
	s->phase = IBB_OPEN;
	s->enc = xmalloc(4 * ((s->block + 2) / 3) + 1);
	s->bs.cb->open(s->bs.owner, &s->bs);
}

static void send_open(struct ibb_stream *s)
{
	xmpp_stanza_t *iq = ibb_iq(s, "open"), *el = xmpp_stanza_get_children(iq);
	char bsz[16];

	snprintf(bsz, sizeof(bsz), "%zu", s->block);
	xmpp_stanza_set_attribute(el, "block-size", bsz);
	xmpp_stanza_set_attribute(el, "stanza", "iq");
	ft_iq_send(s->app, iq, on_open_result, s->serial);
	wait_answer(s, ft_settings(s->app)->idle_timeout_ms);
}

struct bytestream *ibb_initiate(struct app *app, const char *sid, const char *peer,
                                const struct bytestream_cb *cb, void *owner)
{
	struct ibb_stream *s;
	int block = ft_settings(app)->ibb_block_size;

	if (!session_online(app->session))
		return NULL;
	s = stream_new(app, BS_INITIATOR, sid, peer);
	s->bs.cb = cb;
	s->bs.owner = owner;
	s->block = block >= IBB_MIN_BLOCK && block <= IBB_MAX_BLOCK ? (size_t)block : 4096;
	s->phase = IBB_OPENING;
	send_open(s);
	return &s->bs;
}

static void on_data_result(struct app *app, unsigned serial, xmpp_stanza_t *reply)
{
	struct ibb_stream *s = find_serial(app, serial);
	const char *type = xmpp_stanza_get_type(reply);
	char *why;

	if (s == NULL || s->phase != IBB_OPEN)
		return;
	s->inflight--;
	if (type != NULL && strcmp(type, "error") == 0) {
		why = xasprintf(_("%s refused the data (%s)"), s->bs.peer,
		                stanza_error_condition(reply));
		send_close(s, NULL);
		stream_end(s, why);
		free(why);
		return;
	}
	if (s->finishing) {
		if (s->inflight == 0)
			start_close(s);
		return;
	}
	s->bs.cb->writable(s->bs.owner, &s->bs);
}

static ssize_t ibb_write(struct bytestream *bs, const void *buf, size_t len)
{
	struct ibb_stream *s = (struct ibb_stream *)bs;
	xmpp_stanza_t *iq, *el;
	size_t n = len < s->block ? len : s->block;
	char *id;

	if (s->phase != IBB_OPEN || s->finishing)
		return -1;
	if (s->inflight >= ft_settings(s->app)->ibb_window || len == 0)
		return 0;
	if (!session_online(s->app->session))
		return -1;
	id = session_new_id(s->app->session);
	iq = xmpp_iq_new(session_ctx(s->app->session), "set", id);
	free(id);
	xmpp_stanza_set_to(iq, s->bs.peer);
	el = ibb_data_build(xmpp_stanza_get_context(iq), s->bs.sid, s->seq, buf, n, s->enc);
	xmpp_stanza_add_child_ex(iq, el, 0);
	ft_iq_send(s->app, iq, on_data_result, s->serial);
	s->seq++; /* uint16_t: 65535 wraps to 0 as XEP-0047 wants */
	s->inflight++;
	return (ssize_t)n;
}

static void ibb_finish(struct bytestream *bs)
{
	struct ibb_stream *s = (struct ibb_stream *)bs;

	if (s->phase != IBB_OPEN)
		return;
	s->finishing = true;
	if (s->inflight == 0)
		start_close(s);
}

/* Cancel or error: the peer is told with a close, nobody is called back. */
static void ibb_abort(struct bytestream *bs)
{
	struct ibb_stream *s = (struct ibb_stream *)bs;

	if (s->phase == IBB_OPEN || s->phase == IBB_OPENING)
		send_close(s, NULL);
	stream_free(s);
}

static const struct bytestream_ops ibb_ops = {"ibb", ibb_write, ibb_finish, ibb_abort, NULL};

/* ---- target ----------------------------------------------------------- */

static void handle_open(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *el, const char *from)
{
	const char *sid = xmpp_stanza_get_attribute(el, "sid");
	const char *bsz = xmpp_stanza_get_attribute(el, "block-size");
	const char *stanza = xmpp_stanza_get_attribute(el, "stanza");
	struct ibb_stream *s;
	char *end;
	long block = bsz != NULL ? strtol(bsz, &end, 10) : 0;

	if (sid == NULL || bsz == NULL || *end != '\0' || block <= 0) {
		ft_iq_error(app, iq, "modify", "bad-request");
		return;
	}
	if (stanza != NULL && strcmp(stanza, "iq") != 0) {
		ft_iq_error(app, iq, "cancel", "feature-not-implemented");
		return;
	}
	if (block > IBB_MAX_BLOCK) {
		ft_iq_error(app, iq, "modify", "resource-constraint");
		return;
	}
	if (find_sid(app, sid, from) != NULL) {
		ft_iq_error(app, iq, "cancel", "conflict");
		return;
	}
	s = stream_new(app, BS_TARGET, sid, from);
	if (!app->ft->ibb->attach(app->ft->ibb->attach_ud, NS_IBB, &s->bs)) {
		stream_free(s);
		ft_iq_error(app, iq, "cancel", "not-acceptable");
		return;
	}
	s->block = (size_t)block;
	s->dec = xmalloc(s->block);
	s->phase = IBB_OPEN;
	ft_iq_result(app, iq);
	s->bs.cb->open(s->bs.owner, &s->bs);
}

/* The owner learns why, the peer gets a close: the stream is over. */
static void target_fail(struct ibb_stream *s, xmpp_stanza_t *iq, const char *cond, const char *why)
{
	ft_iq_error(s->app, iq, "cancel", cond);
	send_close(s, NULL);
	stream_end(s, why);
}

static void handle_data(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *el, const char *from)
{
	const char *sid = xmpp_stanza_get_attribute(el, "sid");
	struct ibb_stream *s = sid != NULL ? find_sid(app, sid, from) : NULL;
	const char *cond;
	size_t n;

	if (s == NULL || s->bs.role != BS_TARGET) {
		/* Unknown sid, or one that belongs to somebody else. */
		ft_iq_error(app, iq, "cancel", "item-not-found");
		return;
	}
	cond = ibb_data_parse(el, s->seq, s->dec, s->block, &n);
	if (cond != NULL) {
		target_fail(s, iq, cond,
		            strcmp(cond, "unexpected-request") == 0
		                ? _("in-band data arrived out of sequence")
		                : _("in-band data that is not valid base64"));
		return;
	}
	s->seq++;
	if (n > 0 && !s->bs.cb->data(s->bs.owner, &s->bs, s->dec, n)) {
		target_fail(s, iq, "not-acceptable", _("the data was refused"));
		return;
	}
	ft_iq_result(app, iq);
}

static void handle_close(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *el, const char *from)
{
	const char *sid = xmpp_stanza_get_attribute(el, "sid");
	struct ibb_stream *s = sid != NULL ? find_sid(app, sid, from) : NULL;

	if (s == NULL) {
		ft_iq_error(app, iq, "cancel", "item-not-found");
		return;
	}
	ft_iq_result(app, iq);
	if (s->bs.role == BS_TARGET) {
		stream_end(s, NULL);
	} else {
		/* The receiver closed first: it cancelled or failed. */
		send_close(s, NULL);
		s->phase = IBB_DEAD;
		stream_end(s, s->finishing && s->inflight == 0
		                  ? NULL
		                  : _("the receiver closed the stream"));
	}
}

static bool on_ibb_iq(struct app *app, xmpp_stanza_t *iq, xmpp_stanza_t *payload, void *ud)
{
	xmpp_stanza_t *el = xmpp_stanza_get_child_by_ns(iq, NS_IBB);
	const char *from = xmpp_stanza_get_from(iq), *name;

	(void)payload;
	(void)ud;
	if (el == NULL || from == NULL)
		return 1;
	name = xmpp_stanza_get_name(el);
	if (strcmp(name, "open") == 0)
		handle_open(app, iq, el, from);
	else if (strcmp(name, "data") == 0)
		handle_data(app, iq, el, from);
	else if (strcmp(name, "close") == 0)
		handle_close(app, iq, el, from);
	else
		ft_iq_error(app, iq, "cancel", "feature-not-implemented");
	return 1;
}

static void ibb_register(struct app *app)
{
	iq_route(app, NS_IBB, "set", on_ibb_iq, NULL);
}

void ibb_init(struct app *app, bytestream_attach_fn attach, void *ud)
{
	struct ibb *m = xcalloc(1, sizeof(*m));

	m->app = app;
	m->attach = attach;
	m->attach_ud = ud;
	app->ft->ibb = m;
	ibb_register(app);
}

/* The session is gone: every stream with it. */
void ibb_offline(struct app *app)
{
	struct ibb *m = app->ft->ibb;

	while (m->streams != NULL)
		stream_end(m->streams, _("disconnected from the server"));
}

void ibb_fini(struct app *app)
{
	struct ibb *m = app->ft->ibb;

	if (m == NULL)
		return;
	app->ft->ibb = NULL;
	while (m->streams != NULL) {
		struct ibb_stream *s = m->streams;

		m->streams = s->next;
		if (s->timer != NULL)
			loop_timer_del(m->app->loop, s->timer);
		free(s->bs.sid);
		free(s->bs.peer);
		free(s->dec);
		free(s->enc);
		free(s);
	}
	free(m);
}
