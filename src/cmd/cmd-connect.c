#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cfg.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "login-params.h"
#include "util/str.h"
#include "xmpp/session.h"

/* The login waits for the password prompt; the loop runs meanwhile. */
struct pending_login {
	struct app *app;
	struct session_params p;
};

static void login_with(struct pending_login *pl, char *password)
{
	if (password == NULL) {
		app_info(pl->app, _("Login cancelled."));
	} else {
		pl->p.password = password;
		session_connect(pl->app->session, &pl->p);
	}
	session_params_free(&pl->p);
	free(pl);
}

static void got_password(void *ud, char *secret)
{
	login_with(ud, secret);
}

static int cmd_connect_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	struct app *app = ctx->app;
	struct login_request rq = {
	    .jid = args->argv[0],
	    .host = args->argc > 1 ? args->argv[1] : NULL,
	    .port = args->argc > 2 ? args->argv[2] : NULL,
	    .command = "/connect",
	};
	struct pending_login *pl;
	char *prompt, *err;

	if (session_state(app->session) != SESSION_OFFLINE) {
		app_error(app, ctx->name, "busy", _("Already connected; /disconnect first."));
		return -1;
	}
	pl = xcalloc(1, sizeof(*pl));
	pl->app = app;
	if (login_params_build(&pl->p, app->opts, app->config, &rq, &err) != 0) {
		app_error(app, ctx->name, "usage", "%s", err);
		free(err);
		free(pl);
		return -1;
	}
	if (app->env_password != NULL) {
		login_with(pl, xstrdup(app->env_password));
		return 0;
	}
	prompt = xasprintf(_("Password for %s: "), pl->p.jid);
	app->fe_ops->ask_secret(app->fe, prompt, got_password, pl);
	free(prompt);
	return 0;
}

const struct cmd_entry cmd_connect_entry = {
    .name = "connect",
    .usage = "JID [HOST [PORT]]",
    .summary = N_("log in to an account"),
    .help = N_("Asks for the password with echo off (or takes JABIRU_PASSWORD), "
               "then logs in with TLS required. HOST and PORT connect there "
               "instead of resolving the domain."),
    .min_args = 1,
    .max_args = 3,
    .complete = COMPLETE_JID,
    .exec = cmd_connect_exec,
};
