/* Helpers shared by the file-transfer end-to-end tests: two jabiru --batch
 * on a real Prosody, test files of any size made on the fly, sha256 of a
 * file, and checks of what a download directory holds. */
#ifndef JABIRU_TEST_FT_COMMON_H
#define JABIRU_TEST_FT_COMMON_H

#include <stdbool.h>

#include "../harness/harness.h"

struct ft_pair {
	struct prosody srv;
	struct jproc *alice, *bob;
	char *alice_jid, *bob_jid;
	char dir[HARNESS_PATH_MAX];  /* files to send */
	char down[HARNESS_PATH_MAX]; /* bob's download directory */
	/* The JID si-peer.py logs in as: carol@localhost (a contact of alice
	 * and bob) unless set; dave@localhost is nobody's contact. */
	const char *peer_jid;
	/* Extra arguments for alice (NULL-terminated; NULL: none), set before
	 * ft_pair_start. */
	const char *const *alice_args;
};

/* Prosody with alice and bob (friends); alice logs in, then bob with
 * bob_args (NULL-terminated, may be NULL). "%DOWN%" in an argument becomes
 * the download directory. */
void ft_pair_start(struct ft_pair *p, const char *const *bob_args);
void ft_pair_stop(struct ft_pair *p);
/* Makes dir/name of size bytes of pseudo-random data; returns the path
 * (static buffer). */
const char *ft_make_file(const struct ft_pair *p, const char *name, long long size);
/* Lower-case hex sha256 of a file (static buffer), or "" on error. */
const char *ft_sha256_file(const char *path);
/* Lower-case hex md5 of a file (static buffer), or "" on error: what
 * jabiru's file-done reports. */
const char *ft_md5_file(const char *path);
/* Number of entries in a directory (without . and ..). */
int ft_count_entries(const char *dir);
/* True when some entry in dir ends with suffix. */
bool ft_dir_has_suffix(const char *dir, const char *suffix);
/* Waits for an event with field id == id. */
const char *ft_expect_id(struct jproc *j, const char *event, const char *id, int timeout_ms);

/* tests/interop/si-peer.py running as carol@localhost (a contact of alice
 * and bob): args[0] is the mode, then its arguments (NULL-terminated). */
struct ft_peer {
	int pid;
	int fd;
	char *out; /* everything it printed so far */
	size_t len;
	bool eof;
};
struct ft_peer *ft_peer_start(const struct ft_pair *p, const char *const *args);
/* Reads its output until contains appears (NULL: until it exits) or the
 * deadline passes; true when found. */
bool ft_peer_read(struct ft_peer *peer, const char *contains, int timeout_ms);
/* Waits for it to exit (killed at the deadline); its wait status. */
int ft_peer_finish(struct ft_peer *peer, int timeout_ms);
void ft_peer_free(struct ft_peer *peer);

#endif
