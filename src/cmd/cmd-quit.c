#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"

static int cmd_quit_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	(void)args;
	app_shutdown(ctx->app);
	return 0;
}

const struct cmd_entry cmd_quit_entry = {
    .name = "quit",
    .usage = "",
    .summary = N_("leave jabiru"),
    .help = N_("Sends what is queued, closes the session and leaves."),
    .min_args = 0,
    .max_args = 0,
    .exec = cmd_quit_exec,
};
