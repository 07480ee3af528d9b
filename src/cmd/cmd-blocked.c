#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/blocking.h"

static int cmd_blocked_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	(void)a;
	return blocking_list(ctx->app, ctx->name);
}

const struct cmd_entry cmd_blocked_entry = {
    .name = "blocked",
    .usage = "",
    .summary = N_("list the blocked JIDs and domains"),
    .help = N_("Lists what your server blocks for you (/block adds, /unblock removes), as "
               "your clients together set it."),
    .min_args = 0,
    .max_args = 0,
    .complete = COMPLETE_NONE,
    .exec = cmd_blocked_exec,
};
