/* Test harness: see harness.h. Linux only (pidfd, PR_SET_PDEATHSIG), as the
 * tests need Debian's Prosody anyway. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

extern char **environ;

/* ---- small things ----------------------------------------------------- */

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "harness: out of memory\n");
		abort();
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL) {
		fprintf(stderr, "harness: out of memory\n");
		abort();
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
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

/* Only for re-checking a condition against a deadline. */
static void nap_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int remaining_ms(long long deadline)
{
	long long left = deadline - harness_now_ms();

	return left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int)left;
}

const char *harness_jabiru_bin(void)
{
	const char *bin = getenv("JABIRU_BIN");

	return bin != NULL && *bin != '\0' ? bin : "src/jabiru";
}

static const char *srcdir(void)
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

/* "it's" -> 'it'\''s' for sh -c */
static char *shell_quote(const char *s)
{
	size_t n = 3;
	char *out, *p;

	for (const char *c = s; *c; c++)
		n += *c == '\'' ? 4 : 1;
	out = p = xmalloc(n);
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

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_add(struct strv *s, char *owned)
{
	if (s->n + 2 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = owned;
	s->v[s->n] = NULL;
}

static void strv_free(char **v)
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

static void env_set(struct strv *s, const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t n = eq ? (size_t)(eq - entry) : strlen(entry);

	for (size_t i = 0; i < s->n; i++) {
		if (strncmp(s->v[i], entry, n) == 0 && s->v[i][n] == '=') {
			free(s->v[i]);
			s->v[i] = xstrdup(entry);
			return;
		}
	}
	strv_add(s, xstrdup(entry));
}

/* The inherited environment minus HOME/XDG/locale/password, plus a private
 * HOME and XDG dirs under dir, LANG=C.UTF-8, plus extra. */
static char **private_env(const char *dir, const char *const *extra)
{
	static const char *const sub[][2] = {
	    {"HOME", "home"},
	    {"XDG_CONFIG_HOME", "config"},
	    {"XDG_DATA_HOME", "data"},
	    {"XDG_CACHE_HOME", "cache"},
	    {"XDG_STATE_HOME", "state"},
	};
	struct strv s = {0};

	for (char **e = environ; *e; e++)
		if (!env_dropped(*e))
			strv_add(&s, xstrdup(*e));
	for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		char *path = xasprintf("%s/%s", dir, sub[i][1]);
		char *entry = xasprintf("%s=%s", sub[i][0], path);

		mkdir(path, 0700);
		env_set(&s, entry);
		free(entry);
		free(path);
	}
	env_set(&s, "LANG=C.UTF-8");
	for (const char *const *e = extra; e && *e; e++)
		env_set(&s, *e);
	if (s.v == NULL)
		strv_add(&s, xstrdup("PATH=/usr/bin:/bin"));
	return s.v;
}

/* ---- children --------------------------------------------------------- */

struct child {
	pid_t pid;
	int pidfd; /* -1: not supported, poll waitpid instead */
	bool exited;
	int status; /* exit status, or 128 + signal */
};

static void child_watch(struct child *c, pid_t pid)
{
	c->pid = pid;
	c->exited = false;
	c->status = -1;
#ifdef SYS_pidfd_open
	c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (c->pidfd >= 0)
		fcntl(c->pidfd, F_SETFD, FD_CLOEXEC);
#else
	c->pidfd = -1;
#endif
}

static bool child_reap(struct child *c)
{
	int st;
	pid_t r;

	if (c->exited)
		return true;
	do
		r = waitpid(c->pid, &st, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	c->exited = true;
	if (r < 0)
		c->status = 255;
	else if (WIFEXITED(st))
		c->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		c->status = 128 + WTERMSIG(st);
	else
		c->status = 255;
	if (c->pidfd >= 0) {
		close(c->pidfd);
		c->pidfd = -1;
	}
	return true;
}

static void child_kill(struct child *c)
{
	int st;

	if (c->pid <= 0 || c->exited)
		return;
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
		;
	c->exited = true;
	c->status = 128 + SIGKILL;
	if (c->pidfd >= 0) {
		close(c->pidfd);
		c->pidfd = -1;
	}
}

/* fork + exec with fds 0, 1, 2 from in/out/err (-1: /dev/null) and nothing
 * else open. The child dies with the test process when pdeath is set. */
static pid_t spawn(const char *path, char *const *argv, char *const *envp, int in, int out, int err,
                   bool pdeath)
{
	pid_t parent = getpid();
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "harness: fork: %s\n", strerror(errno));
		if (devnull >= 0)
			close(devnull);
		return -1;
	}
	if (pid == 0) {
		sigset_t all;
		int fds[3] = {in, out, err};

		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		for (int s = 1; s < NSIG; s++)
			signal(s, SIG_DFL);
		if (pdeath) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(127);
		}
		/* Move the sources above 2 first so dup2 cannot clobber one. */
		for (int i = 0; i < 3; i++) {
			int src = fds[i] >= 0 ? fds[i] : devnull;

			fds[i] = src >= 0 ? fcntl(src, F_DUPFD_CLOEXEC, 3) : -1;
		}
		for (int i = 0; i < 3; i++)
			if (fds[i] >= 0)
				dup2(fds[i], i);
		closefrom(3);
		if (strchr(path, '/') != NULL)
			execve(path, argv, envp);
		else
			execvpe(path, argv, envp);
		dprintf(2, "harness: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (devnull >= 0)
		close(devnull);
	return pid;
}

/* Runs argv, collecting stdout (if out != NULL), stderr to ours. Returns
 * the exit status (128 + signal), or -1 on failure or timeout. */
static int run_cmd(char *const *argv, char *const *envp, char **out, int timeout_ms)
{
	long long deadline = harness_now_ms() + timeout_ms;
	struct child c;
	int p[2] = {-1, -1};
	char *buf = NULL;
	size_t len = 0, cap = 0;
	bool eof = out == NULL;
	pid_t pid;

	if (out != NULL) {
		*out = NULL;
		if (pipe2(p, O_CLOEXEC) < 0)
			return -1;
	}
	pid = spawn(argv[0], argv, envp ? envp : environ, -1, p[1], 2, true);
	if (p[1] >= 0)
		close(p[1]);
	if (pid < 0) {
		if (p[0] >= 0)
			close(p[0]);
		return -1;
	}
	child_watch(&c, pid);
	if (p[0] >= 0)
		fcntl(p[0], F_SETFL, O_NONBLOCK);
	while (!eof || !c.exited) {
		struct pollfd pfd[2];
		int n = 0, left = remaining_ms(deadline);

		if (left == 0) {
			fprintf(stderr, "harness: %s did not finish in %d ms\n", argv[0],
			        timeout_ms);
			child_kill(&c);
			if (p[0] >= 0)
				close(p[0]);
			free(buf);
			return -1;
		}
		if (!eof)
			pfd[n++] = (struct pollfd){.fd = p[0], .events = POLLIN};
		if (!c.exited && c.pidfd >= 0)
			pfd[n++] = (struct pollfd){.fd = c.pidfd, .events = POLLIN};
		if (!c.exited && c.pidfd < 0 && left > 20)
			left = 20;
		if (poll(pfd, (nfds_t)n, left) < 0 && errno != EINTR)
			break;
		if (!eof) {
			ssize_t r;

			if (cap - len < 4096) {
				cap = cap ? cap * 2 : 8192;
				buf = xrealloc(buf, cap);
			}
			r = read(p[0], buf + len, cap - len - 1);
			if (r > 0)
				len += (size_t)r;
			else if (r == 0 || (errno != EINTR && errno != EAGAIN))
				eof = true;
		}
		child_reap(&c);
	}
	if (p[0] >= 0)
		close(p[0]);
	if (!c.exited) { /* poll failed */
		child_kill(&c);
		free(buf);
		return -1;
	}
	if (out != NULL) {
		if (buf == NULL)
			buf = xmalloc(1);
		buf[len] = '\0';
		*out = buf;
	}
	return c.status;
}

/* ---- reaper: cleans up after a test process that died ------------------ */

/* Forks a process that runs `sh -c cmd` when the pipe from us reaches end
 * of file, i.e. when the test process is gone for whatever reason (crash,
 * Criterion's timeout, SIGKILL), and exits quietly when disarmed. */
static bool reaper_start(const char *cmd, int *fd_plus1, pid_t *pid_out)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return false;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return false;
	}
	if (pid == 0) {
		char c;
		ssize_t r;
		int devnull = open("/dev/null", O_RDWR);

		/* Survive the signals that end the test run (^C) to clean up. */
		setsid();
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGPIPE, SIG_DFL);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		if (p[0] != 3)
			dup2(p[0], 3);
		/* Hold no one else's pipe open, or their EOF never comes. */
		closefrom(4);
		do
			r = read(3, &c, 1);
		while (r < 0 && errno == EINTR);
		if (r == 1)
			_exit(0);
		close(3);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	*fd_plus1 = p[1] + 1;
	*pid_out = pid;
	return true;
}

