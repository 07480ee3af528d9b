/* Internals shared by the file-transfer files: ft.c (the SI offer and its
 * answer, the commands, the module), peers.c (presence, disco#info, iq
 * plumbing), transfer.c (transfers, their files, the stream callbacks),
 * hash.c (the md5 pass), progress.c, method.c (the table of transfer
 * methods, ft/method.h) and ibb.c, one of those methods. Other modules use
 * ft/ft.h. */
#ifndef JABIRU_FT_INT_H
#define JABIRU_FT_INT_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <strophe.h>
#include <sys/stat.h>

#include "ft/bytestream.h"
#include "ft/ft.h"
#include "ft/si.h"
#include "util/lru.h"
#include "util/map.h"

struct app;
struct loop_timer;

enum ft_dir { FT_SEND, FT_RECV };

enum ft_state {
	FT_RESOLVING,  /* send: asking the contact's resources what they support */
	FT_HASHING,    /* send: md5 of the file for the offer */
	FT_OFFERED,    /* send: waiting for the answer; recv: waiting for the user */
	FT_CONNECTING, /* the stream is being set up */
	FT_ACTIVE,
	FT_FINISHING, /* send: everything written, waiting for the close */
	FT_DONE,
	FT_FAILED,
	FT_CANCELLED,
	FT_REJECTED,
};

struct transfer {
	struct app *app;
	unsigned id;
	char idstr[16];
	enum ft_dir dir;
	enum ft_state state;
	char *peer;      /* full JID (send: once resolved) */
	char *path;      /* send: the source; recv: the final name */
	char *part;      /* recv: the .part file while receiving */
	char *iq_id;     /* the offer's iq id */
	char *safe_name; /* sanitised, for display */
	struct si_offer offer;
	enum si_method method;
	const char *method_name; /* from the stream, "" before */
	/* The one stream of this transfer, from the moment it was started
	 * (send) or attached (receive) until it closes: aborted with the
	 * transfer, never shared. */
	struct bytestream *bs;
	bool fell_back;
	int fd;
	long long bytes, total;
	long long hashed_bytes; /* send: how far the md5 pass has read */
	struct stat src_st;     /* send: the file when its md5 pass began */
	/* The md5 (XEP-0096's hash): send, the offer's pass over the file;
	 * receive, every byte as it arrives. Each byte is hashed once. */
	EVP_MD_CTX *md5;
	char md5_hex[2 * 16 + 1]; /* receive: what arrived, once complete */
	uint64_t t_start;
	uint64_t moved_ms;  /* when a byte last moved (the idle timeout) */
	long long reported; /* bytes in the last file-progress */
	long long rate_bytes;
	uint64_t rate_t;
	long long rate;
	/* send: the md5 pass's buffer, then bytes read but not yet taken by
	 * a stream that cannot sendfile (bounded) */
	unsigned char *buf;
	size_t buf_len, buf_off;
	bool use_sendfile;                  /* send: the stream takes the file by sendfile */
	struct loop_timer *timer;           /* hashing slices, pump continuation, idle */
	void (*hashed)(struct transfer *t); /* what follows the md5 */
	/* resolving: resources still to ask */
	char **cands;
	size_t ncands, cand;
	struct transfer *next;
};

struct ibb;

/* The md5 of a file sent in this session (hash.c). */
struct ft_md5_memo {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	char hex[2 * 16 + 1]; /* "" while unused */
};
#define FT_MD5_MEMO 8
/* Senders of presence whose resources are remembered (struct ft). */
#define FT_MAX_PEERS 4096

struct ft {
	struct app *app;
	struct ft_settings set;
	struct transfer *list;
	unsigned next_serial;
	struct loop_timer *progress_timer;
	struct ibb *ibb;
	/* bare JID -> "res\nres\n" of available presence; bounded, since
	 * anyone may send us presence: the oldest sender is forgotten. */
	struct lru resources;
	ft_contact_fn contact_fn;
	void *contact_ud;
	bool hold;
	struct ft_md5_memo memo[FT_MD5_MEMO];
	size_t memo_next;
};

unsigned ft_serial(struct ft *ft);

/* Sends iq (with a fresh id; released) through the iq module; when its
 * answer arrives cb gets it with serial (look the owner up by it: the owner
 * may be gone). Nothing is called when the session ends first. */
