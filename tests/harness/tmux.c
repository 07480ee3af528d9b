/* jabiru in a real terminal: a private tmux server with one pane, keys
 * and text sent, the screen captured and waited on. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness-int.h"

#define TMUX_TARGET "jt"

/* "tmux -S sock -f conf": the start of every command line. */
static struct harness_strv tmux_argv(const struct tmux *t)
{
	struct harness_strv argv = {0};

	harness_strv_add(&argv, harness_xstrdup("tmux"));
	harness_strv_add(&argv, harness_xstrdup("-S"));
	harness_strv_add(&argv, harness_xstrdup(t->sock));
	harness_strv_add(&argv, harness_xstrdup("-f"));
	harness_strv_add(&argv, harness_xasprintf("%s/tmux.conf", t->dir));
	return argv;
}

/* Runs argv (then freed) to its end in the private environment. */
static int tmux_exec(struct tmux *t, struct harness_strv *argv, char **out)
{
	int st = harness_run_cmd(argv->v, t->env, out, 10000);

	harness_strv_free(argv->v);
	argv->v = NULL;
	return st;
}

/* tmux -S sock -f conf ARGS... */
static int tmux_run(struct tmux *t, char **out, const char *first, ...)
{
	struct harness_strv argv = tmux_argv(t);
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a != NULL; a = va_arg(ap, const char *))
		harness_strv_add(&argv, harness_xstrdup(a));
	va_end(ap);
	return tmux_exec(t, &argv, out);
}

/* The server's directory with its socket path and config, the private
 * environment, and a reaper that kills the server if the test dies. */
static bool tmux_prepare(struct tmux *t, const char *const *env)
{
	static const char conf[] = "set -g remain-on-exit on\n"
	                           "set -g status off\n"
	                           "set -g default-terminal tmux-256color\n"
	                           "set -g history-limit 1000\n"
	                           "set -g set-clipboard on\n";
	struct harness_strv e = {0};
	char *path, *qsock, *qdir, *cmd;
	FILE *f;

	if (!harness_mkdtemp(t->dir, sizeof t->dir, "jabiru-tmux"))
		return false;
	if ((size_t)snprintf(t->sock, sizeof t->sock, "%s/tmux.sock", t->dir) >= sizeof t->sock) {
		harness_rmtree(t->dir);
		return false;
	}
	path = harness_xasprintf("%s/tmux.conf", t->dir);
	f = fopen(path, "w");
	free(path);
	if (f == NULL || fputs(conf, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "harness: cannot write tmux.conf\n");
		harness_rmtree(t->dir);
		return false;
	}
	/* The tmux client wants a terminal type (the pane gets
	 * default-terminal); env from the test comes later and wins. */
	harness_strv_add(&e, harness_xstrdup("TERM=xterm-256color"));
	harness_strv_addv(&e, env);
	t->env = harness_private_env(t->dir, (const char *const *)e.v);
	harness_strv_free(e.v);

	qsock = harness_shell_quote(t->sock);
	qdir = harness_shell_quote(t->dir);
	cmd = harness_xasprintf("tmux -S %s kill-server 2>/dev/null; rm -rf %s", qsock, qdir);
	harness_reaper_start(cmd, &t->reaper_fd, &t->reaper_pid);
	free(cmd);
	free(qdir);
	free(qsock);
	return true;
}

bool tmux_start(struct tmux *t, int cols, int rows, const char *const *argv, const char *const *env)
{
	struct harness_strv args;
	int st;

	if (t->running) {
		fprintf(stderr, "harness: tmux_start: already running\n");
		return false;
	}
	if (!tmux_prepare(t, env))
		return false;
	args = tmux_argv(t);
	harness_strv_add(&args, harness_xstrdup("new-session"));
	harness_strv_add(&args, harness_xstrdup("-d"));
	harness_strv_add(&args, harness_xstrdup("-s"));
	harness_strv_add(&args, harness_xstrdup(TMUX_TARGET));
	harness_strv_add(&args, harness_xstrdup("-x"));
	harness_strv_add(&args, harness_xasprintf("%d", cols));
	harness_strv_add(&args, harness_xstrdup("-y"));
	harness_strv_add(&args, harness_xasprintf("%d", rows));
	harness_strv_add(&args, harness_xstrdup("--"));
	harness_strv_addv(&args, argv);
	st = tmux_exec(t, &args, NULL);
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
	struct harness_strv argv = tmux_argv(t);
	va_list ap;

	harness_strv_add(&argv, harness_xstrdup("send-keys"));
	harness_strv_add(&argv, harness_xstrdup("-t"));
	harness_strv_add(&argv, harness_xstrdup(TMUX_TARGET));
	va_start(ap, t);
	for (const char *k = va_arg(ap, const char *); k != NULL; k = va_arg(ap, const char *))
		harness_strv_add(&argv, harness_xstrdup(k));
	va_end(ap);
	return tmux_exec(t, &argv, NULL) == 0;
}

