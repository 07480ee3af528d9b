/* jabiru in batch mode: spawned on pipes in a private environment, its
 * JSON lines read into a history that jproc_expect searches. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness-int.h"

struct jproc {
	char *name;
	char dir[HARNESS_PATH_MAX];
	struct harness_child child;
	int in_fd;  /* our end of its stdin, -1 when closed */
	int out_fd; /* our end of its stdout, -1 at end of file */
	char *partial;
	size_t plen, pcap;
	char **lines;
	bool *used;
	size_t nlines, capl;
	int reaper_fd;
	pid_t reaper_pid;
};

static void jproc_add_line(struct jproc *j, const char *s, size_t n)
{
	char *line;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (j->nlines == j->capl) {
		j->capl = j->capl ? j->capl * 2 : 64;
		j->lines = harness_xrealloc(j->lines, j->capl * sizeof *j->lines);
		j->used = harness_xrealloc(j->used, j->capl * sizeof *j->used);
	}
	line = harness_xmalloc(n + 1);
	memcpy(line, s, n);
	line[n] = '\0';
	j->lines[j->nlines] = line;
	j->used[j->nlines] = false;
	j->nlines++;
}

/* Reads what is there; false at end of file. */
static bool jproc_read(struct jproc *j)
{
	for (;;) {
		ssize_t r;
		size_t start = 0;

		if (j->out_fd < 0)
			return false;
		if (j->pcap - j->plen < 4096) {
			j->pcap = j->pcap ? j->pcap * 2 : 16384;
			j->partial = harness_xrealloc(j->partial, j->pcap);
		}
		r = read(j->out_fd, j->partial + j->plen, j->pcap - j->plen);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
		}
		if (r <= 0) {
			if (j->plen > 0) /* a last line without newline */
				jproc_add_line(j, j->partial, j->plen);
			j->plen = 0;
			close(j->out_fd);
			j->out_fd = -1;
			return false;
		}
		j->plen += (size_t)r;
		for (size_t i = 0; i < j->plen; i++) {
			if (j->partial[i] == '\n') {
				jproc_add_line(j, j->partial + start, i - start);
				start = i + 1;
			}
		}
		memmove(j->partial, j->partial + start, j->plen - start);
		j->plen -= start;
	}
}

/* One wait of at most timeout_ms for output or the exit, also writing
 * *wbuf to stdin when given. False when nothing more can happen. */
