/* /account: the [account NAME] sections of jabirurc, listed and used to log
 * in. The password comes from the file (only when nobody else can read it),
 * the account's password_cmd, JABIRU_PASSWORD, or the prompt, in that
 * order. */
#include "config.h"

#include "cfg.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "login-params.h"
#include "util/jid.h"
#include "util/str.h"
#include "xmpp/session.h"
#include "xmpp/trust.h"

static const char *const account_subcommands[] = {"list", "connect", NULL};

struct pending {
	struct app *app;
	struct session_params p;
	char *name; /* of the account */
};

static void pending_free(struct pending *pd)
{
	free(pd->name);
	session_params_free(&pd->p);
	free(pd);
}

static void got_password(void *ud, char *secret)
{
	struct pending *pd = ud;

	if (secret == NULL) {
		app_info(pd->app, _("Login cancelled."));
	} else {
		pd->p.password = secret; /* wiped by pending_free */
		session_connect(pd->app->session, &pd->p);
	}
	pending_free(pd);
}

/* The account's password_cmd has ended. A failure ends the login as a
 * failed one (in batch mode, jabiru exits with the login status). */
static void got_cmd_password(void *ud, char *pw, const char *err)
{
	struct pending *pd = ud;
	struct event ev;

	if (pw != NULL) {
		got_password(pd, pw);
		return;
	}
	app_error(pd->app, "/account", "password-cmd", _("Account %s: %s."), pd->name, err);
	ev_init(&ev, EV_DISCONNECTED);
	ev_str(&ev, "reason", _("login failed"));
	ev_bool(&ev, "login_failed", true);
	app_emit(pd->app, &ev);
	pending_free(pd);
}

/* A fingerprint given as the account's tls value is trusted for its domain,
 * as /tls trust would. */
static void trust_fingerprint(struct app *app, const struct account *a)
{
	struct jid j;
	char *fp;

	if (a->fingerprint == NULL || !jid_parse(&j, a->jid))
		return;
	fp = trust_format_fp(a->fingerprint);
	if (!trust_has(j.domain, fp) && trust_add(j.domain, fp) != 0)
		app_error(app, "/account", "io", _("Cannot store the trusted fingerprint of %s."),
		          a->name);
	free(fp);
}

int cmd_account_connect(struct cmd_ctx *ctx, const struct account *a)
{
	struct app *app = ctx->app;
	struct login_request rq = {.account = a, .command = "/account"};
	struct pending *pd;
	char *pw = NULL, *err = NULL, *prompt;

	if (session_state(app->session) != SESSION_OFFLINE) {
		app_error(app, "/account", "busy", _("Already connected; /disconnect first."));
		return -1;
	}
	if (a->jid == NULL) {
		app_error(app, "/account", "config", _("Account %s has no jid."), a->name);
		return -1;
	}
	pd = xcalloc(1, sizeof(*pd));
	pd->app = app;
	/* No HOST or PORT given: nothing to refuse. */
	(void)login_params_build(&pd->p, app->opts, app->config, &rq, NULL);
	trust_fingerprint(app, a);
	if (a->password != NULL) {
		pw = xstrdup(a->password);
	} else if (a->password_cmd != NULL) {
		pd->name = xstrdup(a->name);
		if (cfg_password_cmd_start(app->loop, a->password_cmd,
		                           (int)cfg_int(app->config, "password_cmd_timeout"),
		                           got_cmd_password, pd, &err) != 0) {
			app_error(app, "/account", "password-cmd", _("Account %s: %s."), a->name,
			          err);
			free(err);
			pending_free(pd);
			return -1;
		}
		return 0;
	} else if (app->env_password != NULL) {
		pw = xstrdup(app->env_password);
	}
	if (pw != NULL) {
		got_password(pd, pw);
		return 0;
	}
	if (app->batch) {
		app_error(app, "/account", "no-password",
		          _("No password for account %s: give it a password_cmd, or set "
		            "JABIRU_PASSWORD for batch mode."),
		          a->name);
		pending_free(pd);
		return -1;
	}
	prompt = xasprintf(_("Password for %s: "), a->jid);
	app->fe_ops->ask_secret(app->fe, prompt, got_password, pd);
	free(prompt);
	return 0;
}

static int list(struct cmd_ctx *ctx)
{
	const struct config *cfg = ctx->app->config;
	struct event ev;

	if (cfg->naccounts == 0)
		app_info(ctx->app, _("No accounts: add an [account NAME] section to %s."),
		         cfg->path != NULL ? cfg->path : "jabirurc");
	for (size_t i = 0; i < cfg->naccounts; i++) {
		const struct account *a = &cfg->accounts[i];

		ev_init(&ev, EV_ACCOUNT);
		ev_str(&ev, "name", a->name);
		ev_str(&ev, "jid", a->jid);
		ev_str(&ev, "server", a->server);
		if (a->port != 0)
			ev_int(&ev, "port", a->port);
		ev_bool(&ev, "autoconnect", a->autoconnect);
		app_emit(ctx->app, &ev);
	}
	return 0;
}

static int cmd_account_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	const struct account *a;

	if (args->argc == 0 || strcmp(args->argv[0], "list") == 0)
		return args->argc <= 1 ? list(ctx) : cmd_usage(ctx, &cmd_account_entry);
	if (strcmp(args->argv[0], "connect") != 0 || args->argc != 2)
		return cmd_usage(ctx, &cmd_account_entry);
	a = cfg_account(ctx->app->config, args->argv[1]);
	if (a == NULL) {
		app_error(ctx->app, ctx->name, "unknown-account",
		          _("No account named '%s'. /account list shows them."), args->argv[1]);
		return -1;
	}
	return cmd_account_connect(ctx, a);
}

const struct cmd_entry cmd_account_entry = {
    .name = "account",
    .usage = "[list | connect NAME]",
    .summary = N_("list the configured accounts, or log in with one"),
    .help = N_("Accounts are [account NAME] sections of jabirurc. /account connect NAME "
               "logs in with the password from the account's password_cmd, the file, "
               "JABIRU_PASSWORD or the prompt."),
    .min_args = 0,
    .max_args = 2,
    .subcommands = account_subcommands,
    .exec = cmd_account_exec,
};
