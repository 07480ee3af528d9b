/* jabiru: options, building the app, choosing the front end, running the
 * loop. */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "batch/batch.h"
#include "cmd/cmd.h"
#include "ft/ft.h"
#include "ft/s5b.h"
#include "i18n.h"
#include "loop.h"
#include "opts.h"
#include "ui/ui.h"
#include "util/str.h"
#include "xmpp/message.h"
#include "xmpp/presence.h"
#include "xmpp/session.h"

static void take_env_password(struct app *app)
{
	const char *pw = getenv("JABIRU_PASSWORD");

	if (pw != NULL) {
		app->env_password = xstrdup(pw);
		/* No child process (password_cmd, prosody in tests) inherits it. */
		unsetenv("JABIRU_PASSWORD");
	}
}

static void start_login(struct app *app, struct ui *ui)
{
	struct session_params p = {
		.jid = app->opts->jid,
		.password = app->env_password,
		.server = app->opts->server,
		.port = app->opts->port,
		.tls = app->opts->tls,
		.ca_file = app->opts->ca_file,
		.resource = app->opts->resource,
	};
	struct cmd_ctx ctx = {.app = app, .ui = ui};
	char *line;

	if (app->batch && app->env_password == NULL) {
		struct event ev;

		app_error(app, NULL, "no-password",
			  _("No password: set JABIRU_PASSWORD for batch mode."));
		ev_init(&ev, EV_DISCONNECTED);
		ev_str(&ev, "reason", _("login failed"));
		ev_bool(&ev, "login_failed", true);
		app_emit(app, &ev);
		return;
	}
	if (app->env_password != NULL) {
		session_connect(app->session, &p);
		return;
	}
	/* No password in the environment: ask for it, as /connect does. */
	line = xasprintf("/connect %s", app->opts->jid);
	cmd_execute(&ctx, line);
	free(line);
}

static void on_batch_signal(int signo, void *ud)
{
	(void)signo;
	app_shutdown(ud);
}

static const char *locale_dir(void)
{
	const char *d = getenv("JABIRU_LOCALEDIR");

	return d != NULL && d[0] != '\0' ? d : LOCALEDIR;
}

int main(int argc, char **argv)
{
	struct opts opts;
	struct app app;
	struct batch *batch = NULL;
	struct ui *ui = NULL;
	char *err;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, locale_dir());
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);

	if (opts_parse(&opts, argc, argv, &err) != 0) {
		fprintf(stderr, "jabiru: %s\n", err);
		fprintf(stderr, _("Try 'jabiru --help' for more information.\n"));
		free(err);
		opts_free(&opts);
		return EXIT_USAGE;
	}
	if (opts.help) {
		opts_print_help("jabiru");
		opts_free(&opts);
		return EXIT_OK;
	}
	if (opts.version) {
		opts_print_version();
		opts_free(&opts);
		return EXIT_OK;
	}
	signal(SIGPIPE, SIG_IGN);

	memset(&app, 0, sizeof(app));
	app.opts = &opts;
	app.batch = opts.batch;
	take_env_password(&app);
	app.loop = loop_new();
	app.session = session_new(&app);
	message_init(&app);
	presence_init(&app);
	ft_init(&app);
	ft_disco_responder_install(&app); /* until the disco module answers */
	s5b_init(&app);

	if (opts.batch) {
		batch = batch_new(&app);
		app.fe_ops = &batch_frontend;
		app.fe = batch;
		loop_signal(app.loop, SIGINT, on_batch_signal, &app);
		loop_signal(app.loop, SIGTERM, on_batch_signal, &app);
		loop_signal(app.loop, SIGHUP, on_batch_signal, &app);
	} else {
		ui = ui_new(&app);
		if (ui == NULL) {
			fprintf(stderr, _("jabiru: cannot start the screen (is TERM set?)\n"));
			return EXIT_FAILURE_;
		}
		app.fe_ops = &ui_frontend;
		app.fe = ui;
	}

	if (opts.jid != NULL) {
		if (batch != NULL)
			batch_start(batch, true);
		start_login(&app, ui);
	} else if (batch != NULL) {
		batch_start(batch, false);
	}
	loop_run(app.loop);

	ui_free(ui);
	ft_fini(&app);
	message_fini(&app);
	s5b_fini(&app);
	session_free(app.session);
	batch_free(batch);
	loop_free(app.loop);
	str_free_secret(app.env_password);
	opts_free(&opts);
	return app.exit_status;
}
