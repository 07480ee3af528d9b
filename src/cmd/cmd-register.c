/* /register: a new account by in-band registration, or, while logged in, a
 * new password or the removal of the account (confirmed by typing its
 * JID). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cfg.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "login-params.h"
#include "util/jid.h"
#include "util/str.h"
#include "xmpp/register.h"
#include "xmpp/session.h"

static const char *const register_subcommands[] = {"password", "cancel", NULL};

struct pw_change {
	struct app *app;
	char *first;
};

static void got_second(void *ud, char *again)
{
	struct pw_change *pc = ud;

	if (again == NULL)
		app_info(pc->app, _("Password not changed."));
	else if (strcmp(again, pc->first) != 0)
		app_error(pc->app, "/register", "mismatch",
		          _("The two passwords differ; password not changed."));
	else
		register_change_password(pc->app, "/register", again);
	str_free_secret(again);
	str_free_secret(pc->first);
	free(pc);
}

static void got_first(void *ud, char *first)
{
	struct pw_change *pc = ud;

	if (first == NULL || first[0] == '\0') {
		app_info(pc->app, _("Password not changed."));
		str_free_secret(first);
		free(pc);
		return;
	}
	pc->first = first;
	pc->app->fe_ops->ask_secret(pc->app->fe, _("The new password again: "), got_second, pc);
}

static int change_password(struct cmd_ctx *ctx)
{
	struct pw_change *pc;

	if (!session_online(ctx->app->session)) {
		app_error(ctx->app, ctx->name, "offline", _("Not connected."));
		return -1;
	}
	pc = xcalloc(1, sizeof(*pc));
	pc->app = ctx->app;
	ctx->app->fe_ops->ask_secret(ctx->app->fe, _("New password: "), got_first, pc);
	return 0;
}

static int cancel(struct cmd_ctx *ctx, struct cmd_args *args)
{
	struct session *s = ctx->app->session;
	char bare[JID_MAX + 1];
	struct jid j;

	if (!session_online(s) || !jid_parse(&j, session_jid(s))) {
		app_error(ctx->app, ctx->name, "offline", _("Not connected."));
		return -1;
	}
	jid_bare(&j, bare, sizeof(bare));
	if (args->argc < 2 || strcmp(args->argv[1], bare) != 0) {
		app_info(ctx->app,
		         _("This removes the account %s from the server, with its contacts and "
		           "everything stored there. To go ahead, type: /register cancel %s"),
		         bare, bare);
		return 0;
	}
	return register_cancel(ctx->app, "/register");
}

static int cmd_register_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	struct app *app = ctx->app;
	struct login_request rq = {
	    .jid = args->argv[0],
	    .host = args->argc > 1 ? args->argv[1] : NULL,
	    .port = args->argc > 2 ? args->argv[2] : NULL,
	    .password = app->env_password,
	    .command = "/register",
	};
	struct session_params p;
	char *err;
	int rc;

	if (strcmp(args->argv[0], "password") == 0 && args->argc == 1)
		return change_password(ctx);
	if (strcmp(args->argv[0], "cancel") == 0 && args->argc <= 2)
		return cancel(ctx, args);
	if (session_state(app->session) != SESSION_OFFLINE) {
		app_error(app, ctx->name, "busy",
		          _("Already connected or connecting; /disconnect first."));
		return -1;
	}
	if (login_params_build(&p, app->opts, app->config, &rq, &err) != 0) {
		app_error(app, ctx->name, "usage", "%s", err);
		free(err);
		return -1;
	}
	rc = register_account(app, &p, false);
	session_params_free(&p);
	return rc;
}

const struct cmd_entry cmd_register_entry = {
    .name = "register",
    .usage = "JID [HOST [PORT]] | password | cancel [JID]",
    .summary = N_("create an account on a server, change its password or remove it"),
    .help = N_("/register JID asks the server of JID for its registration form (over "
               "TLS), asks for each field (the password with echo off) and creates "
               "the account. Logged in, /register password sets a new password and "
               "/register cancel removes the account after a confirmation."),
    .min_args = 1,
    .max_args = 3,
    .subcommands = register_subcommands,
    .exec = cmd_register_exec,
};