static void reaper_disarm(int *fd_plus1, pid_t *pid)
{
	if (*fd_plus1 > 0) {
		ssize_t r;

		do
			r = write(*fd_plus1 - 1, "x", 1);
		while (r < 0 && errno == EINTR);
		close(*fd_plus1 - 1);
		*fd_plus1 = 0;
	}
	if (*pid > 0) {
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		*pid = 0;
	}
}

/* ---- Prosody ---------------------------------------------------------- */

static char *prosody_up_path(void)
{
	return xasprintf("%s/tests/harness/prosody-up", srcdir());
}

static bool prosody_mkdir(struct prosody *p)
{
	if (p->dir[0] != '\0')
		return true;
	return harness_mkdtemp(p->dir, sizeof p->dir, "jabiru-prosody");
}

static void copy_value(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

static void prosody_parse(struct prosody *p, char *out)
{
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		const char *v;

		if (eq == NULL)
			continue;
		*eq = '\0';
		v = eq + 1;
		if (strcmp(line, "PROSODY_PID") == 0)
			p->pid = (pid_t)atoi(v);
		else if (strcmp(line, "C2S_PORT") == 0)
			p->c2s_port = atoi(v);
		else if (strcmp(line, "C2S_DIRECT_TLS_PORT") == 0)
			p->direct_tls_port = atoi(v);
		else if (strcmp(line, "PROXY_PORT") == 0)
			p->proxy_port = atoi(v);
		else if (strcmp(line, "CA_FILE") == 0)
			copy_value(p->ca_file, sizeof p->ca_file, v);
		else if (strcmp(line, "LOG_FILE") == 0)
			copy_value(p->log_file, sizeof p->log_file, v);
		else if (strcmp(line, "DOMAIN") == 0)
			copy_value(p->domain, sizeof p->domain, v);
		else if (strcmp(line, "MUC_DOMAIN") == 0)
			copy_value(p->muc_domain, sizeof p->muc_domain, v);
		else if (strcmp(line, "PROXY_JID") == 0)
			copy_value(p->proxy_jid, sizeof p->proxy_jid, v);
	}
}