static bool jproc_pump(struct jproc *j, int timeout_ms, const char **wbuf, size_t *wlen)
{
	struct pollfd pfd[3];
	int n = 0, iw = -1, io = -1;

	if (j->out_fd < 0 && j->child.exited)
		return false;
	if (wbuf != NULL && *wlen > 0 && j->in_fd >= 0) {
		iw = n;
		pfd[n++] = (struct pollfd){.fd = j->in_fd, .events = POLLOUT};
	}
	if (j->out_fd >= 0) {
		io = n;
		pfd[n++] = (struct pollfd){.fd = j->out_fd, .events = POLLIN};
	}
	if (!j->child.exited && j->child.pidfd >= 0)
		pfd[n++] = (struct pollfd){.fd = j->child.pidfd, .events = POLLIN};
	if (!j->child.exited && j->child.pidfd < 0 && timeout_ms > 20)
		timeout_ms = 20;
	if (poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return false;
	if (iw >= 0 && pfd[iw].revents) {
		ssize_t r = write(j->in_fd, *wbuf, *wlen);

		if (r > 0) {
			*wbuf += r;
			*wlen -= (size_t)r;
		} else if (r < 0 && errno != EAGAIN && errno != EINTR) {
			return false; /* EPIPE: it closed its stdin or died */
		}
	}
	if (io >= 0 && pfd[io].revents)
		jproc_read(j);
	harness_child_reap(&j->child);
	return true;
}

struct jproc *jproc_spawn(const char *name, const char *const *args, const char *const *env)
{
	const char *bin = harness_jabiru_bin();
	struct jproc *j = calloc(1, sizeof *j);
	struct harness_strv argv = {0};
	char **envp;
	char *errpath, *cmd, *qdir;
	int in[2], out[2], err;
	pid_t pid;

	if (j == NULL)
		return NULL;
	j->name = harness_xstrdup(name ? name : "jabiru");
	j->in_fd = j->out_fd = -1;
	if (!harness_mkdtemp(j->dir, sizeof j->dir, "jabiru-test")) {
		free(j->name);
		free(j);
		return NULL;
	}
	qdir = harness_shell_quote(j->dir);
	cmd = harness_xasprintf("rm -rf %s", qdir);
	harness_reaper_start(cmd, &j->reaper_fd, &j->reaper_pid);
	free(cmd);
	free(qdir);

	/* A jabiru that died must not kill the test with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	envp = harness_private_env(j->dir, env);
	harness_strv_add(&argv, harness_xstrdup(bin));
	harness_strv_addv(&argv, args);
	errpath = harness_xasprintf("%s/stderr", j->dir);
	err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	free(errpath);
	if (err < 0 || pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		fprintf(stderr, "harness: %s: cannot set up pipes: %s\n", j->name, strerror(errno));
		abort();
	}
	pid = harness_spawn(bin, argv.v, envp, in[0], out[1], err, true);
	close(in[0]);
	close(out[1]);
	close(err);
	harness_strv_free(argv.v);
	harness_strv_free(envp);
	j->in_fd = in[1];
	j->out_fd = out[0];
	fcntl(j->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(j->out_fd, F_SETFL, O_NONBLOCK);
	if (pid < 0) {
		jproc_free(j);
		return NULL;
	}
	harness_child_watch(&j->child, pid);
	return j;
}

struct jproc *jproc_start_env(const struct prosody *p, const char *user, const char *password,
                              const char *const *extra_args, const char *const *env)
{
	struct harness_strv args = {0}, envv = {0};
	struct jproc *j;

	harness_strv_add(&args, harness_xstrdup("--batch"));
	harness_login_args(&args, p, user);
	harness_strv_addv(&args, extra_args);
	harness_strv_add(&envv, harness_xasprintf("JABIRU_PASSWORD=%s", password));
	harness_strv_addv(&envv, env);
	j = jproc_spawn(user, (const char *const *)args.v, (const char *const *)envv.v);
	harness_strv_free(args.v);
	harness_strv_free(envv.v);
	return j;
}

struct jproc *jproc_start(const struct prosody *p, const char *user, const char *password,
                          const char *const *extra_args)
{
	return jproc_start_env(p, user, password, extra_args, NULL);
}

struct jproc *jproc_login(const struct prosody *p, const char *user, const char *password,
                          const char *const *extra_args)
{
	struct jproc *j = jproc_start(p, user, password, extra_args);

	if (j != NULL && jproc_expect(j, "connected", NULL, HARNESS_TIMEOUT_MS) == NULL) {
		jproc_free(j);
		return NULL;
	}
	return j;
}

const char *jproc_dir(const struct jproc *j)
{
	return j->dir;
}

pid_t jproc_pid(const struct jproc *j)
{
	return j->child.pid;
}

bool jproc_send(struct jproc *j, const char *line)
{
	long long deadline = harness_now_ms() + HARNESS_TIMEOUT_MS;
	size_t n = strlen(line);
	char *buf = harness_xmalloc(n + 2);
	const char *w = buf;
	size_t left = n + 1;

	memcpy(buf, line, n);
	buf[n] = '\n';
	buf[n + 1] = '\0';
	while (left > 0 && j->in_fd >= 0 && harness_remaining_ms(deadline) > 0) {
		if (j->child.exited || !jproc_pump(j, harness_remaining_ms(deadline), &w, &left))
			break;
	}
	free(buf);
	if (left > 0) {
		fprintf(stderr, "harness: %s: could not send \"%.60s\" (%s)\n", j->name, line,
		        j->in_fd < 0      ? "stdin closed"
		        : j->child.exited ? "jabiru exited"
		                          : "timeout");
		return false;
	}
	return true;
}

bool jproc_sendf(struct jproc *j, const char *fmt, ...)
{
	va_list ap;
	char *s;
	bool ok;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	ok = jproc_send(j, s);
	free(s);
	return ok;
}

void jproc_close_stdin(struct jproc *j)
{
	if (j->in_fd >= 0) {
		close(j->in_fd);
		j->in_fd = -1;
	}
}

static bool event_is(const char *line, const char *event)
{
	return event == NULL || json_field_is(line, "event", event);
}

static bool line_matches(const char *line, const char *event, const char *contains, const char *key,
                         const char *value)
{
	if (!event_is(line, event))
		return false;
	if (contains != NULL && strstr(line, contains) == NULL)
		return false;
	if (key != NULL && !json_field_is(line, key, value))
		return false;
	return true;
}

static const char *expect(struct jproc *j, const char *event, const char *contains, const char *key,
                          const char *value, int timeout_ms)
{
	long long deadline = harness_now_ms() + timeout_ms;
	size_t checked = 0;

	for (;;) {
		for (size_t i = 0; i < j->nlines; i++) {
			if (!j->used[i] && line_matches(j->lines[i], event, contains, key, value)) {
				j->used[i] = true;
				return j->lines[i];
			}
		}
		checked = j->nlines;
		if (harness_remaining_ms(deadline) == 0)
			break;
		/* Wait until a new line arrives (or the end). */
		while (j->nlines == checked && harness_remaining_ms(deadline) > 0)
			if (!jproc_pump(j, harness_remaining_ms(deadline), NULL, NULL))
				break;
		if (j->nlines == checked)
			break;
	}
	fprintf(stderr, "harness: %s: no \"%s\" event", j->name, event ? event : "(any)");
	if (contains != NULL)
		fprintf(stderr, " containing '%s'", contains);
	if (key != NULL)
		fprintf(stderr, " with %s = '%.80s'", key, value ? value : "(null)");
	fprintf(stderr, " %s\n",
	        j->out_fd < 0 ? "before the end of its output" : "within the time limit");
	jproc_dump(j);
	return NULL;
}

