#include "config.h"

#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/session.h"

static const char *const tls_subcommands[] = {"trust", NULL};

static int cmd_tls_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	struct session *s = ctx->app->session;

	if (args->argc == 0) {
		if (session_online(s))
			app_info(ctx->app,
			         _("The session with %s is encrypted and its certificate "
			           "verified."),
			         session_domain(s));
		else
			app_info(ctx->app, _("Not connected."));
		return 0;
	}
	if (strcmp(args->argv[0], "trust") != 0)
		return cmd_usage(ctx, &cmd_tls_entry);
	if (session_trust_pending(s, ctx->name) != 0) {
		app_error(ctx->app, ctx->name, "no-certificate",
		          _("No refused certificate to trust."));
		return -1;
	}
	return 0;
}

const struct cmd_entry cmd_tls_entry = {
    .name = "tls",
    .usage = "[trust]",
    .summary = N_("show TLS state, or trust a refused certificate"),
    .help = N_("After a login stopped at an untrusted certificate, /tls trust stores its "
               "SHA-256 fingerprint for that domain and connects again. Check the "
               "fingerprint with the server's administrator first."),
    .min_args = 0,
    .max_args = 1,
    .subcommands = tls_subcommands,
    .exec = cmd_tls_exec,
};
