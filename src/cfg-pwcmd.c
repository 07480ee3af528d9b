/* An account's password_cmd: run without a shell (no quoting surprises, no
 * injection through the config), stdin and stderr on /dev/null so it cannot
 * disturb the screen, its first output line taken as the password, and the
 * whole run bounded in time and size. The password is never logged. jabiru
 * runs it inside the poll loop (a command such as pass may wait for a
 * passphrase); the blocking form serves the unit tests. */
#include "config.h"

#include "cfg.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "i18n.h"
#include "loop.h"
#include "util/str.h"
#include "xmpp/castore.h"

#define PWCMD_MAX 4096

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pid_t spawn(char *const *argv, int *out_fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(p[1], 1);
		dup2(null, 2);
		castore_restore_env();
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	*out_fd = p[0];
	return pid;
}

/* Reads the output until end of file, the size bound or the deadline. */
static size_t collect(int fd, char *out, size_t cap, long long deadline, bool *timed_out)
{
	size_t len = 0;
	char sink[256];

	*timed_out = false;
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0) {
			*timed_out = true;
			break;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			break;
		if (pfd.revents == 0)
			continue;
		if (len < cap)
			n = read(fd, out + len, cap - len);
		else
			n = read(fd, sink, sizeof(sink)); /* the rest is not wanted */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len < cap)
			len += (size_t)n;
	}
	return len;
}

/* Waits for the child until the deadline, then kills it. */
static int reap(pid_t pid, long long deadline)
{
	int status = 0, pfd = (int)syscall(SYS_pidfd_open, pid, 0);

	while (waitpid(pid, &status, WNOHANG) == 0) {
		long long left = deadline - now_ms();
		struct pollfd p = {.fd = pfd, .events = POLLIN};

		if (left <= 0 || pfd < 0 || poll(&p, 1, (int)left) <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			status = -1;
			break;
		}
	}
	if (pfd >= 0)
		close(pfd);
	return status;
}

/* Splits cmd into words and starts it. Returns the pid or -1 with *err. */
static pid_t start_cmd(const char *cmd, int *fd, char **name, char **err)
{
	struct cmd_args args;
	const char *perr = NULL;
	pid_t pid = -1;

	*err = NULL;
	if (cmd_args_parse(&args, cmd, 0, &perr) != 0 || args.argc == 0 ||
	    args.argc >= CMD_MAX_ARGS) {
		*err = xasprintf(_("password_cmd: %s"), perr ? perr : _("empty command"));
	} else {
		args.argv[args.argc] = NULL;
		*name = xstrdup(args.argv[0]);
		pid = spawn(args.argv, fd);
		if (pid < 0)
			*err = xasprintf(_("password_cmd: cannot start %s: %s"), args.argv[0],
			                 strerror(errno));
	}
	cmd_args_free(&args);
	return pid;
}

