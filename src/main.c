/* jabiru: options, building the app, choosing the front end, running the
 * loop. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "batch/batch.h"
#include "cfg.h"
#include "cmd/cmd.h"
#include "ft/ft.h"
#include "i18n.h"
#include "login-params.h"
#include "loop.h"
#include "net/resolver.h"
#include "opts.h"
#include "ui/ui.h"
#include "util/str.h"
#include "xmpp/blocking.h"
#include "xmpp/console.h"
#include "xmpp/iq.h"
#include "xmpp/keepalive.h"
#include "xmpp/message.h"
#include "xmpp/presence.h"
#include "xmpp/raw.h"
#include "xmpp/register.h"
#include "xmpp/roster.h"
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

static void start_login(struct app *app)
{
	/* A login at start reports as /connect, which it stands for. */
	struct login_request rq = {
	    .jid = app->opts->jid, .password = app->env_password, .command = "/connect"};
	struct cmd_ctx ctx = {.app = app};
	struct session_params p;
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
		/* No HOST or PORT given: nothing to refuse. */
		(void)login_params_build(&p, app->opts, app->config, &rq, NULL);
		session_connect(app->session, &p);
		session_params_free(&p);
		return;
	}
	/* No password in the environment: ask for it, as /connect does. */
	line = xasprintf("/connect %s", app->opts->jid);
	cmd_execute(&ctx, line);
	free(line);
}

/* Problems in jabirurc are reported, never fatal: the defaults stay. */
static void report_config(struct app *app)
{
	for (size_t i = 0; i < app->config->nproblems; i++)
		app_error(app, NULL, "config", "%s", app->config->problems[i]);
}

/* -a NAME, or else the first account marked autoconnect. Returns false when
 * no login was started. */
static bool start_account(struct app *app)
{
	struct cmd_ctx ctx = {.app = app, .name = "/account"};
	const struct account *a = NULL;

	if (app->opts->account != NULL) {
		a = cfg_account(app->config, app->opts->account);
		if (a == NULL) {
			app_error(app, NULL, "unknown-account", _("No account named '%s' in %s."),
			          app->opts->account,
			          app->config->path ? app->config->path : "jabirurc");
			return false;
		}
	} else {
		for (size_t i = 0; i < app->config->naccounts && a == NULL; i++)
			if (app->config->accounts[i].autoconnect)
				a = &app->config->accounts[i];
		if (a == NULL)
			return false;
	}
	return cmd_account_connect(&ctx, a) == 0;
}

/* --register JID: in batch mode jabiru exits when it is done. */
static void start_register(struct app *app)
{
	struct login_request rq = {
	    .jid = app->opts->register_jid, .password = app->env_password, .command = "/register"};
	struct session_params p;
	int rc;

	if (app->batch && app->env_password == NULL) {
		app_error(app, NULL, "no-password",
		          _("No password: set JABIRU_PASSWORD for --register in batch mode."));
		app_quit(app, EXIT_FAILURE_);
		return;
	}
	(void)login_params_build(&p, app->opts, app->config, &rq, NULL);
	rc = register_account(app, &p, app->batch);
	session_params_free(&p);
	if (rc != 0 && app->batch)
		app_quit(app, EXIT_FAILURE_);
}

/* What runs first: a registration, a login (--jid, -a, an autoconnect
 * account), or just the prompt. Batch mode reads stdin only once a login
 * at start has completed. */