bool prosody_start(struct prosody *p, const char *const *users)
{
	char *script = prosody_up_path();
	struct strv argv = {0};
	char *out = NULL, *qscript, *qdir, *cmd;
	int st;

	if (p->pid > 0) {
		fprintf(stderr, "harness: prosody_start: already running\n");
		free(script);
		return false;
	}
	if (!prosody_mkdir(p)) {
		free(script);
		return false;
	}
	/* The reaper first, so a test that dies during the start still leaves
	 * nothing behind. */
	qscript = shell_quote(script);
	qdir = shell_quote(p->dir);
	cmd = xasprintf("bash %s --stop %s; rm -rf %s", qscript, qdir, qdir);
	if (p->reaper_fd == 0 && !reaper_start(cmd, &p->reaper_fd, &p->reaper_pid))
		fprintf(stderr, "harness: cannot start the reaper: %s\n", strerror(errno));
	free(cmd);
	free(qdir);
	free(qscript);

	strv_add(&argv, xstrdup("bash")); /* no need for the execute bit */
	strv_add(&argv, xstrdup(script));
	strv_add(&argv, xstrdup(p->dir));
	for (const char *const *u = users; u && *u; u++)
		strv_add(&argv, xstrdup(*u));
	st = run_cmd(argv.v, NULL, &out, 60000);
	strv_free(argv.v);
	free(script);
	if (st == 0 && out != NULL)
		prosody_parse(p, out);
	free(out);
	if (st != 0 || p->pid <= 0 || p->c2s_port <= 0 || p->ca_file[0] == '\0') {
		fprintf(stderr, "harness: prosody-up failed (status %d)\n", st);
		prosody_dump_log(p, 30);
		prosody_stop(p);
		return false;
	}
	return true;
}

void prosody_stop(struct prosody *p)
{
	if (p->dir[0] != '\0') {
		char *script = prosody_up_path();
		char *argv[] = {"bash", script, "--stop", p->dir, NULL};

		if (p->pid > 0)
			run_cmd(argv, NULL, NULL, 30000);
		free(script);
		harness_rmtree(p->dir);
	}
	reaper_disarm(&p->reaper_fd, &p->reaper_pid);
	p->dir[0] = '\0';
	p->pid = 0;
	p->c2s_port = p->direct_tls_port = p->proxy_port = 0;
}

