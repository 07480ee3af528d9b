/* The md5 of a file to send, before its offer (XEP-0096 puts the hash in
 * the offer, so this pass cannot overlap the stream). It runs in slices
 * from the loop, in large sequential reads, and its result is remembered
 * for the session: sending the same unchanged file again (to another
 * contact, or after a refusal or a failure) costs no second pass. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "ft/ft-int.h"
#include "loop.h"
#include "util/str.h"

/* Reads of HASH_BUF (freed when the pass ends), HASH_SLICE per loop
 * iteration: a few ms of md5, so the terminal stays responsive. */
#define HASH_BUF   (256 * 1024)
#define HASH_SLICE (4 * 1024 * 1024)

void transfer_md5_hex(EVP_MD_CTX *md5, char out[2 * 16 + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	EVP_DigestFinal_ex(md5, md, &mdlen);
	for (unsigned i = 0; i < mdlen && i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	EVP_DigestInit_ex(md5, EVP_md5(), NULL);
}

/* ---- the memo ----------------------------------------------------------- */

/* A file is the same when device, inode, size, mtime and ctime are: any
 * write changes ctime, and no program can set ctime back. Should a stale
 * entry ever be used (a write within one timestamp tick), the receiver's
 * check fails visibly: the memo can cost a retry, never a damaged file
 * accepted. */
static bool same_file(const struct ft_md5_memo *m, const struct stat *st)
{
	return m->dev == st->st_dev && m->ino == st->st_ino && m->size == st->st_size &&
	       m->mtime.tv_sec == st->st_mtim.tv_sec && m->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       m->ctime.tv_sec == st->st_ctim.tv_sec && m->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

static const char *memo_find(struct ft *ft, const struct stat *st)
{
	for (size_t i = 0; i < FT_MD5_MEMO; i++)
		if (ft->memo[i].hex[0] != '\0' && same_file(&ft->memo[i], st))
			return ft->memo[i].hex;
	return NULL;
}

/* Remembers hex for the file as it was before the pass (start), if it is
 * still the same after it; the oldest entry makes room. */
static void memo_add(struct ft *ft, int fd, const struct stat *start, const char *hex)
{
	struct ft_md5_memo *m = &ft->memo[ft->memo_next];
	struct stat now;

	if (fstat(fd, &now) != 0 || now.st_mtim.tv_sec != start->st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != start->st_mtim.tv_nsec ||
	    now.st_ctim.tv_sec != start->st_ctim.tv_sec ||
	    now.st_ctim.tv_nsec != start->st_ctim.tv_nsec || now.st_size != start->st_size)
		return;
	m->dev = start->st_dev;
	m->ino = start->st_ino;
	m->size = start->st_size;
	m->mtime = start->st_mtim;
	m->ctime = start->st_ctim;
	snprintf(m->hex, sizeof(m->hex), "%s", hex);
	ft->memo_next = (ft->memo_next + 1) % FT_MD5_MEMO;
}

/* ---- the pass ----------------------------------------------------------- */

static void hash_done(struct transfer *t)
{
	char hex[2 * 16 + 1];

	free(t->buf);
	t->buf = NULL;
	transfer_md5_hex(t->md5, hex);
	if (t->hashed_bytes == t->total)
		memo_add(t->app->ft, t->fd, &t->src_st, hex);
	t->offer.hash = xstrdup(hex);
	transfer_hash_ready(t);
}

/* One slice of the pass: large sequential reads (the kernel is told so),
 * so that it costs little more than the md5 itself. */
static void hash_slice(void *ud)
{
	struct transfer *t = ud;
	size_t slice = 0;

	t->timer = NULL;
	while (slice < HASH_SLICE) {
		ssize_t n = pread(t->fd, t->buf, HASH_BUF, (off_t)t->hashed_bytes);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			transfer_fail(t, FT_FAILED, strerror(errno));
			return;
		}
		if (n == 0) {
			hash_done(t);
			return;
		}
		EVP_DigestUpdate(t->md5, t->buf, (size_t)n);
		t->hashed_bytes += n;
		slice += (size_t)n;
	}
	/* Let the loop breathe between slices of a large file. */
	t->timer = loop_timer_add(t->app->loop, 0, hash_slice, t);
}

/* The md5 was remembered: the offer follows from the loop, as it would
 * after a pass, not from inside the caller. */
static void hash_remembered(void *ud)
{
	struct transfer *t = ud;

	t->timer = NULL;
	t->hashed(t);
}

void transfer_start_hashing(struct transfer *t, void (*done)(struct transfer *t))
{
	const char *known = NULL;

	t->state = FT_HASHING;
	t->hashed = done;
	t->hashed_bytes = 0;
	if (fstat(t->fd, &t->src_st) == 0 && t->src_st.st_size == t->total)
		known = memo_find(t->app->ft, &t->src_st);
	if (known != NULL) {
		t->offer.hash = xstrdup(known);
		t->timer = loop_timer_add(t->app->loop, 0, hash_remembered, t);
		return;
	}
	t->buf = xmalloc(HASH_BUF);
	(void)posix_fadvise(t->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	t->timer = loop_timer_add(t->app->loop, 0, hash_slice, t);
}
