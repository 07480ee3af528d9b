#include "config.h"

#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "ft/ft.h"
#include "i18n.h"

static const char *const files_subcommands[] = {"accept", "reject", "cancel", "list", NULL};

static int cmd_files_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	const char *sub = args->argc > 0 ? args->argv[0] : NULL;

	/* In the curses UI the window updates itself; batch mode and
	 * "list" get the table once, as text. */
	if (sub == NULL && cmd_screen(ctx)) {
		ctx->app->fe_ops->open_transfers(ctx->app->fe);
		return 0;
	}
	if (sub == NULL || (strcmp(sub, "list") == 0 && args->argc == 1)) {
		if (cmd_screen(ctx))
			ctx->app->fe_ops->show_transfers(ctx->app->fe);
		else
			ft_list(ctx->app);
		return 0;
	}
	if (args->argc < 2)
		return cmd_usage(ctx, &cmd_files_entry);
	if (strcmp(sub, "accept") == 0 && args->argc <= 3)
		return ft_accept(ctx->app, ctx->name, args->argv[1],
		                 args->argc == 3 ? args->argv[2] : NULL);
	if (strcmp(sub, "reject") == 0 && args->argc == 2)
		return ft_reject(ctx->app, ctx->name, args->argv[1]);
	if (strcmp(sub, "cancel") == 0 && args->argc == 2)
		return ft_cancel(ctx->app, ctx->name, args->argv[1]);
	return cmd_usage(ctx, &cmd_files_entry);
}

const struct cmd_entry cmd_files_entry = {
    .name = "files",
    .usage = "[list | accept ID [PATH] | reject ID | cancel ID]",
    .summary = N_("show, accept, reject or cancel file transfers"),
    .help = N_("Alone, opens the transfers window: one row per transfer with direction, "
               "peer, name, size, progress bar, rate, time left, method and state, kept up "
               "to date (in batch mode, lists them once). list prints the same table once "
               "into the current window. accept ID saves an offered "
               "file into the download directory, or into PATH (a directory, or a new file "
               "name); an existing file is never overwritten. reject ID declines an offer. "
               "cancel ID stops a transfer in either direction at any stage; the peer is "
               "told."),
    .min_args = 0,
    .max_args = 3,
    .subcommands = files_subcommands,
    .complete = COMPLETE_FILE,
    .exec = cmd_files_exec,
};
