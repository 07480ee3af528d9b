#include "config.h"

#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/presence.h"

static int cmd_sub_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	if (strcmp(a->argv[0], "pending") == 0 && a->argc == 1) {
		presence_sub_pending(ctx->app);
		return 0;
	}
	if (a->argc != 2)
		return cmd_usage(ctx, &cmd_sub_entry);
	return presence_sub(ctx->app, ctx->name, a->argv[0], a->argv[1]);
}

static const char *const sub_subs[] = {"request", "allow", "deny", "cancel", "pending", NULL};

const struct cmd_entry cmd_sub_entry = {
    .name = "sub",
    .usage = "request|allow|deny|cancel JID | pending",
    .summary = N_("manage presence subscriptions"),
    .help = N_("request asks JID to see their presence, allow lets JID see yours, deny "
               "refuses a request (or revokes), cancel stops seeing theirs; pending lists "
               "the requests waiting for your answer, with when they came."),
    .min_args = 1,
    .max_args = 2,
    .subcommands = sub_subs,
    .complete = COMPLETE_JID,
    .exec = cmd_sub_exec,
};
