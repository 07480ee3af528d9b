/* The parameters of one connection, from the command line, jabirurc, an
 * [account] section and a command's arguments: the one place that decides
 * which of them wins. */
#ifndef JABIRU_LOGIN_PARAMS_H
#define JABIRU_LOGIN_PARAMS_H

#include "xmpp/session.h"

struct opts;
struct config;
struct account;

/* What one login or registration names. */
struct login_request {
	const char *jid;               /* NULL: the account's */
	const struct account *account; /* NULL: none */
	/* A command's HOST and PORT arguments (NULL: not given). A HOST given
	 * replaces --server and --port as a pair: its port is PORT or the
	 * default. */
	const char *host;
	const char *port;
	const char *password; /* copied; NULL: none yet */
	const char *command;  /* static: labels the session's errors */
};

/* Fills p with malloc'd copies (free with session_params_free). Precedence:
 * a command's arguments, then the account, then the command line, then
 * jabirurc; --resource and --ca-file win over the account and jabirurc.
 * Returns 0, or -1 with a translated message in *err (malloc'd) when PORT
 * is not a port number. */
int login_params_build(struct session_params *p, const struct opts *o, const struct config *cfg,
                       const struct login_request *rq, char **err);
#endif
