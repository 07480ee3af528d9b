#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "util/str.h"
#include "util/utf8.h"

/* Keys, documented here and in the man page (KEYS). */
static const char *const help_keys[][2] = {
    {"Alt-1..Alt-9, Alt-0", N_("show window 1..9, 10")},
    {"Alt-Left, Alt-Right", N_("previous, next window")},
    {"PageUp, PageDown", N_("scroll the window")},
    {"Ctrl-L", N_("redraw the screen")},
    {"F2", N_("show or hide the roster pane")},
    {"Alt-PgUp, Alt-PgDn", N_("scroll the roster pane")},
    {"Tab", N_("complete a command, subcommand, JID, name, file or setting")},
    {N_("paste"), N_("a multi-line paste stays in the prompt as one message")},
    {"Up, Down", N_("recall earlier lines")},
};

static int by_name(const void *a, const void *b)
{
	const struct cmd_entry *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static void out(struct cmd_ctx *ctx, const char *text)
{
	if (cmd_screen(ctx))
		ctx->app->fe_ops->print_help(ctx->app->fe, text);
	else
		app_info(ctx->app, "%s", text);
}

static int cmd_help_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	const struct cmd_entry *e;
	char *line;

	if (args->argc == 1) {
		const char *name = args->argv[0][0] == '/' ? args->argv[0] + 1 : args->argv[0];

		if ((e = cmd_find(name)) == NULL) {
			app_error(ctx->app, ctx->name, "unknown-command",
			          _("Unknown command /%s. Type /help for the list."), name);
			return -1;
		}
		line = xasprintf("/%s %s — %s", e->name, e->usage, _(e->summary));
		out(ctx, line);
		free(line);
		if (e->help != NULL)
			out(ctx, _(e->help));
		return 0;
	}
	out(ctx, _("Commands (/help COMMAND for more):"));
	size_t n = 0;
	const struct cmd_entry *sorted[256];

	for (; cmd_table[n] != NULL && n < 256; n++)
		sorted[n] = cmd_table[n];
	qsort(sorted, n, sizeof(sorted[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		e = sorted[i];
		line = xasprintf("  /%-11s %-18s %s", e->name, e->usage, _(e->summary));
		out(ctx, line);
		free(line);
	}
	if (cmd_screen(ctx)) {
		out(ctx, _("Keys:"));
		for (size_t i = 0; i < sizeof(help_keys) / sizeof(help_keys[0]); i++) {
			const char *key = _(help_keys[i][0]);
			size_t w = utf8_width(key, strlen(key));

			/* Padded by columns, not bytes: a translated key may be CJK. */
			line = xasprintf("  %s%*s %s", key, w < 22 ? (int)(22 - w) : 0, "",
			                 _(help_keys[i][1]));
			out(ctx, line);
			free(line);
		}
	}
	return 0;
}

const struct cmd_entry cmd_help_entry = {
    .name = "help",
    .usage = "[COMMAND]",
    .summary = N_("list commands and keys, or explain one command"),
    .help = NULL,
    .min_args = 0,
    .max_args = 1,
    .complete = COMPLETE_COMMAND,
    .exec = cmd_help_exec,
};
