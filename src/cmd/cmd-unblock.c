#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/blocking.h"

static int cmd_unblock_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	return blocking_unblock(ctx->app, ctx->name, a->argv[0]);
}

const struct cmd_entry cmd_unblock_entry = {
    .name = "unblock",
    .usage = "JID|DOMAIN",
    .summary = N_("undo a /block"),
    .help = N_("Asks your server to unblock JID or DOMAIN, exactly as /blocked lists it."),
    .min_args = 1,
    .max_args = 1,
    .complete = COMPLETE_JID,
    .exec = cmd_unblock_exec,
};