bool prosody_roster(struct prosody *p, const char *user, const char *contact_jid, const char *name,
                    const char *group, const char *subscription)
{
	char *script;
	int st;

	if (!prosody_mkdir(p))
		return false;
	script = prosody_up_path();
	{
		char *argv[] = {"bash",
		                script,
		                "--roster",
		                p->dir,
		                (char *)user,
		                (char *)contact_jid,
		                (char *)(name ? name : ""),
		                (char *)(group ? group : ""),
		                (char *)subscription,
		                NULL};

		st = run_cmd(argv, NULL, NULL, 30000);
	}
	free(script);
	if (st != 0)
		fprintf(stderr, "harness: prosody-up --roster %s %s failed\n", user, contact_jid);
	return st == 0;
}

bool prosody_befriend(struct prosody *p, const char *user1, const char *user2)
{
	char *jid1 = xasprintf("%s@%s", user1, p->domain[0] ? p->domain : "localhost");
	char *jid2 = xasprintf("%s@%s", user2, p->domain[0] ? p->domain : "localhost");
	bool ok = prosody_roster(p, user1, jid2, user2, "Friends", "both") &&
	          prosody_roster(p, user2, jid1, user1, "Friends", "both");

	free(jid1);
	free(jid2);
	return ok;
}

bool prosody_add_account(struct prosody *p, const char *user, const char *password)
{
	char *script;
	int st;

	if (!prosody_mkdir(p))
		return false;
	script = prosody_up_path();
	{
		char *argv[] = {"bash",       script,           "--account", p->dir,
		                (char *)user, (char *)password, NULL};

		st = run_cmd(argv, NULL, NULL, 30000);
	}
	free(script);
	return st == 0;
}

void prosody_dump_log(const struct prosody *p, int lines)
{
	char path[HARNESS_PATH_MAX + 32];
	char **ring;
	char buf[1024];
	FILE *f;
	int n = 0;

	if (p->dir[0] == '\0' || lines <= 0)
		return;
	snprintf(path, sizeof path, "%s/prosody.log", p->dir);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	ring = calloc((size_t)lines, sizeof *ring);
	if (ring == NULL) {
		fclose(f);
		return;
	}
	while (fgets(buf, sizeof buf, f) != NULL) {
		free(ring[n % lines]);
		ring[n % lines] = xstrdup(buf);
		n++;
	}
	fclose(f);
	fprintf(stderr, "---- %s (last %d lines) ----\n", path, lines);
	for (int i = n > lines ? n - lines : 0; i < n; i++)
		fputs(ring[i % lines], stderr);
	fprintf(stderr, "---- end of prosody log ----\n");
	for (int i = 0; i < lines; i++)
		free(ring[i]);
	free(ring);
}

/* ---- jabiru in batch mode --------------------------------------------- */

struct jproc {
	char *name;
	char dir[HARNESS_PATH_MAX];
	struct child child;
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
		j->lines = xrealloc(j->lines, j->capl * sizeof *j->lines);
		j->used = xrealloc(j->used, j->capl * sizeof *j->used);
	}
	line = xmalloc(n + 1);
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
			j->partial = xrealloc(j->partial, j->pcap);
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
	child_reap(&j->child);
	return true;
}

struct jproc *jproc_spawn(const char *name, const char *const *args, const char *const *env)
{
	const char *bin = harness_jabiru_bin();
	struct jproc *j = calloc(1, sizeof *j);
	struct strv argv = {0};
	char **envp;
	char *errpath, *cmd, *qdir;
	int in[2], out[2], err;
	pid_t pid;

	if (j == NULL)
		return NULL;
	j->name = xstrdup(name ? name : "jabiru");
	j->in_fd = j->out_fd = -1;
	if (!harness_mkdtemp(j->dir, sizeof j->dir, "jabiru-test")) {
		free(j->name);
		free(j);
		return NULL;
	}
	qdir = shell_quote(j->dir);
	cmd = xasprintf("rm -rf %s", qdir);
	reaper_start(cmd, &j->reaper_fd, &j->reaper_pid);
	free(cmd);
	free(qdir);

