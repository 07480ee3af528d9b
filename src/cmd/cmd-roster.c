#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "xmpp/roster.h"

static int cmd_roster_exec(struct cmd_ctx *ctx, struct cmd_args *a)
{
	const char *sub = a->argc > 0 ? a->argv[0] : "list";
	char name[64];

	snprintf(name, sizeof(name), "/roster %.20s", sub);
	if (strcmp(sub, "pane") == 0 && a->argc == 1) {
		if (!cmd_screen(ctx)) {
			app_error(ctx->app, name, "ui-only",
			          _("/roster pane is not available in batch mode."));
			return -1;
		}
		ctx->app->fe_ops->roster_pane_toggle(ctx->app->fe);
		return 0;
	}
	if (strcmp(sub, "list") == 0 && a->argc <= 1) {
		roster_list(ctx->app);
		return 0;
	}
	if (strcmp(sub, "add") == 0 && (a->argc == 2 || a->argc == 3))
		return roster_set(ctx->app, name, a->argv[1], a->argc == 3 ? a->argv[2] : NULL,
		                  a->argc == 2, NULL, 0, true, true);
	if (strcmp(sub, "remove") == 0 && a->argc == 2)
		return roster_remove(ctx->app, name, a->argv[1]);
	if (strcmp(sub, "name") == 0 && a->argc == 3)
		return roster_set(ctx->app, name, a->argv[1], a->argv[2], false, NULL, 0, true,
		                  false);
	if (strcmp(sub, "group") == 0 && a->argc >= 2)
		return roster_set(ctx->app, name, a->argv[1], NULL, true,
		                  (const char *const *)&a->argv[2], (size_t)a->argc - 2, false,
		                  false);
	return cmd_usage(ctx, &cmd_roster_entry);
}

static const char *const roster_subs[] = {"list", "add", "remove", "name", "group", "pane", NULL};

const struct cmd_entry cmd_roster_entry = {
    .name = "roster",
    .usage = "[list | add JID [NAME] | remove JID | name JID NAME | group JID [GROUP...] | pane]",
    .summary = N_("list or edit the roster"),
    .help = N_("Alone or with list, lists the contacts. add puts JID in the roster (with "
               "NAME), remove takes it out (and ends the subscriptions), name renames it, "
               "group sets its groups (none given: no group). Quote names with spaces. pane "
               "shows or hides the roster pane (F2 does too)."),
    .min_args = 0,
    .max_args = -1,
    .subcommands = roster_subs,
    .complete = COMPLETE_JID,
    .exec = cmd_roster_exec,
};
