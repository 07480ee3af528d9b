/* Test harness for the end-to-end and UI tests: a private Prosody on
 * loopback, jabiru driven in batch mode through pipes, jabiru driven in a
 * private tmux server, and a small reader for the batch mode's JSON lines.
 *
 * Waiting is always for an event with a deadline (poll(2) on pipes and
 * pidfds, or re-checking a condition every few milliseconds); nothing sleeps
 * "long enough". Every process started here is cleaned up when the test
 * process dies, even by SIGKILL (Criterion's timeout): children get
 * PR_SET_PDEATHSIG, and servers get a small reaper process that stops them
 * when the pipe from the test process reaches end of file.
 *
 * Environment read: JABIRU_BIN (the program), JABIRU_SRCDIR (to find
 * tests/harness/prosody-up), TMPDIR.
 *
 * The one header the tests include. Each section below names the file that
 * implements it; util.c and process.c underneath share harness-int.h. */
#ifndef JABIRU_TEST_HARNESS_H
#define JABIRU_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A generous deadline for one network round: never waited out when things
 * work, and long enough for a sanitizer build on a loaded machine. */
#define HARNESS_TIMEOUT_MS 20000

#define HARNESS_PATH_MAX 512

/* ---- Prosody (prosody.c) ---------------------------------------------- */

struct prosody {
	char dir[HARNESS_PATH_MAX]; /* config, data, certs, log */
	pid_t pid;
	int c2s_port;
	int direct_tls_port;
	int proxy_port;
	char ca_file[HARNESS_PATH_MAX]; /* the self-signed certificate */
	char log_file[HARNESS_PATH_MAX];
	char domain[64];     /* "localhost" */
	char muc_domain[64]; /* "conference.localhost" */
	char proxy_jid[64];  /* "proxy.localhost" (XEP-0065 proxy) */
	/* An external component (XEP-0114) standing in for a remote domain:
	 * tests/harness/component-send speaks from any JID at it. */
	int component_port;
	char component_domain[64]; /* "remote.localhost" */
	char component_secret[64];
	/* internal: the process that stops the server if the test dies */
	int reaper_fd; /* write end + 1; 0 when none (zero-initialise) */
	pid_t reaper_pid;
};

/* Starts a Prosody in a fresh temporary directory (or in p->dir if
 * prosody_roster() already made one) with the accounts "user:password"
 * (NULL-terminated list). Zero-initialise *p first. On failure prints why
 * to stderr and returns false. */
bool prosody_start(struct prosody *p, const char *const *users);
/* Stops the server, removes its directory. Safe to call twice, and on a
 * struct whose start failed or never happened. */
void prosody_stop(struct prosody *p);
/* Adds CONTACT_JID to USER's roster (name and group may be NULL or ""),
 * subscription "none", "to", "from" or "both". Call it before the user logs
 * in; it also works before prosody_start(). */
bool prosody_roster(struct prosody *p, const char *user, const char *contact_jid, const char *name,
                    const char *group, const char *subscription);
/* user1 and user2 (local parts) in each other's rosters, subscription both,
 * group "Friends", the name being the other's local part. */
bool prosody_befriend(struct prosody *p, const char *user1, const char *user2);
/* Creates an account, also while the server runs. */
bool prosody_add_account(struct prosody *p, const char *user, const char *password);
/* Through the component: count stanzas of kind "subscribe" (presence
 * from user<i>@component_domain, or from FROM when not NULL) or "message"
 * (chat from FROM, default spammer@component_domain/bot) to TO, all
 * delivered when it returns true. */
bool prosody_component_send(struct prosody *p, const char *to, const char *kind, int count,
                            const char *from);
/* Prints the tail of the server log to stderr (for failure diagnostics). */
void prosody_dump_log(const struct prosody *p, int lines);

/* ---- jabiru in batch mode (jproc.c) ----------------------------------- */

struct jproc;

/* Runs $JABIRU_BIN with args (NULL-terminated, after the program name) in a
 * private HOME and XDG_{CONFIG,DATA,CACHE,STATE}_HOME under a temporary
 * directory, LANG=C.UTF-8, stdin and stdout on pipes, stderr in a file.
 * env: NAME=VALUE entries added or overriding (NULL-terminated, may be
 * NULL), e.g. "JABIRU_PASSWORD=secret" or "LANG=zh_CN.UTF-8". name labels
 * diagnostics. Returns NULL (after printing why) on failure. */
