/* Starting and stopping tests/harness/fake-xmpp: see fakeserver.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fakeserver.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define FAKE_MAX_ARGS 64

static void fake_exec(const struct fakeserver *f, const char *const *args, int out, int err)
{
	char script[HARNESS_PATH_MAX];
	const char *argv[FAKE_MAX_ARGS + 5];
	const char *src = getenv("JABIRU_SRCDIR");
	int n = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	snprintf(script, sizeof script, "%s/tests/harness/fake-xmpp", src ? src : ".");
	argv[n++] = "/usr/bin/python3";
	argv[n++] = script;
	argv[n++] = "--dir";
	argv[n++] = f->dir;
	for (size_t i = 0; args != NULL && args[i] != NULL && i < FAKE_MAX_ARGS; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	dup2(out, 1);
	dup2(err, 2);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/* Reads "KEY=value" lines until both the port and the CA file are known. */
static bool read_banner(struct fakeserver *f, int fd)
{
	char buf[2048];
	size_t len = 0;
	long long end = harness_now_ms() + HARNESS_TIMEOUT_MS;

	while (f->port == 0 || f->ca_file[0] == '\0') {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		long long left = end - harness_now_ms();
		char *nl;
		ssize_t r;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return false;
		r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r <= 0)
			return false;
		len += (size_t)r;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			if (strncmp(buf, "PORT=", 5) == 0)
				f->port = atoi(buf + 5);
			else if (strncmp(buf, "CA_FILE=", 8) == 0)
				snprintf(f->ca_file, sizeof f->ca_file, "%.500s", buf + 8);
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
		}
	}
	return true;
}

bool fakeserver_start(struct fakeserver *f, const char *const *args)
{
	int out[2], err;

	if (!harness_mkdtemp(f->dir, sizeof f->dir, "fake-xmpp"))
		return false;
	snprintf(f->log_file, sizeof f->log_file, "%.500s/log", f->dir);
	err = open(f->log_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (err < 0 || pipe2(out, O_CLOEXEC) != 0) {
		fprintf(stderr, "fakeserver: %s\n", strerror(errno));
		return false;
	}
	fflush(NULL);
	f->pid = fork();
	if (f->pid == 0)
		fake_exec(f, args, out[1], err);
	close(out[1]);
	close(err);
	if (f->pid < 0 || !read_banner(f, out[0])) {
		fprintf(stderr, "fakeserver: the server did not start\n");
		close(out[0]);
		fakeserver_dump_log(f);
		fakeserver_stop(f);
		return false;
	}
	/* Its stdout stays open in the pipe nobody reads: it prints nothing
	 * more. */
	close(out[0]);
	return true;
}

void fakeserver_stop(struct fakeserver *f)
{
	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
		f->pid = 0;
	}
	if (f->dir[0] != '\0') {
		harness_rmtree(f->dir);
		f->dir[0] = '\0';
	}
}

void fakeserver_dump_log(const struct fakeserver *f)
{
	char line[4096];
	FILE *fp = f->log_file[0] != '\0' ? fopen(f->log_file, "r") : NULL;

	if (fp == NULL)
		return;
	fprintf(stderr, "---- fake-xmpp log ----\n");
	while (fgets(line, sizeof line, fp) != NULL)
		fputs(line, stderr);
	fclose(fp);
}

bool fakeserver_config(struct fakeserver *f, const char *const *lines, char *out, size_t size)
{
	FILE *fp;

	snprintf(out, size, "%s/jabirurc", f->dir);
	fp = fopen(out, "w");
	if (fp == NULL)
		return false;
	fprintf(fp, "ca_file = %s\n", f->ca_file);
	for (size_t i = 0; lines != NULL && lines[i] != NULL; i++)
		fprintf(fp, "%s\n", lines[i]);
	return fclose(fp) == 0;
}

struct jproc *fakeserver_jabiru(const struct fakeserver *f, const char *user, const char *password,
                                const char *config)
{
	char jid[128], port[16];
	const char *args[] = {"--batch",  "--config",  config,   "--jid", jid,
	                      "--server", "127.0.0.1", "--port", port,    NULL};
	char pw[256];
	const char *env[] = {pw, NULL};

	snprintf(pw, sizeof pw, "JABIRU_PASSWORD=%s", password);
	snprintf(jid, sizeof jid, "%s@localhost", user);
	snprintf(port, sizeof port, "%d", f->port);
	return jproc_spawn(user, args, env);
}
