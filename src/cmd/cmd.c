#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "util/str.h"
#include "util/utf8.h"
#include "util/xmlchar.h"
#include "xmpp/console.h"
#include "xmpp/message.h"
#include "xmpp/raw.h"

/* Grouped by area; /help sorts them by name. */
const struct cmd_entry *const cmd_table[] = {
    /* session and chat */
    &cmd_clear_entry,
    &cmd_close_entry,
    &cmd_connect_entry,
    &cmd_disconnect_entry,
    &cmd_help_entry,
    &cmd_msg_entry,
    &cmd_quit_entry,
    &cmd_tls_entry,
    &cmd_win_entry,

    /* roster, presence, subscriptions, blocking */
    &cmd_block_entry,
    &cmd_blocked_entry,
    &cmd_info_entry,
    &cmd_presence_entry,
    &cmd_priority_entry,
    &cmd_roster_entry,
    &cmd_status_entry,
    &cmd_sub_entry,
    &cmd_unblock_entry,

    /* XML console */
    &cmd_raw_entry,
    &cmd_xmlconsole_entry,

    /* file transfer */
    &cmd_files_entry,
    &cmd_sendfile_entry,

    /* configuration, accounts, registration */
    &cmd_account_entry,
    &cmd_register_entry,
    &cmd_save_entry,
    &cmd_set_entry,

    NULL,
};

bool cmd_screen(const struct cmd_ctx *ctx)
{
	return ctx->app->fe_ops != NULL && ctx->app->fe_ops->screen;
}

char *cmd_hint(enum app_hint hint, const char *arg)
{
	switch (hint) {
	case APP_HINT_TLS_TRUST:
		return xstrdup("/tls trust");
	case APP_HINT_SUB_PENDING:
		return xstrdup("/sub pending");
	case APP_HINT_SUB_ANSWER:
		return xasprintf(_("/sub allow %s, /sub deny %s, or /block %s if it is spam"), arg,
		                 arg, arg);
	case APP_HINT_BLOCK:
		return xasprintf("/block %s", arg);
	case APP_HINT_LOGIN:
		return xasprintf("/connect %s", arg);
	case APP_HINT_TRANSFERS:
		return xstrdup("/files");
	}
	return xstrdup("");
}

const struct cmd_entry *cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

int cmd_args_parse(struct cmd_args *a, const char *line, int raw_from, const char **err)
{
	const char *p;
	char *w;

	memset(a, 0, sizeof(*a));
	a->line = xstrdup(line);
	a->words = xmalloc(strlen(line) + 1);
	w = a->words;
	p = a->line;
	for (;;) {
		bool quoted = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (raw_from > 0 && a->argc == raw_from) {
			size_t n = strlen(p);

			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n'))
				n--;
			a->rest[a->argc] = p;
			a->argv[a->argc++] = w;
			memcpy(w, p, n);
			w[n] = '\0';
			break;
		}
		if (a->argc == CMD_MAX_ARGS) {
			*err = _("too many arguments");
			return -1;
		}
		a->rest[a->argc] = p;
		a->argv[a->argc++] = w;
		while (*p != '\0' && (quoted || (*p != ' ' && *p != '\t'))) {
			if (*p == '"') {
				quoted = !quoted;
				p++;
			} else if (*p == '\\' && p[1] != '\0') {
				*w++ = p[1];
				p += 2;
			} else {
				*w++ = *p++;
			}
		}
		*w++ = '\0';
		if (quoted) {
			*err = _("unterminated quote");
			return -1;
		}
	}
	return 0;
}

void cmd_args_free(struct cmd_args *a)
{
	free(a->line);
	free(a->words);
	memset(a, 0, sizeof(*a));
}

int cmd_usage(struct cmd_ctx *ctx, const struct cmd_entry *e)
{
	app_error(ctx->app, ctx->name, "usage", _("Usage: /%s %s"), e->name, e->usage);
	return -1;
}

static const char *skip_name(const char *line, char *name, size_t len)
{
	size_t n = 0;

	line++; /* the slash */
	while (*line != '\0' && *line != ' ' && *line != '\t' && *line != '\n') {
		if (n + 1 < len)
			name[n++] = *line;
		line++;
	}
	name[n] = '\0';
	return line;
}

bool cmd_is_secret(const char *line)
{
	char name[32];
	const struct cmd_entry *e;

	if (line[0] != '/')
		return false;
	skip_name(line, name, sizeof(name));
	e = cmd_find(name);
	return e != NULL && (e->flags & CMD_SECRET);
}

