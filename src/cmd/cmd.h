/* The command table: one entry per command, in a file of its own
 * (cmd-NAME.c), like tmux. /help, completion, the batch mode and the man-page
 * test all read this table. */
#ifndef JABIRU_CMD_H
#define JABIRU_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

struct app;

#define CMD_MAX_ARGS 32

/* A command line split into words. Double quotes group words and backslash
 * escapes the next character; rest[i] is the raw text from word i to the end
 * (for message bodies, which keep their spacing). */
struct cmd_args {
	int argc;
	char *argv[CMD_MAX_ARGS];
	const char *rest[CMD_MAX_ARGS];
	char *line; /* owned copy the pointers refer into */
	char *words;
};

/* What a command runs in: the app, and the front end's current window. */
struct cmd_ctx {
	struct app *app;
	const char *name;   /* "/msg": for error events */
	const char *window; /* bare JID of the active chat window, or NULL */
};

enum cmd_complete {
	COMPLETE_NONE,
	COMPLETE_JID,
	COMPLETE_FILE,
	COMPLETE_COMMAND,
	COMPLETE_SETTING
};

enum cmd_flags {
	CMD_UI_ONLY = 1 << 0, /* meaningless in batch mode */
	/* Its arguments can carry a secret (/raw: a <password/>): a line of
	 * it is kept in the history only when the XML console's redactor
	 * finds nothing in it to redact (cmd_history_ok). */
	CMD_SECRET = 1 << 1,
	/* Its text is a message: characters XML cannot carry become U+FFFD
	 * (the user is told); any other command with one is refused. */
	CMD_MESSAGE = 1 << 2,
};

struct cmd_entry {
	const char *name;    /* without the slash */
	const char *usage;   /* arguments, e.g. "JID [TEXT]" (not translated) */
	const char *summary; /* N_() */
	const char *help;    /* N_(), may be NULL */
	int min_args;
	int max_args; /* -1: no limit */
	/* When > 0, words from this index on are not split: argv[raw_from] is
	 * the rest of the line as typed (a message body keeps its quotes). */
	int raw_from;
	const char *const *subcommands; /* NULL-terminated, or NULL */
	enum cmd_complete complete;
	int flags;
	int (*exec)(struct cmd_ctx *ctx, struct cmd_args *args);
};

extern const struct cmd_entry *const cmd_table[];
/* The entries, each defined in its cmd-NAME.c. */
extern const struct cmd_entry cmd_clear_entry, cmd_close_entry, cmd_connect_entry,
    cmd_disconnect_entry, cmd_help_entry, cmd_msg_entry, cmd_quit_entry, cmd_tls_entry,
    cmd_win_entry;
/* roster, presence, subscriptions, blocking (add entries here) */
extern const struct cmd_entry cmd_block_entry, cmd_blocked_entry, cmd_info_entry,
    cmd_presence_entry, cmd_priority_entry, cmd_roster_entry, cmd_status_entry, cmd_sub_entry,
    cmd_unblock_entry;
/* XML console (add entries here) */
extern const struct cmd_entry cmd_raw_entry, cmd_xmlconsole_entry;
/* file transfer (add entries here) */
extern const struct cmd_entry cmd_files_entry, cmd_sendfile_entry;
/* configuration, accounts, registration (add entries here) */
extern const struct cmd_entry cmd_account_entry, cmd_register_entry, cmd_save_entry, cmd_set_entry;
struct account;
/* Logs in with an account of the config: password from the file, its
 * password_cmd, JABIRU_PASSWORD or the prompt. Returns 0 or -1. */
int cmd_account_connect(struct cmd_ctx *ctx, const struct account *a);
struct event;
/* A line for the status window describing a setting, saved or account
 * event (malloc'd), or NULL for other kinds. */
char *cmd_config_event_line(const struct event *ev);

/* The commands a hint of the core names (malloc'd): the front ends' hint. */
char *cmd_hint(enum app_hint hint, const char *arg);
/* True when the front end is a screen (the curses UI), not batch mode. */
bool cmd_screen(const struct cmd_ctx *ctx);
const struct cmd_entry *cmd_find(const char *name);
/* Splits line (the text after the command name) into args. Returns 0, or -1
 * with *err set to a static translated message. */
int cmd_args_parse(struct cmd_args *a, const char *line, int raw_from, const char **err);
void cmd_args_free(struct cmd_args *a);
/* Runs one line typed at the prompt or read in batch mode. A line without a
 * leading slash is text for the active window (an error in batch mode); "//"
 * sends a literal slash. Returns 0 or -1 (an error event was emitted). */
int cmd_execute(struct cmd_ctx *ctx, const char *line);
/* True when the line runs a command whose arguments can be secret. */
bool cmd_is_secret(const char *line);
/* Whether the line typed may go to the history (and its file): not the
 * continuation of a multi-line /raw (continuation: raw_waiting() before
 * the line runs), whose start may have been stored while this part holds
 * the secret, and not a CMD_SECRET command's line holding an element the
 * console would redact. */
bool cmd_history_ok(const char *line, bool continuation);
/* Reports a usage error for the entry. Returns -1. */
int cmd_usage(struct cmd_ctx *ctx, const struct cmd_entry *e);

#endif
