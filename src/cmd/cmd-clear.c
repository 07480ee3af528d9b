#include "config.h"

#include "cmd/cmd.h"
#include "i18n.h"

static int cmd_clear_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	(void)args;
	ctx->app->fe_ops->win_clear(ctx->app->fe);
	return 0;
}

const struct cmd_entry cmd_clear_entry = {
    .name = "clear",
    .usage = "",
    .summary = N_("empty the current window"),
    .help = N_("Removes every line from the current window's scrollback. Ctrl-L only "
               "redraws the screen."),
    .min_args = 0,
    .max_args = 0,
    .flags = CMD_UI_ONLY,
    .exec = cmd_clear_exec,
};