bool tmux_type_line(struct tmux *t, const char *line)
{
	return tmux_send_text(t, line) && tmux_send_keys(t, "Enter");
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

/* A pause between two captures: 50 ms, or what is left until deadline. */
static void tmux_nap(long long deadline)
{
	int left = harness_remaining_ms(deadline);

	harness_nap_ms(left < 50 ? left : 50);
}

/* Re-captures until text is on the screen (present) or not (!present);
 * false at the deadline. */
static bool wait_screen(struct tmux *t, const char *text, bool present, int timeout_ms)
{
	long long deadline = harness_now_ms() + timeout_ms;

	for (;;) {
		char *s = tmux_capture(t);

		if (s != NULL) {
			free(t->screen);
			t->screen = s;
			if ((strstr(s, text) != NULL) == present)
				return true;
		}
		if (harness_remaining_ms(deadline) == 0)
			return false;
		tmux_nap(deadline);
	}
}

bool tmux_wait_for_quiet(struct tmux *t, const char *text, int timeout_ms)
{
	return wait_screen(t, text, true, timeout_ms);
}

bool tmux_wait_gone(struct tmux *t, const char *text, int timeout_ms)
{
	return wait_screen(t, text, false, timeout_ms);
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

bool tmux_pipe_output(struct tmux *t, const char *path)
{
	char *q = harness_shell_quote(path), *cmd = harness_xasprintf("cat >> %s", q);
	int st = tmux_run(t, NULL, "pipe-pane", "-o", "-t", TMUX_TARGET, cmd, (char *)NULL);

	free(cmd);
	free(q);
	return st == 0;
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
		if (harness_remaining_ms(deadline) == 0)
			break;
		tmux_nap(deadline);
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
	harness_reaper_disarm(&t->reaper_fd, &t->reaper_pid);
	harness_strv_free(t->env);
	t->env = NULL;
	free(t->screen);
	t->screen = NULL;
	t->running = false;
	t->dir[0] = '\0';
}

bool tmux_launch_jabiru(struct tmux *t, const char *const *wrapper, const struct prosody *p,
                        const char *user, const char *password, int cols, int rows,
                        const char *const *extra_args, const char *const *env)
{
	struct harness_strv argv = {0}, envv = {0};
	bool ok;

	harness_strv_addv(&argv, wrapper);
	harness_strv_add(&argv, harness_xstrdup(harness_jabiru_bin()));
	harness_login_args(&argv, p, user);
	harness_strv_addv(&argv, extra_args);
	harness_strv_add(&envv, harness_xasprintf("JABIRU_PASSWORD=%s", password));
	harness_strv_addv(&envv, env);
	ok = tmux_start(t, cols, rows, (const char *const *)argv.v, (const char *const *)envv.v);
	if (!ok)
		fprintf(stderr, "harness: tmux with jabiru as %s did not start\n", user);
	harness_strv_free(argv.v);
	harness_strv_free(envv.v);
	return ok;
}

bool tmux_start_jabiru(struct tmux *t, const struct prosody *p, const char *user,
                       const char *password, int cols, int rows, const char *const *extra_args,
                       const char *const *env)
{
	char *want;
	bool ok;

	if (!tmux_launch_jabiru(t, NULL, p, user, password, cols, rows, extra_args, env))
		return false;
	want = harness_xasprintf("Logged in as %s@%s/", user, harness_domain(p));
	ok = tmux_wait_for(t, want, HARNESS_TIMEOUT_MS);
	free(want);
	return ok;
}
