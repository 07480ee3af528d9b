/* One small interface over the ways file bytes travel between two clients:
 * SOCKS5 Bytestreams straight between them or through a proxy (XEP-0065) and
 * In-Band Bytestreams (XEP-0047). SI file transfer (XEP-0096) uses it today;
 * Jingle file transfer (XEP-0234 over XEP-0260/0261) can reuse it unchanged,
 * since nothing here knows about SI.
 *
 * A bytestream is opened by a negotiation specific to its method (a
 * streamhost list, an IBB open), then carries bytes in one direction: the
 * initiator (sender) writes, the target (receiver) reads. Everything is
 * non-blocking and driven by jabiru's poll loop. */
#ifndef JABIRU_BYTESTREAM_H
#define JABIRU_BYTESTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct app;
struct bytestream;

enum bs_role { BS_INITIATOR, BS_TARGET };

/* What the owner of a stream (a transfer) is told. */
struct bytestream_cb {
	/* The stream is ready: the initiator may write, the target will get data. */
	void (*open)(void *owner, struct bytestream *bs);
	/* Bytes arrived (target side). Returning false makes the stream fail
	 * (e.g. more bytes than announced). */
	bool (*data)(void *owner, struct bytestream *bs, const void *buf, size_t len);
	/* The initiator may write again after a short write. */
	void (*writable)(void *owner, struct bytestream *bs);
	/* The stream ended: error NULL for a proper close by the peer, else a
	 * short translated reason. The stream is freed after this returns. */
	void (*closed)(void *owner, struct bytestream *bs, const char *error);
};

struct bytestream_ops {
	const char *method; /* "socks5-direct", "socks5-proxy", "ibb" */
	/* Writes up to len bytes; returns how many were taken (0 when the
	 * stream is full: wait for writable), or -1 on failure. */
	ssize_t (*write)(struct bytestream *bs, const void *buf, size_t len);
	/* Flushes what is buffered, then closes properly (IBB close, TCP FIN). */
	void (*finish)(struct bytestream *bs);
	/* Closes at once (cancel, error); no callback follows. */
	void (*abort)(struct bytestream *bs);
	/* Optional; NULL where the bytes must pass through user space (a
	 * stream that encodes or encrypts them, such as IBB). Sends up to len
	 * bytes of the regular file fd from *off, kernel to kernel, and
	 * advances *off. Returns what write returns; -1 with errno ENODATA
	 * when the file ends before len bytes, EINVAL or ENOSYS when this file
	 * cannot be sent this way (use write instead). */
	ssize_t (*sendfile)(struct bytestream *bs, int fd, off_t *off, size_t len);
};

/* Every implementation embeds this first. */
struct bytestream {
	const struct bytestream_ops *ops;
	const struct bytestream_cb *cb;
	void *owner;
	enum bs_role role;
	char *sid;
	char *peer; /* the other side's full JID */
};

/* The target side's question to the owners of streams: is bs (its sid, and
 * its peer: the initiator's full JID as the server stamped it), negotiated
 * by the protocol of namespace ns, a stream we expect? If so set bs->cb
 * and bs->owner and return true: the owner holds the stream from then on
 * (it may abort it before it opens) and hears of it through cb. Else the
 * engine refuses it. */
typedef bool (*bytestream_attach_fn)(void *ud, const char *ns, struct bytestream *bs);

static inline ssize_t bytestream_write(struct bytestream *bs, const void *buf, size_t len)
{
	return bs->ops->write(bs, buf, len);
}

static inline bool bytestream_can_sendfile(const struct bytestream *bs)
{
	return bs->ops->sendfile != NULL;
}

static inline ssize_t bytestream_sendfile(struct bytestream *bs, int fd, off_t *off, size_t len)
{
	return bs->ops->sendfile(bs, fd, off, len);
}

static inline void bytestream_finish(struct bytestream *bs)
{
	bs->ops->finish(bs);
}

static inline void bytestream_abort(struct bytestream *bs)
{
	bs->ops->abort(bs);
}

#endif