/* The password from what the command printed and how it ended. */
static char *outcome(const char *name, char *out, bool timed_out, int status, int timeout_s,
                     char **err)
{
	char *nl = strpbrk(out, "\r\n");

	if (nl != NULL)
		*nl = '\0';
	if (timed_out || status < 0)
		*err = xasprintf(_("password_cmd %s did not finish within %d seconds"), name,
		                 timeout_s);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		*err = xasprintf(_("password_cmd %s failed (exit status %d)"), name,
		                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	else if (out[0] == '\0')
		*err = xasprintf(_("password_cmd %s printed no password"), name);
	else
		return xstrdup(out);
	return NULL;
}

char *cfg_run_password_cmd(const char *cmd, int timeout_s, char **err)
{
	long long deadline = now_ms() + (long long)timeout_s * 1000;
	char *out, *name = NULL, *pw;
	bool timed_out;
	size_t len;
	int fd, status;
	pid_t pid;

	pid = start_cmd(cmd, &fd, &name, err);
	if (pid < 0) {
		free(name);
		return NULL;
	}
	out = xmalloc(PWCMD_MAX + 1);
	len = collect(fd, out, PWCMD_MAX, deadline, &timed_out);
	close(fd);
	out[len] = '\0';
	status = reap(pid, deadline);
	pw = outcome(name, out, timed_out, status, timeout_s, err);
	explicit_bzero(out, PWCMD_MAX + 1);
	free(out);
	free(name);
	return pw;
}

/* ---- in the poll loop -------------------------------------------------- */

struct pwjob {
	struct loop *loop;
	pid_t pid;
	int fd, pidfd;
	struct loop_timer *timer;
	char *name;
	int timeout_s;
	char out[PWCMD_MAX + 1];
	size_t len;
	bool timed_out;
	cfg_password_cb done;
	void *ud;
};

static void job_finish(struct pwjob *j, int status)
{
	char *err = NULL, *pw;

	if (j->timer != NULL)
		loop_timer_del(j->loop, j->timer);
	if (j->fd >= 0) {
		loop_fd_del(j->loop, j->fd);
		close(j->fd);
	}
	if (j->pidfd >= 0) {
		loop_fd_del(j->loop, j->pidfd);
		close(j->pidfd);
	}
	j->out[j->len] = '\0';
	pw = outcome(j->name, j->out, j->timed_out, status, j->timeout_s, &err);
	explicit_bzero(j->out, sizeof(j->out));
	j->done(j->ud, pw, err);
	free(err);
	free(j->name);
	free(j);
}

static void on_exit_fd(int fd, short revents, void *ud)
{
	struct pwjob *j = ud;
	int status = 0;

	(void)fd;
	(void)revents;
	if (waitpid(j->pid, &status, WNOHANG) == j->pid)
		job_finish(j, status);
}

/* Output closed: the command is ending; wait for its status in the loop
 * (through a pidfd), or at once when there is no pidfd. */
static void output_done(struct pwjob *j)
{
	int status = 0;

	loop_fd_del(j->loop, j->fd);
	close(j->fd);
	j->fd = -1;
	if (j->pidfd >= 0) {
		loop_fd_set(j->loop, j->pidfd, POLLIN, on_exit_fd, j);
		return;
	}
	waitpid(j->pid, &status, 0);
	job_finish(j, status);
}

static void on_output(int fd, short revents, void *ud)
{
	struct pwjob *j = ud;
	char sink[256];
	ssize_t n;

	(void)revents;
	if (j->len < PWCMD_MAX)
		n = read(fd, j->out + j->len, PWCMD_MAX - j->len);
	else
		n = read(fd, sink, sizeof(sink)); /* the rest is not wanted */
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		output_done(j);
		return;
	}
	if (j->len < PWCMD_MAX)
		j->len += (size_t)n;
}

static void on_deadline(void *ud)
{
	struct pwjob *j = ud;
	int status;

	j->timer = NULL;
	j->timed_out = true;
	/* SIGKILL ends it at once, so this wait is short. */
	kill(j->pid, SIGKILL);
	waitpid(j->pid, &status, 0);
	job_finish(j, -1);
}

int cfg_password_cmd_start(struct loop *loop, const char *cmd, int timeout_s, cfg_password_cb done,
                           void *ud, char **err)
{
	struct pwjob *j = xcalloc(1, sizeof(*j));

	j->pid = start_cmd(cmd, &j->fd, &j->name, err);
	if (j->pid < 0) {
		free(j->name);
		free(j);
		return -1;
	}
	j->loop = loop;
	j->timeout_s = timeout_s;
	j->done = done;
	j->ud = ud;
	j->pidfd = (int)syscall(SYS_pidfd_open, j->pid, 0);
	fcntl(j->fd, F_SETFL, fcntl(j->fd, F_GETFL) | O_NONBLOCK);
	loop_fd_set(loop, j->fd, POLLIN, on_output, j);
	j->timer = loop_timer_add(loop, (uint64_t)timeout_s * 1000, on_deadline, j);
	return 0;
}