struct jproc *jproc_spawn(const char *name, const char *const *args, const char *const *env);
/* The usual case: jabiru --batch --jid USER@DOMAIN --server 127.0.0.1
 * --port C2S --ca-file CA [extra_args], JABIRU_PASSWORD=password. */
struct jproc *jproc_start(const struct prosody *p, const char *user, const char *password,
                          const char *const *extra_args);
/* The same with env (NAME=VALUE, NULL-terminated, may be NULL) added to
 * its environment, as at jproc_spawn. */
struct jproc *jproc_start_env(const struct prosody *p, const char *user, const char *password,
                              const char *const *extra_args, const char *const *env);
/* jproc_start, then waits for its "connected" event. NULL (after printing
 * why, and with the process gone) if either fails. */
struct jproc *jproc_login(const struct prosody *p, const char *user, const char *password,
                          const char *const *extra_args);
/* The temporary directory holding home/, config/, data/, ... */
const char *jproc_dir(const struct jproc *j);
pid_t jproc_pid(const struct jproc *j);

/* Writes line and "\n" to jabiru's stdin (reading its stdout meanwhile so
 * neither side can block the other). False if jabiru is gone. */
bool jproc_send(struct jproc *j, const char *line);
bool jproc_sendf(struct jproc *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void jproc_close_stdin(struct jproc *j);

/* Waits for an output line whose "event" is event and whose raw text
 * contains the substring contains (NULL: any). Lines that arrived earlier
 * and were not yet returned by an expect are searched first, so the order
 * of expectations need not follow the order of events. The returned line
 * belongs to j (valid until jproc_free). On timeout or end of output prints
 * the history and jabiru's stderr and returns NULL. */
const char *jproc_expect(struct jproc *j, const char *event, const char *contains, int timeout_ms);
/* The same, matching the decoded value of one string field exactly. */
const char *jproc_expect_field(struct jproc *j, const char *event, const char *key,
                               const char *value, int timeout_ms);
/* The first line seen so far (returned by an expect or not) with this event
 * containing contains (NULL: any), without waiting; NULL if none. */
const char *jproc_seen(struct jproc *j, const char *event, const char *contains);
/* Reads whatever output is available now, without waiting. */
void jproc_drain(struct jproc *j);
size_t jproc_nlines(const struct jproc *j);
const char *jproc_line(const struct jproc *j, size_t i);

/* Waits for jabiru to exit, reading its output meanwhile. Returns the exit
 * status, 128 + signal number if a signal killed it, or -1 on timeout (then
 * it is killed). */
int jproc_wait_exit(struct jproc *j, int timeout_ms);
void jproc_kill(struct jproc *j);
/* Everything jabiru wrote to stderr so far (malloc'd). */
char *jproc_stderr(const struct jproc *j);
/* Whether secret is in an output line or on stderr; when it is, prints
 * where (never the secret alone: the line or stderr holding it). */
bool jproc_leaks(const struct jproc *j, const char *secret);
/* Prints the output history and stderr to stderr. */
void jproc_dump(const struct jproc *j);
/* Kills jabiru if it still runs, removes its directory, frees j. NULL ok. */
void jproc_free(struct jproc *j);

/* ---- JSON lines (json.c) ---------------------------------------------- */

/* The value of key in the flat JSON object line: a string value unescaped
 * (\uXXXX with surrogate pairs to UTF-8), any other value as its raw text.
 * malloc'd; NULL if the key is absent or the line is not an object. */
char *json_field(const char *line, const char *key);
/* json_field(line, key) equals want. */
bool json_field_is(const char *line, const char *key, const char *want);

/* ---- tmux (tmux.c) ---------------------------------------------------- */

struct tmux {
	char dir[HARNESS_PATH_MAX];  /* socket, config, private HOME */
	char sock[HARNESS_PATH_MAX]; /* tmux -S */
	char *screen;                /* last capture (owned) */
	/* internal */
	char **env;
	int reaper_fd; /* write end + 1; 0 when none */
	pid_t reaper_pid;
	bool running;
};

/* Starts a private tmux server with one cols x rows pane running argv
 * (argv[0] is looked up in PATH), status line off, remain-on-exit on (a dead
 * pane keeps its last screen and exit status). The environment is the
 * private one described at jproc_spawn plus env. Zero-initialise *t. */
bool tmux_start(struct tmux *t, int cols, int rows, const char *const *argv,
                const char *const *env);
/* tmux key names: "Enter", "M-2", "C-c", "PageUp", ... NULL-terminated. */
bool tmux_send_keys_(struct tmux *t, ...);
#define tmux_send_keys(t, ...) tmux_send_keys_((t), __VA_ARGS__, (const char *)NULL)
/* Types text literally (send-keys -l). */
bool tmux_send_text(struct tmux *t, const char *text);
/* The visible screen, one line per row (malloc'd; NULL on failure). */
char *tmux_capture(struct tmux *t);
/* Re-captures the screen until it contains text or the deadline passes
 * (then prints the screen to stderr). The last capture stays in t->screen. */
bool tmux_wait_for(struct tmux *t, const char *text, int timeout_ms);
/* The same without the report on timeout, for polling loops. */
bool tmux_wait_for_quiet(struct tmux *t, const char *text, int timeout_ms);
/* A tmux format for the pane, e.g. "#{alternate_on}" (malloc'd, no
 * newline). */
char *tmux_query(struct tmux *t, const char *format);
/* Waits until the pane's command exited; its exit status, 128 + signal, or
 * -1 on timeout. */
int tmux_wait_exit(struct tmux *t, int timeout_ms);
/* Resizes the window (and so the pane) to cols x rows. */
bool tmux_resize(struct tmux *t, int cols, int rows);
/* Pastes text into the pane as a terminal paste (bracketed when the
 * program asked for it). */
bool tmux_paste(struct tmux *t, const char *text);
/* From now on, appends every byte the pane's program writes to the
 * terminal to the file at path (tmux pipe-pane): what reached the tty, not
 * what the screen shows. */
bool tmux_pipe_output(struct tmux *t, const char *path);
/* The names of tmux's paste buffers, one a line ("" when none): an OSC 52
 * clipboard write would add one. malloc'd; NULL on failure. */
char *tmux_buffers(struct tmux *t);
/* Kills the server and removes the directory. Safe to call twice. */
void tmux_stop(struct tmux *t);
/* Types line and presses Enter. */
bool tmux_type_line(struct tmux *t, const char *line);
/* Re-captures the screen until text is no longer on it or the deadline
 * passes. The last capture stays in t->screen. */
bool tmux_wait_gone(struct tmux *t, const char *text, int timeout_ms);

/* ---- jabiru in tmux (tmux.c) ------------------------------------------ */

/* Starts jabiru in a fresh cols x rows tmux (tmux_start) logged in as
 * USER@DOMAIN on p: jabiru --jid USER@DOMAIN --server 127.0.0.1 --port C2S
 * --ca-file CA [extra_args] with JABIRU_PASSWORD=password and env (both
 * lists NULL-terminated, may be NULL). Then waits until the screen says
 * "Logged in as USER@DOMAIN/". False, after printing why, when tmux did not
 * start or the login did not show. */
bool tmux_start_jabiru(struct tmux *t, const struct prosody *p, const char *user,
                       const char *password, int cols, int rows, const char *const *extra_args,
                       const char *const *env);
/* The same without waiting for the login, and jabiru run through wrapper:
 * the words before jabiru's own command line, e.g. {"sh", "-c", SCRIPT,
 * "sh", NULL} (NULL: none). */
bool tmux_launch_jabiru(struct tmux *t, const char *const *wrapper, const struct prosody *p,
                        const char *user, const char *password, int cols, int rows,
                        const char *const *extra_args, const char *const *env);

/* ---- small helpers (util.c) ------------------------------------------- */

/* The program under test: $JABIRU_BIN, or "src/jabiru". */
const char *harness_jabiru_bin(void);
/* The path of a test helper built next to the running test (static
 * buffer), e.g. "s5b-driver"; jproc_start runs it when it is made
 * JABIRU_BIN. */
const char *harness_sibling(const char *name);
/* A TCP port on 127.0.0.1 with nothing listening on it (just released). */
int harness_free_port(void);
/* Milliseconds on the monotonic clock. */
long long harness_now_ms(void);
/* A fresh directory under $TMPDIR or /tmp (path written to out). */
bool harness_mkdtemp(char *out, size_t size, const char *prefix);
/* Removes a directory tree (no symlinks followed). */
void harness_rmtree(const char *dir);

#endif