typedef void (*ft_iq_cb)(struct app *app, unsigned serial, xmpp_stanza_t *reply);
void ft_iq_send(struct app *app, xmpp_stanza_t *iq, ft_iq_cb cb, unsigned serial);
/* Sends an error answer to an incoming iq. */
void ft_iq_error(struct app *app, xmpp_stanza_t *iq, const char *type, const char *cond);
void ft_iq_result(struct app *app, xmpp_stanza_t *iq);

extern const struct bytestream_cb transfer_bs_cb;

/* peers.c: the presence handler; candidates are the given full JID or
 * every available resource; resolving asks them in turn (disco#info) and
 * goes on with the md5 and the offer (ft_send_offer) at the first that
 * takes files, or fails the transfer. */
void ft_peers_online(struct app *app, xmpp_conn_t *conn);
struct jid;
void ft_peers_candidates(struct transfer *t, const struct jid *j);
void ft_peers_resolve(struct transfer *t);
/* ft.c */
void ft_send_offer(struct transfer *t);

/* transfer.c */
struct transfer *transfer_new(struct ft *ft, enum ft_dir dir);
struct transfer *transfer_find(struct ft *ft, unsigned id);
struct transfer *transfer_find_str(struct ft *ft, const char *id);
struct transfer *transfer_find_sid(struct ft *ft, enum ft_dir dir, const char *sid,
                                   const char *peer);
bool transfer_final(const struct transfer *t);
bool transfer_busy(const struct transfer *t);
/* Ends a transfer: state FT_FAILED/CANCELLED/REJECTED with reason (emits
 * file-failed), stream aborted, .part removed. */
void transfer_fail(struct transfer *t, enum ft_state state, const char *reason);
/* hash.c: the md5 pass before the offer (or its remembered result), then
 * done(t) from the loop with t->offer.hash set. */
void transfer_start_hashing(struct transfer *t, void (*done)(struct transfer *t));
/* The md5 pass ended with t->offer.hash set: the offer follows, unless
 * the file changed size meanwhile (then the transfer fails). */
void transfer_hash_ready(struct transfer *t);
/* Lower-case hex of the md5 so far; the context starts over. */
void transfer_md5_hex(EVP_MD_CTX *md5, char out[2 * 16 + 1]);
void transfer_stream(struct transfer *t, struct bytestream *bs);
int transfer_open_part(struct transfer *t, const char *path, char **err);
void transfer_free_all(struct ft *ft);
const char *transfer_state_name(enum ft_state s);
void transfer_gc(struct ft *ft);
/* progress.c: starts the progress timer if a transfer is moving. */
void transfer_progress_arm(struct ft *ft);
void transfer_peer_gone(struct ft *ft, const char *full_jid);
/* method.c: the chosen stream failed before it opened; try the fallback
 * method if it was offered (ft/method.h). */
void transfer_fallback(struct transfer *t, const char *why);

/* ibb.c */
/* The engine of the "ibb" method (ft/method.h): ft->ibb, with the iq
 * module routing incoming IBB iqs to it; the session's end ends every
 * stream. */
void ibb_init(struct app *app, bytestream_attach_fn attach, void *ud);
void ibb_fini(struct app *app);
void ibb_offline(struct app *app);
struct bytestream *ibb_initiate(struct app *app, const char *sid, const char *peer,
                                const struct bytestream_cb *cb, void *owner);
/* Base64 (OpenSSL's) of one block: skips whitespace; returns the decoded
 * length (at most max) or -1 on bad input or more than max bytes. */
long ibb_b64_decode(const char *in, size_t len, unsigned char *out, size_t max);
/* <data sid seq>base64</data> for len bytes of buf (one block, < 64 KiB);
 * enc is scratch space of 4 * ((len + 2) / 3) + 1 bytes. */
xmpp_stanza_t *ibb_data_build(xmpp_ctx_t *ctx, const char *sid, uint16_t seq, const void *buf,
                              size_t len, char *enc);
/* Checks a <data/> against the expected seq and decodes it into out (at
 * most max bytes, the block size). NULL, or the stanza error condition. */
const char *ibb_data_parse(xmpp_stanza_t *el, uint16_t expect, unsigned char *out, size_t max,
                           size_t *len);

#endif
