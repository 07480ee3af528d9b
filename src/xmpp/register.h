/* In-band registration (XEP-0077): creating an account on a fresh,
 * encrypted stream, and changing the password of or cancelling the account
 * of the session that is online. Outcomes arrive as "registration"
 * events. */
#ifndef JABIRU_REGISTER_H
#define JABIRU_REGISTER_H

#include "xmpp/session.h"

struct app;

/* Connects to p->jid's server (p->server/port/tls/ca_file as for a login),
 * fetches the registration form, asks for its fields (the password with
 * echo off; p->password, when set, answers it), submits it and reports the
 * answer. quit_after: jabiru exits when done (--register in batch mode;
 * status 0 when the account was made). Returns 0, or -1 after an error
 * event. */
int register_account(struct app *app, const struct session_params *p, bool quit_after);
/* Online: sets a new password for the logged-in account. command (static)
 * labels the error events, here and in register_cancel. */
int register_change_password(struct app *app, const char *command, const char *password);
/* Online: removes the logged-in account from the server. */
int register_cancel(struct app *app, const char *command);

#endif