	/* A jabiru that died must not kill the test with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	envp = private_env(j->dir, env);
	strv_add(&argv, xstrdup(bin));
	for (const char *const *a = args; a && *a; a++)
		strv_add(&argv, xstrdup(*a));
	errpath = xasprintf("%s/stderr", j->dir);
	err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	free(errpath);
	if (err < 0 || pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		fprintf(stderr, "harness: %s: cannot set up pipes: %s\n", j->name, strerror(errno));
		abort();
	}
	pid = spawn(bin, argv.v, envp, in[0], out[1], err, true);
	close(in[0]);
	close(out[1]);
	close(err);
	strv_free(argv.v);
	strv_free(envp);
	j->in_fd = in[1];
	j->out_fd = out[0];
	fcntl(j->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(j->out_fd, F_SETFL, O_NONBLOCK);
	if (pid < 0) {
		jproc_free(j);
		return NULL;
	}
	child_watch(&j->child, pid);
	return j;
}

struct jproc *jproc_start(const struct prosody *p, const char *user, const char *password,
                          const char *const *extra_args)
{
	const char *domain = p->domain[0] ? p->domain : "localhost";
	char *jid = xasprintf("%s@%s", user, domain);
	char *port = xasprintf("%d", p->c2s_port);
	char *pw = xasprintf("JABIRU_PASSWORD=%s", password);
	struct strv args = {0};
	const char *env[] = {pw, NULL};
	struct jproc *j;

	strv_add(&args, xstrdup("--batch"));
	strv_add(&args, xstrdup("--jid"));
	strv_add(&args, xstrdup(jid));
	strv_add(&args, xstrdup("--server"));
	strv_add(&args, xstrdup("127.0.0.1"));
	strv_add(&args, xstrdup("--port"));
	strv_add(&args, xstrdup(port));
	strv_add(&args, xstrdup("--ca-file"));
	strv_add(&args, xstrdup(p->ca_file));
	for (const char *const *a = extra_args; a && *a; a++)
		strv_add(&args, xstrdup(*a));
	j = jproc_spawn(user, (const char *const *)args.v, env);
	strv_free(args.v);
	free(jid);
	free(port);
	free(pw);
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
	char *buf = xmalloc(n + 2);
	const char *w = buf;
	size_t left = n + 1;

	memcpy(buf, line, n);
	buf[n] = '\n';
	buf[n + 1] = '\0';
	while (left > 0 && j->in_fd >= 0 && remaining_ms(deadline) > 0) {
		if (j->child.exited || !jproc_pump(j, remaining_ms(deadline), &w, &left))
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
		if (remaining_ms(deadline) == 0)
			break;
		/* Wait until a new line arrives (or the end). */
		while (j->nlines == checked && remaining_ms(deadline) > 0)
			if (!jproc_pump(j, remaining_ms(deadline), NULL, NULL))
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
	child_reap(&j->child);
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

	while (!j->child.exited && remaining_ms(deadline) > 0)
		if (!jproc_pump(j, remaining_ms(deadline), NULL, NULL))
			break;
	if (!child_reap(&j->child)) {
		fprintf(stderr, "harness: %s did not exit within %d ms; killing it\n", j->name,
		        timeout_ms);
		jproc_dump(j);
		child_kill(&j->child);
		return -1;
	}
	/* Collect the rest of its output (the pipe ends with the process,
	 * unless something it started still holds it). */
	deadline = harness_now_ms() + 2000;
	while (j->out_fd >= 0 && remaining_ms(deadline) > 0)
		if (!jproc_pump(j, remaining_ms(deadline), NULL, NULL))
			break;
	return j->child.status;
}

void jproc_kill(struct jproc *j)
{
	child_kill(&j->child);
	jproc_drain(j);
}

char *jproc_stderr(const struct jproc *j)
{
	char *path = xasprintf("%s/stderr", j->dir);
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, r;

	free(path);
	if (f == NULL)
		return xstrdup("");
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + len, 1, cap - len - 1, f);
		len += r;
	} while (r > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
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
	if (j->child.pid > 0 && !child_reap(&j->child))
		child_kill(&j->child);
	if (j->child.pidfd >= 0)
		close(j->child.pidfd);
	if (j->in_fd >= 0)
		close(j->in_fd);
	if (j->out_fd >= 0)
		close(j->out_fd);
	harness_rmtree(j->dir);
	reaper_disarm(&j->reaper_fd, &j->reaper_pid);
	for (size_t i = 0; i < j->nlines; i++)
		free(j->lines[i]);
	free(j->lines);
	free(j->used);
	free(j->partial);
	free(j->name);
	free(j);
}

