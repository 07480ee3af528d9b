#include "config.h"

#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "ft/ft.h"
#include "i18n.h"
#include "ui/transfers.h"

static const char *const files_subcommands[] = {"accept", "reject", "cancel", NULL};

static int cmd_files_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	const char *sub = args->argc > 0 ? args->argv[0] : NULL;

	if (sub == NULL) {
		if (ctx->ui != NULL)
			transfers_show(ctx->ui, ctx->app);
		else
			ft_list(ctx->app);
		return 0;
	}
	if (args->argc < 2)
		return cmd_usage(ctx, &cmd_files_entry);
	if (strcmp(sub, "accept") == 0 && args->argc <= 3)
		return ft_accept(ctx->app, args->argv[1], args->argc == 3 ? args->argv[2] : NULL);
	if (strcmp(sub, "reject") == 0 && args->argc == 2)
		return ft_reject(ctx->app, args->argv[1]);
	if (strcmp(sub, "cancel") == 0 && args->argc == 2)
		return ft_cancel(ctx->app, args->argv[1]);
	return cmd_usage(ctx, &cmd_files_entry);
}

const struct cmd_entry cmd_files_entry = {
    .name = "files",
    .usage = "[accept ID [PATH] | reject ID | cancel ID]",
    .summary = N_("list, accept, reject or cancel file transfers"),
    .help = N_("Alone, lists the transfers with their progress. accept ID saves an offered "
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
