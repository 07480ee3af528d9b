#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/blocking.h"

static int cmd_block_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	return blocking_block(ctx->app, ctx->name, a->argv[0]);
}

const struct cmd_entry cmd_block_entry = {
    .name = "block",
    .usage = "JID|DOMAIN",
    .summary = N_("stop everything from a JID or a whole domain"),
    .help = N_("Asks your server to block JID (a contact, a full JID, or a whole DOMAIN such "
               "as spam.example): their messages, presence and subscription requests no "
               "longer reach you, and they no longer see your presence (XEP-0191). Pending "
               "requests from them are dropped. /unblock undoes it, /blocked lists."),
    .min_args = 1,
    .max_args = 1,
    .complete = COMPLETE_JID,
    .exec = cmd_block_exec,
};
