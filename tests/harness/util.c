/* The harness's small helpers: allocation, time, temporary directories, a
 * free port, shell quoting, and the private environment every program the
 * tests start runs in. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness-int.h"

void *harness_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "harness: out of memory\n");
		abort();
	}
	return p;
}

void *harness_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL) {
		fprintf(stderr, "harness: out of memory\n");
		abort();
	}
	return p;
}

char *harness_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(harness_xmalloc(n), s, n);
}

char *harness_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		fprintf(stderr, "harness: out of memory\n");
		abort();
	}
	va_end(ap);
	return s;
}

long long harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void harness_nap_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int harness_remaining_ms(long long deadline)
{
	long long left = deadline - harness_now_ms();

	return left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int)left;
}

const char *harness_jabiru_bin(void)
{
	const char *bin = getenv("JABIRU_BIN");

	return bin != NULL && *bin != '\0' ? bin : "src/jabiru";
}

const char *harness_sibling(const char *name)
{
	static char path[HARNESS_PATH_MAX * 2];
	char self[HARNESS_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return name;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash != NULL)
		*slash = '\0';
	snprintf(path, sizeof(path), "%s/%s", self, name);
	return path;
}

const char *harness_srcdir(void)
{
	const char *dir = getenv("JABIRU_SRCDIR");

	return dir != NULL && *dir != '\0' ? dir : ".";
}

bool harness_mkdtemp(char *out, size_t size, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	/* tmux sockets need short paths (sun_path is 108 bytes). */
	if (tmp == NULL || *tmp == '\0' || strlen(tmp) > 60)
		tmp = "/tmp";
	n = snprintf(out, size, "%s/%s-XXXXXX", tmp, prefix);
	if (n < 0 || (size_t)n >= size)
		return false;
	if (mkdtemp(out) == NULL) {
		fprintf(stderr, "harness: mkdtemp %s: %s\n", out, strerror(errno));
		out[0] = '\0';
		return false;
	}
	return true;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void harness_rmtree(const char *dir)
{
	if (dir[0] != '\0')
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int harness_free_port(void)
{
	struct sockaddr_in sa = {0};
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int port = -1;

	if (fd < 0)
		return -1;
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

char *harness_shell_quote(const char *s)
{
	size_t n = 3;
	char *out, *p;

	for (const char *c = s; *c; c++)
		n += *c == '\'' ? 4 : 1;
	out = p = harness_xmalloc(n);
	*p++ = '\'';
	for (const char *c = s; *c; c++) {
		if (*c == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *c;
		}
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}

/* ---- string vectors and environments ---------------------------------- */

void harness_strv_add(struct harness_strv *s, char *owned)
{
	if (s->n + 2 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = harness_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = owned;
	s->v[s->n] = NULL;
}

void harness_strv_addv(struct harness_strv *s, const char *const *list)
{
	for (const char *const *p = list; p && *p; p++)
		harness_strv_add(s, harness_xstrdup(*p));
}

void harness_strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static bool env_name_is(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* Variables the private environment replaces. */
static bool env_dropped(const char *entry)
{
	static const char *const drop[] = {"HOME", "LANG",     "LANGUAGE", "JABIRU_PASSWORD",
	                                   "TMUX", "TMUX_PANE"};

	if (strncmp(entry, "XDG_", 4) == 0 || strncmp(entry, "LC_", 3) == 0)
		return true;
	for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
		if (env_name_is(entry, drop[i]))
			return true;
	return false;
}

static void env_set(struct harness_strv *s, const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t n = eq ? (size_t)(eq - entry) : strlen(entry);

	for (size_t i = 0; i < s->n; i++) {
		if (strncmp(s->v[i], entry, n) == 0 && s->v[i][n] == '=') {
			free(s->v[i]);
			s->v[i] = harness_xstrdup(entry);
			return;
		}
	}
	harness_strv_add(s, harness_xstrdup(entry));
}

char **harness_private_env(const char *dir, const char *const *extra)
{
	static const char *const sub[][2] = {
	    {"HOME", "home"},
	    {"XDG_CONFIG_HOME", "config"},
	    {"XDG_DATA_HOME", "data"},
	    {"XDG_CACHE_HOME", "cache"},
	    {"XDG_STATE_HOME", "state"},
	};
	struct harness_strv s = {0};

	for (char **e = environ; *e; e++)
		if (!env_dropped(*e))
			harness_strv_add(&s, harness_xstrdup(*e));
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		char *path = harness_xasprintf("%s/%s", dir, sub[i][1]);
		char *entry = harness_xasprintf("%s=%s", sub[i][0], path);

		mkdir(path, 0700);
		env_set(&s, entry);
		free(entry);
		free(path);
	}
	env_set(&s, "LANG=C.UTF-8");
	/* An event field its declaration (src/event.h) does not allow stops
	 * jabiru here, so the whole suite checks every emitter. */
	env_set(&s, "JABIRU_STRICT_EVENTS=1");
	for (const char *const *e = extra; e && *e; e++)
		env_set(&s, *e);
	if (s.v == NULL)
		harness_strv_add(&s, harness_xstrdup("PATH=/usr/bin:/bin"));
	return s.v;
}
