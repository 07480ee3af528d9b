#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/presence.h"

static int cmd_presence_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	return presence_directed(ctx->app, ctx->name, a->argv[0], a->argv[1],
	                         a->argc > 2 ? a->argv[2] : NULL);
}

const struct cmd_entry cmd_presence_entry = {
    .name = "presence",
    .usage = "JID online|chat|away|xa|dnd|offline [MESSAGE]",
    .summary = N_("send a presence to one JID only"),
    .help = N_("Directed presence: JID (a contact, a resource or a service) sees this "
               "presence while the others keep seeing your /status."),
    .min_args = 2,
    .max_args = 3,
    .raw_from = 2,
    .complete = COMPLETE_JID,
    .exec = cmd_presence_exec,
};
