#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ft-common.h"

static struct jproc *login(struct ft_pair *p, const char *user, const char *pw,
			   const char *const *args, char **jid)
{
	const char *expanded[16];
	char *owned[16];
	size_t n = 0;
	struct jproc *j;
	const char *line;

	for (; args != NULL && args[n] != NULL && n < 15; n++) {
		const char *a = args[n];

		owned[n] = NULL;
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
	(void)owned;
	return j;
}

void ft_pair_start(struct ft_pair *p, const char *const *bob_args)
{
	const char *users[] = {"alice:wonderland", "bob:builder", NULL};

	cr_assert(harness_mkdtemp(p->dir, sizeof(p->dir), "ft-src"));
	cr_assert(harness_mkdtemp(p->down, sizeof(p->down), "ft-down"));
	cr_assert(prosody_befriend(&p->srv, "alice", "bob"));
	cr_assert(prosody_start(&p->srv, users), "Prosody did not start");
	p->alice = login(p, "alice", "wonderland", NULL, &p->alice_jid);
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

const char *ft_sha256_file(const char *path)
{
	static char hex[65];
	unsigned char buf[1 << 16], md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY);
	ssize_t n;

	hex[0] = '\0';
	if (fd < 0) {
		EVP_MD_CTX_free(c);
		return hex;
	}
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(c, buf, (size_t)n);
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	close(fd);
	for (unsigned i = 0; i < mdlen; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	return hex;
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
