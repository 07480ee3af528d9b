#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/presence.h"

static int cmd_priority_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	return presence_set_priority(ctx->app, ctx->name, a->argv[0]);
}

const struct cmd_entry cmd_priority_entry = {
    .name = "priority",
    .usage = "N",
    .summary = N_("set the priority of this resource"),
    .help = N_("N from -128 to 127; messages to your bare JID go to the resource with the "
               "highest priority; a negative one receives none."),
    .min_args = 1,
    .max_args = 1,
    .exec = cmd_priority_exec,
};