const char *jproc_expect(struct jproc *j, const char *event, const char *contains, int timeout_ms)
{
	return expect(j, event, contains, NULL, NULL, timeout_ms);
}

const char *jproc_expect_field(struct jproc *j, const char *event, const char *key,
                               const char *value, int timeout_ms)
{
	return expect(j, event, NULL, key, value, timeout_ms);
}

const char *jproc_seen(struct jproc *j, const char *event, const char *contains)
{
	jproc_drain(j);
	for (size_t i = 0; i < j->nlines; i++)
		if (line_matches(j->lines[i], event, contains, NULL, NULL))
			return j->lines[i];
	return NULL;
}

void jproc_drain(struct jproc *j)
{
	if (j->out_fd >= 0)
		jproc_read(j);
	harness_child_reap(&j->child);
}

size_t jproc_nlines(const struct jproc *j)
{
	return j->nlines;
}

const char *jproc_line(const struct jproc *j, size_t i)
{
	return i < j->nlines ? j->lines[i] : NULL;
}

int jproc_wait_exit(struct jproc *j, int timeout_ms)
{
	long long deadline = harness_now_ms() + timeout_ms;

	while (!j->child.exited && harness_remaining_ms(deadline) > 0)
		if (!jproc_pump(j, harness_remaining_ms(deadline), NULL, NULL))
			break;
	if (!harness_child_reap(&j->child)) {
		fprintf(stderr, "harness: %s did not exit within %d ms; killing it\n", j->name,
		        timeout_ms);
		jproc_dump(j);
		harness_child_kill(&j->child);
		return -1;
	}
	/* Collect the rest of its output (the pipe ends with the process,
	 * unless something it started still holds it). */
	deadline = harness_now_ms() + 2000;
	while (j->out_fd >= 0 && harness_remaining_ms(deadline) > 0)
		if (!jproc_pump(j, harness_remaining_ms(deadline), NULL, NULL))
			break;
	return j->child.status;
}

void jproc_kill(struct jproc *j)
{
	harness_child_kill(&j->child);
	jproc_drain(j);
}

char *jproc_stderr(const struct jproc *j)
{
	char *path = harness_xasprintf("%s/stderr", j->dir);
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, r;

	free(path);
	if (f == NULL)
		return harness_xstrdup("");
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = harness_xrealloc(buf, cap);
		}
		r = fread(buf + len, 1, cap - len - 1, f);
		len += r;
	} while (r > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

bool jproc_leaks(const struct jproc *j, const char *secret)
{
	char *err = jproc_stderr(j);
	bool leaked = false;

	for (size_t i = 0; i < j->nlines; i++) {
		if (strstr(j->lines[i], secret) != NULL) {
			fprintf(stderr, "harness: %s: secret in output: %s\n", j->name,
			        j->lines[i]);
			leaked = true;
		}
	}
	if (strstr(err, secret) != NULL) {
		fprintf(stderr, "harness: %s: secret on stderr: %s\n", j->name, err);
		leaked = true;
	}
	free(err);
	return leaked;
}

void jproc_dump(const struct jproc *j)
{
	char *err = jproc_stderr(j);

	fprintf(stderr, "---- %s (pid %d): %zu lines of output%s ----\n", j->name,
	        (int)j->child.pid, j->nlines, j->child.exited ? "" : ", still running");
	for (size_t i = 0; i < j->nlines; i++)
		fprintf(stderr, "%s %.2000s\n", j->used[i] ? "*" : " ", j->lines[i]);
	if (j->child.exited)
		fprintf(stderr, "---- %s exited with status %d ----\n", j->name, j->child.status);
	fprintf(stderr, "---- %s stderr ----\n%s", j->name, err);
	if (*err != '\0' && err[strlen(err) - 1] != '\n')
		fputc('\n', stderr);
	fprintf(stderr, "---- end of %s ----\n", j->name);
	free(err);
}

void jproc_free(struct jproc *j)
{
	if (j == NULL)
		return;
	if (j->child.pid > 0 && !harness_child_reap(&j->child))
		harness_child_kill(&j->child);
	if (j->child.pidfd >= 0)
		close(j->child.pidfd);
	if (j->in_fd >= 0)
		close(j->in_fd);
	if (j->out_fd >= 0)
		close(j->out_fd);
	harness_rmtree(j->dir);
	harness_reaper_disarm(&j->reaper_fd, &j->reaper_pid);
	for (size_t i = 0; i < j->nlines; i++)
		free(j->lines[i]);
	free(j->lines);
	free(j->used);
	free(j->partial);
	free(j->name);
	free(j);
}
