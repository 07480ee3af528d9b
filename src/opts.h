/* The command line. */
#ifndef JABIRU_OPTS_H
#define JABIRU_OPTS_H

#include <stdbool.h>
#include <stddef.h>

enum tls_mode { TLS_STARTTLS, TLS_DIRECT };

struct opts {
	bool batch;
	bool help;
	bool version;
	char *jid;
	char *server;
	int port; /* 0: default */
	char *ca_file;
	char *resource;
	enum tls_mode tls;
	bool xml;           /* batch: an "xml" event per element */
	char *xml_log;      /* the XML console appended to this file */
	char *account;      /* -a, --account: an [account NAME] of the config */
	char *config;       /* --config FILE instead of the XDG location */
	char *register_jid; /* --register JID: create the account */
	char *accept_files; /* batch: accept every file offer into this dir */
};

/* Exit statuses, documented in the man page (EXIT STATUS). */
enum {
	EXIT_OK = 0,
	EXIT_FAILURE_ = 1, /* an error at run time */
	EXIT_USAGE = 2,    /* bad command line */
	EXIT_LOGIN = 3,    /* the login failed (batch mode) */
};

/* Parses argv into o. Returns 0, or -1 with a translated message in *err
 * (malloc'd). A password is never accepted here: see JABIRU_PASSWORD. */
int opts_parse(struct opts *o, int argc, char **argv, char **err);
void opts_free(struct opts *o);
void opts_print_help(const char *argv0);
void opts_print_version(void);
/* The i-th long option name (without dashes), or NULL past the last. */
const char *opts_name(size_t i);

#endif
