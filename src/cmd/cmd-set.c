/* /set lists or changes settings; /save writes them to jabirurc. */
#include "config.h"

#include "cfg.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "util/str.h"

static void emit_setting(struct app *app, const struct cfg_setting *s, const char *value)
{
	static const char *const type_names[] = {"bool", "int", "string", "choice"};
	struct event ev;

	ev_init(&ev, EV_SETTING);
	ev_str(&ev, "name", s->name);
	ev_str(&ev, "value", value);
	ev_str(&ev, "default", s->dflt);
	ev_str(&ev, "type", type_names[s->type]);
	ev_str(&ev, "doc", _(s->doc));
	app_emit(app, &ev);
}

static int cmd_set_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	struct config *cfg = ctx->app->config;
	const struct cfg_setting *s;
	char *why;

	if (args->argc == 0) {
		for (size_t i = 0; i < cfg_nsettings(); i++)
			emit_setting(ctx->app, &cfg_settings[i], cfg->value[i]);
		return 0;
	}
	s = cfg_find(args->argv[0]);
	if (s == NULL) {
		app_error(ctx->app, ctx->name, "unknown-setting",
		          _("Unknown setting '%s'. /set alone lists them."), args->argv[0]);
		return -1;
	}
	if (args->argc == 1) {
		emit_setting(ctx->app, s, cfg_str(cfg, s->name));
		return 0;
	}
	why = cfg_set(cfg, s->name, args->argv[1]);
	if (why != NULL) {
		app_error(ctx->app, ctx->name, "bad-value", _("Not changed: %s."), why);
		free(why);
		return -1;
	}
	emit_setting(ctx->app, s, cfg_str(cfg, s->name));
	return 0;
}

static int cmd_save_exec(struct cmd_ctx *ctx, struct cmd_args *args)
{
	struct config *cfg = ctx->app->config;
	char *why = cfg_save(cfg);
	struct event ev;

	(void)args;
	if (why != NULL) {
		app_error(ctx->app, ctx->name, "io", _("Settings not saved: %s."), why);
		free(why);
		return -1;
	}
	ev_init(&ev, EV_SAVED);
	ev_str(&ev, "path", cfg->path);
	app_emit(ctx->app, &ev);
	return 0;
}

const struct cmd_entry cmd_set_entry = {
    .name = "set",
    .usage = "[NAME [VALUE]]",
    .summary = N_("list settings, show or change one"),
    .help = N_("/set alone lists every setting with its value and default; /set NAME "
               "shows one; /set NAME VALUE changes it at once, for this run. /save "
               "keeps the changes. Quote a value with spaces: /set NAME \"a b\"."),
    .min_args = 0,
    .max_args = 2,
    .exec = cmd_set_exec,
};

const struct cmd_entry cmd_save_entry = {
    .name = "save",
    .usage = "",
    .summary = N_("write the settings to the configuration file"),
    .help = N_("Writes the settings into jabirurc, keeping its comments, order and "
               "account sections. Passwords are never written."),
    .min_args = 0,
    .max_args = 0,
    .exec = cmd_save_exec,
};

char *cmd_config_event_line(const struct event *ev)
{
	switch (ev->kind) {
	case EV_SETTING:
		return xasprintf(_("%s = %s (default: %s) — %s"), EV_GET_STR(ev, EV_SETTING, name),
		                 EV_GET_STR(ev, EV_SETTING, value),
		                 EV_GET_STR(ev, EV_SETTING, default),
		                 EV_GET_STR(ev, EV_SETTING, doc));
	case EV_SAVED:
		return xasprintf(_("Settings saved to %s."), EV_GET_STR(ev, EV_SAVED, path));
	case EV_ACCOUNT:
		return xasprintf(
		    _("Account %s: %s%s"), EV_GET_STR(ev, EV_ACCOUNT, name),
		    EV_GET_STR(ev, EV_ACCOUNT, jid),
		    EV_GET_BOOL(ev, EV_ACCOUNT, autoconnect) ? _(" (connects at start)") : "");
	default:
		return NULL;
	}
}
