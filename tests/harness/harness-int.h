/* What the harness's parts share and the tests do not see: allocation that
 * aborts, deadlines, string vectors and private environments (util.c),
 * child processes and the reapers that clean up after a dead test
 * (process.c). The names carry the harness_ prefix because the tests also
 * link src/libjabiru.a, which has its own xmalloc and friends. */
#ifndef JABIRU_TEST_HARNESS_INT_H
#define JABIRU_TEST_HARNESS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

extern char **environ;

/* ---- util.c ----------------------------------------------------------- */

/* Abort on allocation failure: a test harness has nothing better to do. */
void *harness_xmalloc(size_t n);
void *harness_xrealloc(void *p, size_t n);
char *harness_xstrdup(const char *s);
char *harness_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Only for re-checking a condition against a deadline. */
void harness_nap_ms(int ms);
/* Milliseconds left until deadline (harness_now_ms() based), 0 if past. */
int harness_remaining_ms(long long deadline);
/* $JABIRU_SRCDIR, or ".". */
const char *harness_srcdir(void);
/* "it's" -> 'it'\''s' for sh -c (malloc'd). */
char *harness_shell_quote(const char *s);

/* A NULL-terminated vector of malloc'd strings (zero-initialise). */
struct harness_strv {
	char **v;
	size_t n, cap;
};

/* Appends owned (taken over). */
void harness_strv_add(struct harness_strv *s, char *owned);
/* Appends copies of list's strings (NULL-terminated; NULL: none). */
void harness_strv_addv(struct harness_strv *s, const char *const *list);
/* Frees a vector's strings and the vector itself. NULL ok. */
void harness_strv_free(char **v);
/* The inherited environment minus HOME/XDG/locale/password, plus a private
 * HOME and XDG dirs under dir, LANG=C.UTF-8, plus extra (NAME=VALUE,
 * NULL-terminated, may be NULL). Free with harness_strv_free. */
char **harness_private_env(const char *dir, const char *const *extra);

/* ---- prosody.c -------------------------------------------------------- */

/* The server's domain: "localhost" unless prosody-up said otherwise. */
const char *harness_domain(const struct prosody *p);
/* Adds what logs jabiru in as USER@DOMAIN on p to argv: --jid USER@DOMAIN
 * --server 127.0.0.1 --port C2S --ca-file CA. */
void harness_login_args(struct harness_strv *argv, const struct prosody *p, const char *user);

/* ---- process.c -------------------------------------------------------- */

struct harness_child {
	pid_t pid;
	int pidfd; /* -1: not supported, poll waitpid instead */
	bool exited;
	int status; /* exit status, or 128 + signal */
};

void harness_child_watch(struct harness_child *c, pid_t pid);
/* True once the child has exited (then c->status is set). */
bool harness_child_reap(struct harness_child *c);
void harness_child_kill(struct harness_child *c);

/* fork + exec with fds 0, 1, 2 from in/out/err (-1: /dev/null) and nothing
 * else open. The child dies with the test process when pdeath is set. */
pid_t harness_spawn(const char *path, char *const *argv, char *const *envp, int in, int out,
                    int err, bool pdeath);
/* Runs argv, collecting stdout (if out != NULL), stderr to ours. Returns
 * the exit status (128 + signal), or -1 on failure or timeout. */
int harness_run_cmd(char *const *argv, char *const *envp, char **out, int timeout_ms);

/* Forks a process that runs `sh -c cmd` when the pipe from us reaches end
 * of file, i.e. when the test process is gone for whatever reason (crash,
 * Criterion's timeout, SIGKILL), and exits quietly when disarmed. */
bool harness_reaper_start(const char *cmd, int *fd_plus1, pid_t *pid_out);
void harness_reaper_disarm(int *fd_plus1, pid_t *pid);

#endif
