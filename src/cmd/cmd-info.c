#include "config.h"

#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/presence.h"

static int cmd_info_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	if (a->argc == 2 && strcmp(a->argv[1], "version") != 0)
		return cmd_usage(ctx, &cmd_info_entry);
	return presence_info(ctx->app, "/info", a->argv[0], a->argc == 2);
}

const struct cmd_entry cmd_info_entry = {
    .name = "info",
    .usage = "JID [version]",
    .summary = N_("show a contact's resources and presence"),
    .help = N_("Lists the resources of JID with their presence, priority, status and since "
               "when. With version, also asks each resource (or the full JID given) for its "
               "software version (XEP-0092) and features (XEP-0030)."),
    .min_args = 1,
    .max_args = 2,
    .complete = COMPLETE_JID,
    .exec = cmd_info_exec,
};
