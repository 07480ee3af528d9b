/* Child processes for the harness: spawning with a clean set of fds,
 * waiting on pidfds, running a command to the end, and the reaper that
 * cleans up after a test process that died. Linux only (pidfd,
 * PR_SET_PDEATHSIG), as the tests need Debian's Prosody anyway. */
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness-int.h"

void harness_child_watch(struct harness_child *c, pid_t pid)
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

bool harness_child_reap(struct harness_child *c)
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

void harness_child_kill(struct harness_child *c)
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

pid_t harness_spawn(const char *path, char *const *argv, char *const *envp, int in, int out,
                    int err, bool pdeath)
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

/* A command harness_run_cmd runs to its end. */
struct run {
	struct harness_child child;
	int fd; /* its stdout, -1 when not read or at end of file */
	char *buf;
	size_t len, cap;
};

/* Reads what the pipe holds; at end of file (or an error) stops reading. */
static void run_read(struct run *r)
{
	ssize_t n;

	if (r->cap - r->len < 4096) {
		r->cap = r->cap ? r->cap * 2 : 8192;
		r->buf = harness_xrealloc(r->buf, r->cap);
	}
	n = read(r->fd, r->buf + r->len, r->cap - r->len - 1);
	if (n > 0) {
		r->len += (size_t)n;
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(r->fd);
		r->fd = -1;
	}
}

/* One wait of at most left ms for output or the exit; false if poll
 * failed. */
static bool run_wait(struct run *r, int left)
{
	struct pollfd pfd[2];
	int n = 0;

	if (r->fd >= 0)
		pfd[n++] = (struct pollfd){.fd = r->fd, .events = POLLIN};
	if (!r->child.exited && r->child.pidfd >= 0)
		pfd[n++] = (struct pollfd){.fd = r->child.pidfd, .events = POLLIN};
	if (!r->child.exited && r->child.pidfd < 0 && left > 20)
		left = 20;
	if (poll(pfd, (nfds_t)n, left) < 0 && errno != EINTR)
		return false;
	if (r->fd >= 0)
		run_read(r);
	harness_child_reap(&r->child);
	return true;
}

int harness_run_cmd(char *const *argv, char *const *envp, char **out, int timeout_ms)
{
	long long deadline = harness_now_ms() + timeout_ms;
	struct run r = {.fd = -1};
	int p[2] = {-1, -1};
	bool timed_out = false;
	pid_t pid;

	if (out != NULL) {
		*out = NULL;
		if (pipe2(p, O_CLOEXEC) < 0)
			return -1;
	}
	pid = harness_spawn(argv[0], argv, envp ? envp : environ, -1, p[1], 2, true);
	if (p[1] >= 0)
		close(p[1]);
	r.fd = p[0];
	if (pid < 0) {
		if (r.fd >= 0)
			close(r.fd);
		return -1;
	}
	harness_child_watch(&r.child, pid);
	if (r.fd >= 0)
		fcntl(r.fd, F_SETFL, O_NONBLOCK);
	while (r.fd >= 0 || !r.child.exited) {
		int left = harness_remaining_ms(deadline);

		if (left == 0) {
			fprintf(stderr, "harness: %s did not finish in %d ms\n", argv[0],
			        timeout_ms);
			timed_out = true;
			break;
		}
		if (!run_wait(&r, left))
			break;
	}
	if (r.fd >= 0)
		close(r.fd);
	if (timed_out || !r.child.exited) { /* or poll failed */
		harness_child_kill(&r.child);
		free(r.buf);
		return -1;
	}
	if (out != NULL) {
		if (r.buf == NULL)
			r.buf = harness_xmalloc(1);
		r.buf[r.len] = '\0';
		*out = r.buf;
	}
	return r.child.status;
}

/* ---- reaper: cleans up after a test process that died ------------------ */

bool harness_reaper_start(const char *cmd, int *fd_plus1, pid_t *pid_out)
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

void harness_reaper_disarm(int *fd_plus1, pid_t *pid)
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
