#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "util/str.h"
#include "xmpp/console.h"

static int set_filter(struct cmd_ctx *ctx, struct console_view *v, struct cmd_args *args)
{
	char *err, *desc;

	if (console_filter_parse(&v->filter, args->argc - 1, args->argv + 1, &err) != 0) {
		app_error(ctx->app, ctx->name, "usage", "%s", err);
		free(err);
		return -1;
	}
	desc = console_filter_describe(&v->filter);
	if (desc[0] == '\0')
		app_info(ctx->app, _("XML console: no filter, every element shows."));
	else
		app_info(ctx->app, _("XML console: showing only %s."), desc);
	free(desc);
	return 0;
}

static int set_size(struct cmd_ctx *ctx, struct cmd_args *args)
{
	char *end;
	long n;

	if (args->argc != 2)
		return cmd_usage(ctx, &cmd_xmlconsole_entry);
	errno = 0;
	n = strtol(args->argv[1], &end, 10);
	if (errno != 0 || *end != '\0' || n < 10 || n > 1000000) {
		app_error(ctx->app, ctx->name, "usage",
		          _("The console keeps from 10 to 1000000 elements; '%s' is not one."),
		          args->argv[1]);
		return -1;
	}
	console_set_cap(ctx->app->console, (size_t)n, 0);
	app_info(ctx->app, _("XML console: keeping the last %ld elements."), n);
	return 0;
}

static int view_word(struct cmd_ctx *ctx, struct console_view *v, const char *w)
{
	const struct console_entry *last;
	size_t n = console_count(ctx->app->console);

	if (strcmp(w, "compact") == 0) {
		v->compact = true;
	} else if (strcmp(w, "pretty") == 0) {
		v->compact = false;
	} else if (strcmp(w, "pause") == 0) {
		last = n > 0 ? console_entry(ctx->app->console, n - 1) : NULL;
		v->paused = true;
		v->paused_seq = last != NULL ? last->seq : 0;
		app_info(ctx->app, _("XML console paused: recording goes on, the view stays "
		                     "still until /xmlconsole resume."));
	} else if (strcmp(w, "resume") == 0) {
		v->paused = false;
	} else {
		return cmd_usage(ctx, &cmd_xmlconsole_entry);
	}
	return 0;
}

static int cmd_xmlconsole_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	struct console_view *v = console_view(ctx->app->console);
	const char *w = args->argc > 0 ? args->argv[0] : NULL;
	int rc = 0;

	if (w != NULL && strcmp(w, "filter") == 0)
		rc = set_filter(ctx, v, args);
	else if (w != NULL && strcmp(w, "size") == 0)
		rc = set_size(ctx, args);
	else if (w != NULL)
		rc = view_word(ctx, v, w);
	if (rc == 0 && cmd_screen(ctx))
		ctx->app->fe_ops->open_console(ctx->app->fe);
	return rc;
}

static const char *const xmlconsole_subcommands[] = {
    "compact", "pretty", "pause", "resume", "filter", "size", NULL,
};

const struct cmd_entry cmd_xmlconsole_entry = {
    .name = "xmlconsole",
    .usage = "[compact|pretty|pause|resume|filter [WORD...]|size N]",
    .summary = N_("open the XML console, or change what it shows"),
    .help = N_("Shows every element sent and received since the connection began, "
               "secrets redacted. compact: one line per element; pretty: indented and "
               "coloured (the default); pause and resume freeze and thaw the view while "
               "recording goes on; filter in|out iq|message|presence|other jid:JID "
               "ns:NAMESPACE text:TEXT narrows it (all words must match; kinds and "
               "directions add up), filter alone clears; size N keeps the last N elements "
               "(default 2000). PageUp and PageDown scroll."),
    .min_args = 0,
    .max_args = -1,
    .subcommands = xmlconsole_subcommands,
    .flags = CMD_UI_ONLY,
    .exec = cmd_xmlconsole_exec,
};