/* ---- JSON ------------------------------------------------------------- */

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* s at an opening quote; returns just past the closing one, or NULL. */
static const char *skip_string(const char *s)
{
	for (s++; *s; s++) {
		if (*s == '\\') {
			if (*++s == '\0')
				return NULL;
		} else if (*s == '"') {
			return s + 1;
		}
	}
	return NULL;
}

static const char *skip_value(const char *s)
{
	int depth = 0;

	s = skip_ws(s);
	if (*s == '"')
		return skip_string(s);
	do {
		if (*s == '\0')
			return depth == 0 ? s : NULL;
		if (*s == '"') {
			s = skip_string(s);
			if (s == NULL)
				return NULL;
			continue;
		}
		if (*s == '{' || *s == '[') {
			depth++;
		} else if (*s == '}' || *s == ']') {
			if (depth == 0)
				return s;
			depth--;
		} else if (depth == 0 && (*s == ',' || *s == ' ' || *s == '\t' || *s == '\n')) {
			return s;
		}
		s++;
	} while (depth > 0 || (*s != ',' && *s != '}' && *s != ']'));
	return s;
}

static int hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* s at an opening quote; the unescaped value (malloc'd) or NULL. A \u0000
 * ends the C string early. Lone surrogates become U+FFFD. */
static char *unescape(const char *s, const char **end)
{
	const char *e = skip_string(s);
	char *out, *o;

	if (e == NULL)
		return NULL;
	out = o = xmalloc((size_t)(e - s) + 1); /* never grows: \uXXXX is 6 bytes for <= 4 */
	for (s++; s < e - 1; s++) {
		int cp;

		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		switch (*++s) {
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			cp = e - s > 4 ? hex4(s + 1) : -1;
			if (cp < 0) {
				free(out);
				return NULL;
			}
			s += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				int lo =
				    (e - s > 6 && s[1] == '\\' && s[2] == 'u') ? hex4(s + 3) : -1;

				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					s += 6;
				} else {
					cp = 0xfffd;
				}
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				cp = 0xfffd;
			}
			o += put_utf8(o, (uint32_t)cp);
			break;
		default: /* \" \\ \/ and anything else as itself */
			*o++ = *s;
			break;
		}
	}
	*o = '\0';
	if (end != NULL)
		*end = e;
	return out;
}

char *json_field(const char *line, const char *key)
{
	const char *s;

	if (line == NULL || key == NULL)
		return NULL;
	s = skip_ws(line);
	if (*s++ != '{')
		return NULL;
	for (;;) {
		const char *v, *ve;
		char *k;
		bool match;

		s = skip_ws(s);
		if (*s != '"')
			return NULL;
		k = unescape(s, &s);
		if (k == NULL)
			return NULL;
		match = strcmp(k, key) == 0;
		free(k);
		s = skip_ws(s);
		if (*s++ != ':')
			return NULL;
		v = skip_ws(s);
		if (match) {
			if (*v == '"')
				return unescape(v, NULL);
			ve = skip_value(v);
			if (ve == NULL)
				return NULL;
			{
				size_t n = (size_t)(ve - v);
				char *raw = xmalloc(n + 1);

				memcpy(raw, v, n);
				raw[n] = '\0';
				return raw;
			}
		}
		s = skip_value(v);
		if (s == NULL)
			return NULL;
		s = skip_ws(s);
		if (*s == ',')
			s++;
		else
			return NULL; /* '}' or garbage: not found */
	}
}

bool json_field_is(const char *line, const char *key, const char *want)
{
	char *v = json_field(line, key);
	bool eq = v != NULL && want != NULL && strcmp(v, want) == 0;

	free(v);
	return eq;
}

/* ---- tmux ------------------------------------------------------------- */

#define TMUX_TARGET "jt"

/* tmux -S sock -f conf ARGS... */
static int tmux_run(struct tmux *t, char **out, const char *first, ...)
{
	struct strv argv = {0};
	char *conf = xasprintf("%s/tmux.conf", t->dir);
	va_list ap;
	int st;

	strv_add(&argv, xstrdup("tmux"));
	strv_add(&argv, xstrdup("-S"));
	strv_add(&argv, xstrdup(t->sock));
	strv_add(&argv, xstrdup("-f"));
	strv_add(&argv, conf);
	va_start(ap, first);
	for (const char *a = first; a != NULL; a = va_arg(ap, const char *))
		strv_add(&argv, xstrdup(a));
	va_end(ap);
	st = run_cmd(argv.v, t->env, out, 10000);
	strv_free(argv.v);
	return st;
}

