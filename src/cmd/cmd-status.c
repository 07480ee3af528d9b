#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/presence.h"

static int cmd_status_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	return presence_set_status(ctx->app, ctx->name, a->argc > 0 ? a->argv[0] : NULL,
	                           a->argc > 1 ? a->argv[1] : NULL);
}

static const char *const status_subs[] = {"online", "chat", "away", "xa", "dnd", NULL};

const struct cmd_entry cmd_status_entry = {
    .name = "status",
    .usage = "[online|chat|away|xa|dnd [MESSAGE]]",
    .summary = N_("set or show your presence"),
    .help = N_("Broadcasts the presence (and MESSAGE) to your contacts; alone, shows the "
               "current one. Set while offline, it is sent at the next login."),
    .min_args = 0,
    .max_args = 2,
    .raw_from = 1,
    .subcommands = status_subs,
    .exec = cmd_status_exec,
};
