#include "config.h"

#include <stdarg.h>
#include <stdlib.h>

#include "app.h"
#include "loop.h"
#include "util/str.h"

void app_emit(struct app *app, const struct event *ev)
{
	ev_check(ev);
	if (app->fe_ops != NULL)
		app->fe_ops->emit(app->fe, ev);
}

/* An info (command NULL) or error event with a formatted text. */
static void emit_text(struct app *app, const char *command, const char *code, const char *fmt,
                      va_list ap)
{
	struct event ev;
	char *text = xvasprintf(fmt, ap);

	ev_init(&ev, code != NULL ? EV_ERROR : EV_INFO);
	if (code != NULL) {
		ev_str(&ev, "code", code);
		ev_str(&ev, "command", command);
	}
	ev_str(&ev, "text", text);
	app_emit(app, &ev);
	free(text);
}

void app_info(struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_text(app, NULL, NULL, fmt, ap);
	va_end(ap);
}

void app_error(struct app *app, const char *command, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_text(app, command, code, fmt, ap);
	va_end(ap);
}

char *app_hint(struct app *app, enum app_hint hint, const char *arg)
{
	if (app->fe_ops == NULL || app->fe_ops->hint == NULL)
		return xstrdup("");
	return app->fe_ops->hint(hint, arg);
}

void app_quit(struct app *app, int status)
{
	app->exit_status = status;
	loop_quit(app->loop);
}

void app_add_stage(struct app *app, app_stage_fn fn, void *ud)
{
	app->stages = xrealloc(app->stages, (app->nstages + 1) * sizeof(*app->stages));
	app->stages[app->nstages].fn = fn;
	app->stages[app->nstages].ud = ud;
	app->nstages++;
}

void app_free_stages(struct app *app)
{
	free(app->stages);
	app->stages = NULL;
	app->nstages = 0;
}

/* Asks the current stage; true when it holds. A release from inside the
 * stage's own call (the session may close at once) counts as no hold. */
static bool ask_stage(struct app *app, bool again)
{
	const struct app_stage *st = &app->stages[app->nstages - 1 - app->stage_at];
	bool held;

	app->stage_held = true;
	app->stage_released = false;
	app->in_stage = true;
	held = st->fn(st->ud, again);
	app->in_stage = false;
	app->stage_held = held && !app->stage_released;
	return app->stage_held;
}

/* Runs the stages from stage_at (counted from the last added) until one
 * holds; after the last, the loop ends. */
static void run_stages(struct app *app)
{
	while (app->stage_at < app->nstages) {
		if (ask_stage(app, false))
			return;
		app->stage_at++;
	}
	loop_quit(app->loop);
}

void app_shutdown(struct app *app)
{
	if (!app->quitting) {
		app->quitting = true;
		app->stage_at = 0;
		run_stages(app);
		return;
	}
	if (!app->stage_held || app->stage_at >= app->nstages)
		return;
	if (ask_stage(app, true))
		return;
	app->stage_at++;
	run_stages(app);
}

static void next_stage(void *ud)
{
	struct app *app = ud;

	app->stage_at++;
	run_stages(app);
}

void app_release(struct app *app, void *ud)
{
	if (!app->quitting || !app->stage_held || app->stage_at >= app->nstages ||
	    app->stages[app->nstages - 1 - app->stage_at].ud != ud)
		return;
	app->stage_held = false;
	if (app->in_stage)
		app->stage_released = true; /* ask_stage goes on */
	else
		loop_timer_add(app->loop, 0, next_stage, app);
}