bool tmux_start(struct tmux *t, int cols, int rows, const char *const *argv, const char *const *env)
{
	static const char conf[] = "set -g remain-on-exit on\n"
	                           "set -g status off\n"
	                           "set -g default-terminal tmux-256color\n"
	                           "set -g history-limit 1000\n"
	                           "set -g set-clipboard on\n";
	struct strv args = {0};
	char *path, *qsock, *qdir, *cmd, *c, *r;
	FILE *f;
	int st;

	if (t->running) {
		fprintf(stderr, "harness: tmux_start: already running\n");
		return false;
	}
	if (!harness_mkdtemp(t->dir, sizeof t->dir, "jabiru-tmux"))
		return false;
	if ((size_t)snprintf(t->sock, sizeof t->sock, "%s/tmux.sock", t->dir) >= sizeof t->sock) {
		harness_rmtree(t->dir);
		return false;
	}
	path = xasprintf("%s/tmux.conf", t->dir);
	f = fopen(path, "w");
	free(path);
	if (f == NULL || fputs(conf, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "harness: cannot write tmux.conf\n");
		harness_rmtree(t->dir);
		return false;
	}
	{
		/* The tmux client wants a terminal type (the pane gets
		 * default-terminal); env from the test comes later and wins. */
		struct strv e = {0};

		strv_add(&e, xstrdup("TERM=xterm-256color"));
		for (const char *const *x = env; x && *x; x++)
			strv_add(&e, xstrdup(*x));
		t->env = private_env(t->dir, (const char *const *)e.v);
		strv_free(e.v);
	}
	qsock = shell_quote(t->sock);
	qdir = shell_quote(t->dir);
	cmd = xasprintf("tmux -S %s kill-server 2>/dev/null; rm -rf %s", qsock, qdir);
	reaper_start(cmd, &t->reaper_fd, &t->reaper_pid);
	free(cmd);
	free(qdir);
	free(qsock);

	c = xasprintf("%d", cols);
	r = xasprintf("%d", rows);
	strv_add(&args, xstrdup("tmux"));
	strv_add(&args, xstrdup("-S"));
	strv_add(&args, xstrdup(t->sock));
	strv_add(&args, xstrdup("-f"));
	strv_add(&args, xasprintf("%s/tmux.conf", t->dir));
	strv_add(&args, xstrdup("new-session"));
	strv_add(&args, xstrdup("-d"));
	strv_add(&args, xstrdup("-s"));
	strv_add(&args, xstrdup(TMUX_TARGET));
	strv_add(&args, xstrdup("-x"));
	strv_add(&args, c);
	strv_add(&args, xstrdup("-y"));
	strv_add(&args, r);
	strv_add(&args, xstrdup("--"));
	for (const char *const *a = argv; a && *a; a++)
		strv_add(&args, xstrdup(*a));
	st = run_cmd(args.v, t->env, NULL, 10000);
	strv_free(args.v);
	if (st != 0) {
		fprintf(stderr, "harness: tmux new-session failed (status %d)\n", st);
		tmux_stop(t);
		return false;
	}
	t->running = true;
	return true;
}

bool tmux_send_keys_(struct tmux *t, ...)
{
	struct strv argv = {0};
	char *conf = xasprintf("%s/tmux.conf", t->dir);
	va_list ap;
	int st;

	strv_add(&argv, xstrdup("tmux"));
	strv_add(&argv, xstrdup("-S"));
	strv_add(&argv, xstrdup(t->sock));
	strv_add(&argv, xstrdup("-f"));
	strv_add(&argv, conf);
	strv_add(&argv, xstrdup("send-keys"));
	strv_add(&argv, xstrdup("-t"));
	strv_add(&argv, xstrdup(TMUX_TARGET));
	va_start(ap, t);
	for (const char *k = va_arg(ap, const char *); k != NULL; k = va_arg(ap, const char *))
		strv_add(&argv, xstrdup(k));
	va_end(ap);
	st = run_cmd(argv.v, t->env, NULL, 10000);
	strv_free(argv.v);
	return st == 0;
}

bool tmux_send_text(struct tmux *t, const char *text)
{
	return tmux_run(t, NULL, "send-keys", "-t", TMUX_TARGET, "-l", "--", text, (char *)NULL) ==
	       0;
}