bool cmd_history_ok(const char *line, bool continuation)
{
	char *redacted;
	bool same;

	if (continuation)
		return false;
	if (!cmd_is_secret(line))
		return true;
	redacted = console_redact(line, strlen(line));
	same = strcmp(redacted, line) == 0;
	free(redacted);
	return same;
}

static int send_text(struct cmd_ctx *ctx, const char *text)
{
	if (ctx->window == NULL) {
		app_error(ctx->app, NULL, "no-window",
		          _("This window has no contact: use /msg JID TEXT, or /help."));
		return -1;
	}
	ctx->name = "/msg";
	return message_send(ctx->app, ctx->name, ctx->window, text);
}

/* A line holding a character XML cannot carry (ESC from a coloured paste,
 * any byte from a script) is refused before anything is sent: the server
 * would end the session over it, after we had said "sent". */
static int refuse_line(struct cmd_ctx *ctx, const char *command, uint32_t cp, size_t at)
{
	char what[16];

	app_error(ctx->app, command, "bad-character",
	          _("Nothing was sent: the line holds a character XML cannot carry (%s, at byte "
	            "%zu)."),
	          xmlchar_name(cp, what, sizeof(what)), at + 1);
	return -1;
}

/* A message is sent all the same, with U+FFFD for each such character, and
 * the user is told: the rest of a pasted text is worth more than its
 * colours. Returns the line to run (malloc'd). */
static char *clean_message(struct cmd_ctx *ctx, const char *line, uint32_t cp)
{
	char what[16];
	size_t n;
	char *clean = xmlchar_replace(line, &n);

	app_info(ctx->app,
	         ngettext_("The message held %zu character XML cannot carry (%s); it is sent with "
	                   "U+FFFD in its place.",
	                   "The message held %zu characters XML cannot carry (the first: %s); it "
	                   "is sent with U+FFFD in their place.",
	                   n),
	         n, xmlchar_name(cp, what, sizeof(what)));
	return clean;
}

int cmd_execute(struct cmd_ctx *ctx, const char *line)
{
	const struct cmd_entry *e;
	struct cmd_args args;
	const char *rest, *err = NULL;
	char name[32], slashname[34], *clean = NULL;
	size_t len = strlen(line), bad;
	uint32_t cp = 0;
	int rc;

	bad = xmlchar_find_bad(line, len, &cp);
	if (raw_waiting(ctx->app->raw)) { /* the rest of a multi-line /raw */
		if (bad < len)
			return refuse_line(ctx, "/raw", cp, bad);
		return raw_feed(ctx->app->raw, "/raw", line);
	}
	if (line[0] == '\0')
		return 0;
	if (line[0] != '/' || line[1] == '/') {
		if (!cmd_screen(ctx)) {
			app_error(ctx->app, NULL, "unknown-command",
			          _("Not a command: '%.*s'. Commands start with '/'."),
			          (int)utf8_prefix(line, 40), line);
			return -1;
		}
		if (bad < len)
			line = clean = clean_message(ctx, line, cp);
		rc = send_text(ctx, line[0] == '/' ? line + 1 : line);
		free(clean);
		return rc;
	}
	rest = skip_name(line, name, sizeof(name));
	snprintf(slashname, sizeof(slashname), "/%s", name);
	ctx->name = slashname;
	e = cmd_find(name);
	if (e == NULL) {
		app_error(ctx->app, slashname, "unknown-command",
		          _("Unknown command /%s. Type /help for the list."), name);
		return -1;
	}
	if ((e->flags & CMD_UI_ONLY) && !cmd_screen(ctx)) {
		app_error(ctx->app, slashname, "ui-only", _("/%s is not available in batch mode."),
		          name);
		return -1;
	}
	if (bad < len) {
		if (!(e->flags & CMD_MESSAGE))
			return refuse_line(ctx, slashname, cp, bad);
		clean = clean_message(ctx, line, cp);
		rest = skip_name(clean, name, sizeof(name));
	}
	if (cmd_args_parse(&args, rest, e->raw_from, &err) != 0) {
		app_error(ctx->app, slashname, "usage", "%s", err);
		rc = -1;
	} else if (args.argc < e->min_args || (e->max_args >= 0 && args.argc > e->max_args)) {
		rc = cmd_usage(ctx, e);
	} else {
		rc = e->exec(ctx, &args);
	}
	cmd_args_free(&args);
	free(clean);
	return rc;
}
