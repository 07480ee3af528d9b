/* Settings and accounts: the one table of settings (name, type, default,
 * documentation, validation), the values in force, and the [account NAME]
 * sections of $XDG_CONFIG_HOME/jabiru/jabirurc, read with libinih.
 *
 * Other modules add their settings to cfg_settings[] in cfg.c (after
 * their area's marker) and read them with cfg_str/int/bool. /set, /save,
 * completion and the man-page test all read that table. */
#ifndef JABIRU_CFG_H
#define JABIRU_CFG_H

#include <stdbool.h>
#include <stddef.h>

#include "opts.h"

enum cfg_type { CFG_BOOL, CFG_INT, CFG_STR, CFG_ENUM };

struct cfg_setting {
	const char *name;
	enum cfg_type type;
	const char *dflt;
	const char *doc;            /* N_() */
	long min, max;              /* CFG_INT */
	const char *const *choices; /* CFG_ENUM: NULL-terminated */
	/* Further checks of the value (NULL: none): NULL, or a translated
	 * reason (malloc'd). */
	char *(*check)(const char *value);
};

extern const struct cfg_setting cfg_settings[];
/* The number of entries in cfg_settings. */
size_t cfg_nsettings(void);
const struct cfg_setting *cfg_find(const char *name);

struct account {
	char *name;
	char *jid;
	char *resource;
	char *server;
	int port;
	enum tls_mode tls;
	char *fingerprint; /* tls = a SHA-256 fingerprint: trusted for this account */
	char *password_cmd;
	char *password; /* only from a file nobody else can read; wiped on free */
	bool autoconnect;
	bool legacy_auth;
	int line; /* of the section header */
};

struct config;
/* Told after a setting changed (name) through cfg_set, e.g. by /set. */
typedef void (*cfg_watch_fn)(void *ud, const struct config *cfg, const char *name);

struct cfg_watcher {
	cfg_watch_fn fn;
	void *ud;
};

struct config {
	char *path;   /* the file read (or to write), NULL when no home */
	char **value; /* per setting, parallel to cfg_settings */
	/* per setting: the value from the file (or default) that an
	 * environment variable overrides for this run, NULL when none; /save
	 * writes it, so the override never ends up in the file */
	char **shadowed;
	struct account *accounts;
	size_t naccounts;
	/* problems found while reading: reported once a front end exists */
	char **problems;
	size_t nproblems;
	struct cfg_watcher *watchers;
	size_t nwatchers;
};

/* Defaults, then the file at path (NULL: the XDG location). A missing file
 * is no error. Problems (file:line: why) are collected in cfg->problems. */
void cfg_load(struct config *cfg, const char *path);
void cfg_free(struct config *cfg);

/* Checks a value against a setting. Returns NULL, or a translated reason
 * (malloc'd). */
char *cfg_check(const struct cfg_setting *s, const char *value);
/* Sets a value after cfg_check and tells the watchers. Returns NULL, or the
 * reason. */
char *cfg_set(struct config *cfg, const char *name, const char *value);
/* Modules read their settings at init and register here to follow changes
 * made while running. cfg may be NULL (unit tests without a config): then
 * nothing happens. cfg_unwatch drops that watcher. */
void cfg_watch(struct config *cfg, cfg_watch_fn fn, void *ud);
void cfg_unwatch(struct config *cfg, cfg_watch_fn fn, void *ud);
/* The readers take a NULL cfg too: then the defaults. */
const char *cfg_str(const struct config *cfg, const char *name);
long cfg_int(const struct config *cfg, const char *name);
bool cfg_bool(const struct config *cfg, const char *name);
/* Parses "PORT" or "LOW-HIGH" (1 to 65535); "" gives 0, 0 (any port). */
bool cfg_parse_ports(const char *v, int *lo, int *hi);

/* The value /save writes for setting i (the shadowed one under an
 * environment override). */
const char *cfg_saved_value(const struct config *cfg, size_t i);

/* Writes the settings back into the file, keeping its comments, order and
 * account sections; changed settings not yet in the file are added to the
 * top. Through a temporary file and rename(2), mode 0600. Returns NULL, or
 * a translated reason (malloc'd). */
char *cfg_save(const struct config *cfg);

/* The command-line value when given, else the setting's when not empty,
 * else NULL (borrowed). */
char *cfg_or_opt(char *opt, const char *setting);

const struct account *cfg_account(const struct config *cfg, const char *name);

/* Runs an account's password_cmd without a shell (split into words like a
 * command line), waiting at most timeout_s seconds; the first line of its
 * output is the password. Returns it (free with str_free_secret), or NULL
 * with a translated reason in *err (malloc'd). */
char *cfg_run_password_cmd(const char *cmd, int timeout_s, char **err);

struct loop;
/* pw: the password (free with str_free_secret) or NULL with err (borrowed,
 * translated). */
typedef void (*cfg_password_cb)(void *ud, char *pw, const char *err);
/* The same inside the poll loop: done() runs once, from the loop, when the
 * command has ended or was stopped at the deadline. Returns 0, or -1 with
 * *err (malloc'd) when it could not start. */
int cfg_password_cmd_start(struct loop *loop, const char *cmd, int timeout_s, cfg_password_cb done,
                           void *ud, char **err);

#endif
