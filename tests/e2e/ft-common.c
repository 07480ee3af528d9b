#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ft-common.h"

static struct jproc *login(struct ft_pair *p, const char *user, const char *pw,
                           const char *const *args, char **jid)
{
	const char *expanded[16];
	size_t n = 0;
	struct jproc *j;
	const char *line;

	for (; args != NULL && args[n] != NULL && n < 15; n++) {
		const char *a = args[n];

		if (strcmp(a, "%DOWN%") == 0)
			a = p->down;
		expanded[n] = a;
	}
	expanded[n] = NULL;
	j = jproc_start(&p->srv, user, pw, expanded);
	cr_assert_not_null(j, "cannot start jabiru as %s", user);
	line = jproc_expect(j, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "%s did not connect", user);
	*jid = json_field(line, "jid");
	return j;
}

void ft_pair_start(struct ft_pair *p, const char *const *bob_args)
{
	const char *users[] = {"alice:wonderland", "bob:builder", "carol:peer-secret",
	                       "dave:peer-secret", NULL};

	cr_assert(harness_mkdtemp(p->dir, sizeof(p->dir), "ft-src"));
	cr_assert(harness_mkdtemp(p->down, sizeof(p->down), "ft-down"));
	cr_assert(prosody_befriend(&p->srv, "alice", "bob"));
	cr_assert(prosody_befriend(&p->srv, "carol", "bob"));
	cr_assert(prosody_befriend(&p->srv, "carol", "alice"));
	cr_assert(prosody_start(&p->srv, users), "Prosody did not start");
	p->alice = login(p, "alice", "wonderland", p->alice_args, &p->alice_jid);
	p->bob = login(p, "bob", "builder", bob_args, &p->bob_jid);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void ft_pair_stop(struct ft_pair *p)
{
	jproc_free(p->alice);
	jproc_free(p->bob);
	p->alice = p->bob = NULL;
	free(p->alice_jid);
	free(p->bob_jid);
	p->alice_jid = p->bob_jid = NULL;
	prosody_stop(&p->srv);
	if (p->dir[0] != '\0')
		nftw(p->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (p->down[0] != '\0')
		nftw(p->down, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	p->dir[0] = p->down[0] = '\0';
}

const char *ft_make_file(const struct ft_pair *p, const char *name, long long size)
{
	static char path[HARNESS_PATH_MAX * 2];
	static unsigned char block[1 << 16];
	unsigned long long x = 0x9e3779b97f4a7c15ULL ^ (unsigned long long)size;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", p->dir, name);
	f = fopen(path, "wb");
	cr_assert_not_null(f, "cannot create %s", path);
	while (size > 0) {
		size_t n = size < (long long)sizeof(block) ? (size_t)size : sizeof(block);

		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			block[i] = (unsigned char)x;
		}
		cr_assert_eq(fwrite(block, 1, n, f), n);
		size -= (long long)n;
	}
	cr_assert_eq(fclose(f), 0);
	return path;
}

/* Lower-case hex digest of a file into hex (2 * size + 1), "" on error. */
static const char *digest_file(const char *path, const EVP_MD *type, char *hex)
{
	unsigned char buf[1 << 16], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY);
	ssize_t n;

	hex[0] = '\0';
	if (fd < 0) {
		EVP_MD_CTX_free(c);
		return hex;
	}
	EVP_DigestInit_ex(c, type, NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(c, buf, (size_t)n);
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	close(fd);
	for (unsigned i = 0; i < mdlen; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	return hex;
}

const char *ft_sha256_file(const char *path)
{
	static char hex[65];

	return digest_file(path, EVP_sha256(), hex);
}

const char *ft_md5_file(const char *path)
{
	static char hex[33];

	return digest_file(path, EVP_md5(), hex);
}

int ft_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

bool ft_dir_has_suffix(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;
	size_t sl = strlen(suffix);

	if (d == NULL)
		return false;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		found |= l >= sl && strcmp(e->d_name + l - sl, suffix) == 0;
	}
	closedir(d);
	return found;
}

const char *ft_expect_id(struct jproc *j, const char *event, const char *id, int timeout_ms)
{
	return jproc_expect_field(j, event, "id", id, timeout_ms);
}

struct ft_peer *ft_peer_start(const struct ft_pair *p, const char *const *args)
{
	char port[16], script[HARNESS_PATH_MAX * 2];
	const char *argv[24];
	const char *src = getenv("JABIRU_SRCDIR");
	struct ft_peer *peer = calloc(1, sizeof(*peer));
	size_t n = 0;
	int fds[2];

	snprintf(port, sizeof(port), "%d", p->srv.c2s_port);
	snprintf(script, sizeof(script), "%s/tests/interop/si-peer.py", src ? src : ".");
	argv[n++] = "/usr/bin/python3";
	argv[n++] = script;
	argv[n++] = args[0];
	argv[n++] = p->peer_jid != NULL ? p->peer_jid : "carol@localhost";
	argv[n++] = "127.0.0.1";
	argv[n++] = port;
	argv[n++] = p->srv.ca_file;
	for (size_t i = 1; args[i] != NULL && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	cr_assert_eq(pipe(fds), 0);
	peer->pid = fork();
	cr_assert_neq(peer->pid, -1);
	if (peer->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		setenv("SI_PEER_PASSWORD", "peer-secret", 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	peer->fd = fds[0];
	return peer;
}

/* Reads what the peer printed until contains appears (NULL: until it
 * exits) or the deadline passes. True when found (or exited). */
bool ft_peer_read(struct ft_peer *peer, const char *contains, int timeout_ms)
{
	long long deadline = harness_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd pfd = {peer->fd, POLLIN, 0};
		long long left = deadline - harness_now_ms();
		char chunk[4096];
		ssize_t r;

		if (contains != NULL && peer->out != NULL && strstr(peer->out, contains) != NULL)
			return true;
		if (peer->eof)
			return contains == NULL;
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return false;
		r = read(peer->fd, chunk, sizeof(chunk));
		if (r <= 0) {
			peer->eof = true;
			continue;
		}
		peer->out = realloc(peer->out, peer->len + (size_t)r + 1);
		memcpy(peer->out + peer->len, chunk, (size_t)r);
		peer->len += (size_t)r;
		peer->out[peer->len] = '\0';
	}
}

int ft_peer_finish(struct ft_peer *peer, int timeout_ms)
{
	int status = -1;

	ft_peer_read(peer, NULL, timeout_ms);
	close(peer->fd);
	kill(peer->pid, SIGKILL); /* a no-op when it has exited */
	waitpid(peer->pid, &status, 0);
	if (peer->out == NULL)
		peer->out = calloc(1, 1);
	return status;
}

void ft_peer_free(struct ft_peer *peer)
{
	if (peer == NULL)
		return;
	free(peer->out);
	free(peer);
}
