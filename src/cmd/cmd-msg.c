#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/message.h"

static int cmd_msg_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	if (args->argc == 1) {
		if (!cmd_screen(ctx))
			return cmd_usage(ctx, &cmd_msg_entry);
		ctx->app->fe_ops->open_chat(ctx->app->fe, args->argv[0]);
		return 0;
	}
	return message_send(ctx->app, ctx->name, args->argv[0], args->argv[1]);
}

const struct cmd_entry cmd_msg_entry = {
    .name = "msg",
    .usage = "JID [TEXT]",
    .summary = N_("send a message, or open a conversation"),
    .help = N_("With TEXT, sends it to JID as a chat message. Without, opens the "
               "conversation window. A bare JID goes to the resource that last wrote."),
    .min_args = 1,
    .max_args = 2,
    .raw_from = 1,
    .complete = COMPLETE_JID,
    .flags = CMD_MESSAGE,
    .exec = cmd_msg_exec,
};
