#include "config.h"

#include <stdarg.h>
#include <stdlib.h>

#include "app.h"
#include "ft/ft.h"
#include "loop.h"
#include "util/str.h"
#include "xmpp/session.h"

void app_emit(struct app *app, const struct event *ev)
{
	ev_check(ev);
	if (app->fe_ops != NULL)
		app->fe_ops->emit(app->fe, ev);
	if (ev->kind == EV_DISCONNECTED && app->quitting)
		loop_quit(app->loop);
}

void app_info(struct app *app, const char *fmt, ...)
{
	struct event ev;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	ev_init(&ev, EV_INFO);
	ev_str(&ev, "text", text);
	app_emit(app, &ev);
	free(text);
}

void app_error(struct app *app, const char *command, const char *code, const char *fmt, ...)
{
	struct event ev;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	ev_init(&ev, EV_ERROR);
	ev_str(&ev, "code", code);
	ev_str(&ev, "command", command);
	ev_str(&ev, "text", text);
	app_emit(app, &ev);
	free(text);
}

void app_quit(struct app *app, int status)
{
	app->exit_status = status;
	loop_quit(app->loop);
}

void app_shutdown(struct app *app)
{
	app->quitting = true;
	if (app->batch && ft_hold_shutdown(app))
		return; /* file transfers end first; ft calls again */
	if (app->session != NULL && session_state(app->session) != SESSION_OFFLINE)
		session_disconnect(app->session);
	else
		loop_quit(app->loop);
}
