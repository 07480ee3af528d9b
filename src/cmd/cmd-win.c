#include "config.h"

#include <stdlib.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"

static int parse_number(struct cmd_ctx *ctx, const char *s, int *n)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end != '\0' || end == s || v < 1 || v > 1000) {
		app_error(ctx->app, ctx->name, "usage", _("'%s' is not a window number."), s);
		return -1;
	}
	*n = (int)v;
	return 0;
}

static int cmd_win_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	int n;

	if (parse_number(ctx, args->argv[0], &n) != 0)
		return -1;
	if (ctx->app->fe_ops->win_select(ctx->app->fe, n) != 0) {
		app_error(ctx->app, ctx->name, "no-window", _("There is no window %d."), n);
		return -1;
	}
	return 0;
}

static int cmd_close_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	int n = 0;

	if (args->argc == 1 && parse_number(ctx, args->argv[0], &n) != 0)
		return -1;
	if (ctx->app->fe_ops->win_close(ctx->app->fe, n) != 0) {
		app_error(ctx->app, ctx->name, "no-window",
		          _("That window cannot be closed (the status window stays)."));
		return -1;
	}
	return 0;
}

const struct cmd_entry cmd_win_entry = {
    .name = "win",
    .usage = "N",
    .summary = N_("switch to window N"),
    .help = N_("Shows window N (1 is the status window). Alt-1..Alt-9 and Alt-0 do "
               "the same for windows 1 to 10."),
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_UI_ONLY,
    .exec = cmd_win_exec,
};

const struct cmd_entry cmd_close_entry = {
    .name = "close",
    .usage = "[N]",
    .summary = N_("close the current window, or window N"),
    .help = NULL,
    .min_args = 0,
    .max_args = 1,
    .flags = CMD_UI_ONLY,
    .exec = cmd_close_exec,
};