char *tmux_capture(struct tmux *t)
{
	char *out = NULL;

	if (tmux_run(t, &out, "capture-pane", "-p", "-t", TMUX_TARGET, (char *)NULL) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

bool tmux_wait_for_quiet(struct tmux *t, const char *text, int timeout_ms)
{
	long long deadline = harness_now_ms() + timeout_ms;

	for (;;) {
		char *s = tmux_capture(t);

		if (s != NULL) {
			free(t->screen);
			t->screen = s;
			if (strstr(s, text) != NULL)
				return true;
		}
		if (remaining_ms(deadline) == 0)
			return false;
		nap_ms(remaining_ms(deadline) < 50 ? remaining_ms(deadline) : 50);
	}
}

bool tmux_wait_for(struct tmux *t, const char *text, int timeout_ms)
{
	if (tmux_wait_for_quiet(t, text, timeout_ms))
		return true;
	fprintf(stderr, "harness: tmux: '%s' did not appear within %d ms; the screen:\n", text,
	        timeout_ms);
	fprintf(stderr, "+----\n%s+----\n", t->screen ? t->screen : "(no capture)\n");
	return false;
}

bool tmux_resize(struct tmux *t, int cols, int rows)
{
	char c[16], r[16];

	snprintf(c, sizeof(c), "%d", cols);
	snprintf(r, sizeof(r), "%d", rows);
	return tmux_run(t, NULL, "resize-window", "-t", TMUX_TARGET, "-x", c, "-y", r,
	                (char *)NULL) == 0;
}

bool tmux_paste(struct tmux *t, const char *text)
{
	return tmux_run(t, NULL, "set-buffer", "-b", "harness-paste", "--", text, (char *)NULL) ==
	           0 &&
	       tmux_run(t, NULL, "paste-buffer", "-p", "-d", "-b", "harness-paste", "-t",
	                TMUX_TARGET, (char *)NULL) == 0;
}

char *tmux_buffers(struct tmux *t)
{
	char *out = NULL;

	if (tmux_run(t, &out, "list-buffers", "-F", "#{buffer_name}", (char *)NULL) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

char *tmux_query(struct tmux *t, const char *format)
{
	char *out = NULL;
	size_t n;

	if (tmux_run(t, &out, "display-message", "-p", "-t", TMUX_TARGET, format, (char *)NULL) !=
	    0) {
		free(out);
		return NULL;
	}
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return out;
}

int tmux_wait_exit(struct tmux *t, int timeout_ms)
{
	long long deadline = harness_now_ms() + timeout_ms;

	for (;;) {
		/* tmux marks the pane dead at end of output, and fills in the
		 * status or signal once it has reaped the process. Debian's
		 * tmux uses libutempter, whose helper briefly owns SIGCHLD just
		 * when a pane dies: tmux can miss the signal and leave the
		 * process unreaped (tmux issue #311). A SIGCHLD from us makes
		 * it look again. */
		char *s =
		    tmux_query(t, "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}:#{pid}");
		int status, sig, server;

		if (s != NULL && sscanf(s, "1:%d:", &status) == 1) {
			free(s);
			return status;
		}
		if (s != NULL && sscanf(s, "1::%d:", &sig) == 1 && sig > 0) {
			free(s);
			return 128 + sig;
		}
		if (s != NULL && sscanf(s, "1:::%d", &server) == 1 && server > 1)
			kill((pid_t)server, SIGCHLD);
		free(s);
		if (remaining_ms(deadline) == 0)
			break;
		nap_ms(remaining_ms(deadline) < 50 ? remaining_ms(deadline) : 50);
	}
	free(t->screen);
	t->screen = tmux_capture(t);
	fprintf(stderr, "harness: tmux: the pane did not exit within %d ms; the screen:\n",
	        timeout_ms);
	fprintf(stderr, "+----\n%s+----\n", t->screen ? t->screen : "(no capture)\n");
	return -1;
}

void tmux_stop(struct tmux *t)
{
	if (t->dir[0] != '\0') {
		if (t->running)
			tmux_run(t, NULL, "kill-server", (char *)NULL);
		harness_rmtree(t->dir);
	}
	reaper_disarm(&t->reaper_fd, &t->reaper_pid);
	strv_free(t->env);
	t->env = NULL;
	free(t->screen);
	t->screen = NULL;
	t->running = false;
	t->dir[0] = '\0';
}
