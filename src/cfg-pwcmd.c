/* An account's password_cmd: run without a shell (no quoting surprises, no
 * injection through the config), stdin and stderr on /dev/null so it cannot
 * disturb the screen, its first output line taken as the password, and the
 * whole run bounded in time and size. The password is never logged. */
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
#include "util/str.h"

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

char *cfg_run_password_cmd(const char *cmd, int timeout_s, char **err)
{
	struct cmd_args args;
	const char *perr = NULL;
	char *out, *nl, *pw = NULL;
	long long deadline = now_ms() + (long long)timeout_s * 1000;
	bool timed_out;
	size_t len;
	int fd, status;
	pid_t pid;

	*err = NULL;
	if (cmd_args_parse(&args, cmd, 0, &perr) != 0 || args.argc == 0 ||
	    args.argc >= CMD_MAX_ARGS) {
		*err = xasprintf(_("password_cmd: %s"), perr ? perr : _("empty command"));
		cmd_args_free(&args);
		return NULL;
	}
	args.argv[args.argc] = NULL;
	pid = spawn(args.argv, &fd);
	if (pid < 0) {
		*err = xasprintf(_("password_cmd: cannot start %s: %s"), args.argv[0],
				 strerror(errno));
		cmd_args_free(&args);
		return NULL;
	}
	out = xmalloc(PWCMD_MAX + 1);
	len = collect(fd, out, PWCMD_MAX, deadline, &timed_out);
	close(fd);
	out[len] = '\0';
	status = reap(pid, deadline);
	nl = strpbrk(out, "\r\n");
	if (nl != NULL)
		*nl = '\0';
	if (timed_out || status < 0)
		*err = xasprintf(_("password_cmd %s did not finish within %d seconds"),
				 args.argv[0], timeout_s);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		*err = xasprintf(_("password_cmd %s failed (exit status %d)"), args.argv[0],
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	else if (out[0] == '\0')
		*err = xasprintf(_("password_cmd %s printed no password"), args.argv[0]);
	else
		pw = xstrdup(out);
	explicit_bzero(out, PWCMD_MAX + 1);
	free(out);
	cmd_args_free(&args);
	return pw;
}
