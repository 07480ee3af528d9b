#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/session.h"

static int cmd_disconnect_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	(void)args;
	if (session_state(ctx->app->session) == SESSION_OFFLINE) {
		app_error(ctx->app, ctx->name, "not-connected", _("Not connected."));
		return -1;
	}
	session_disconnect(ctx->app->session);
	return 0;
}

const struct cmd_entry cmd_disconnect_entry = {
    .name = "disconnect",
    .usage = "",
    .summary = N_("close the session"),
    .help = NULL,
    .min_args = 0,
    .max_args = 0,
    .exec = cmd_disconnect_exec,
};