static void start(struct app *app, struct batch *batch)
{
	const struct opts *o = app->opts;
	bool started;

	if (o->register_jid != NULL || o->jid != NULL || o->account != NULL) {
		if (batch != NULL)
			batch_start(batch, true);
	}
	if (o->register_jid != NULL) {
		start_register(app);
	} else if (o->jid != NULL) {
		start_login(app);
	} else if (o->account != NULL || batch == NULL) {
		started = start_account(app);
		if (!started && batch != NULL)
			app_quit(app, EXIT_LOGIN);
	} else {
		batch_start(batch, false);
	}
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

/* Parses the command line; returns -1 to go on, or the exit status of a
 * run that ends here (--help, --version, a usage error). */
static int parse_args(struct opts *opts, int argc, char **argv)
{
	char *err;

	if (opts_parse(opts, argc, argv, &err) != 0) {
		fprintf(stderr, "jabiru: %s\n", err);
		fprintf(stderr, _("Try 'jabiru --help' for more information.\n"));
		free(err);
		opts_free(opts);
		return EXIT_USAGE;
	}
	if (opts->help || opts->version) {
		if (opts->help)
			opts_print_help("jabiru");
		else
			opts_print_version();
		opts_free(opts);
		return EXIT_OK;
	}
	return -1;
}

/* dns.servers, at start and after /set: the next lookup uses it. The
 * value was checked by cfg. */
static void dns_settings(void *ud, const struct config *cfg, const char *name)
{
	(void)name;
	resolver_set_servers(ud, cfg_str(cfg, "dns.servers"));
}

/* The modules, in the order they depend on each other: the session first,
 * the console before anything connects (it records from the TCP connect
 * on). Returns false when the XML log cannot be opened. */
static bool modules_init(struct app *app)
{
	const char *xml_log;

	app->loop = loop_new();
	app->resolver = resolver_new(app->loop);
	if (app->resolver != NULL) {
		dns_settings(app->resolver, app->config, NULL);
		cfg_watch(app->config, dns_settings, app->resolver);
	}
	app->session = session_new(app);
	message_init(app);
	iq_init(app);
	app->keepalive = keepalive_new(app, app->loop, app->session, app->config);
	presence_init(app);
	roster_init(app);
	blocking_init(app);
	app->console = console_new(app);
	app->raw = raw_new(app);
	xml_log = cfg_or_opt(app->opts->xml_log, cfg_str(app->config, "console.log"));
	if (xml_log != NULL && console_open_log(app->console, xml_log) != 0) {
		fprintf(stderr, _("jabiru: cannot open the XML log %s: %s\n"), xml_log,
		        strerror(errno));
		return false;
	}
	ft_init(app); /* and the transfer methods' engines */
	return true;
}

static void modules_fini(struct app *app)
{
	ft_fini(app);
	message_fini(app);
	blocking_fini(app);
	roster_fini(app);
	presence_fini(app);
	keepalive_free(app->keepalive);
	app->keepalive = NULL;
	iq_fini(app);
	raw_free(app->raw);
	console_free(app->console);
	session_free(app->session);
	if (app->resolver != NULL)
		cfg_unwatch(app->config, dns_settings, app->resolver);
	resolver_free(app->resolver);
	app->resolver = NULL;
}

/* Batch mode or the screen. Returns false when the screen cannot start. */
static bool frontend_init(struct app *app, struct batch **batch, struct ui **ui)
{
	if (app->batch) {
		*batch = batch_new(app);
		app->fe_ops = &batch_frontend;
		app->fe = *batch;
		loop_signal(app->loop, SIGINT, on_batch_signal, app);
		loop_signal(app->loop, SIGTERM, on_batch_signal, app);
		loop_signal(app->loop, SIGHUP, on_batch_signal, app);
		return true;
	}
	*ui = ui_new(app);
	if (*ui == NULL) {
		fprintf(stderr, _("jabiru: cannot start the screen (is TERM set?)\n"));
		return false;
	}
	app->fe_ops = &ui_frontend;
	app->fe = *ui;
	return true;
}

int main(int argc, char **argv)
{
	struct opts opts;
	struct config config;
	struct app app;
	struct batch *batch = NULL;
	struct ui *ui = NULL;
	int rc;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, locale_dir());
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
	if ((rc = parse_args(&opts, argc, argv)) >= 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);

	memset(&app, 0, sizeof(app));
	app.opts = &opts;
	cfg_load(&config, opts.config);
	app.config = &config;
	app.batch = opts.batch;
	take_env_password(&app);
	if (!modules_init(&app) || !frontend_init(&app, &batch, &ui))
		return EXIT_FAILURE_;

	report_config(&app);
	start(&app, batch);
	loop_run(app.loop);

	ui_free(ui);
	modules_fini(&app);
	batch_free(batch);
	loop_free(app.loop);
	app_free_stages(&app);
	str_free_secret(app.env_password);
	cfg_free(&config);
	opts_free(&opts);
	return app.exit_status;
}
