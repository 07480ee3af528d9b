/* Batch mode. stdin is read only while no login is under way, so commands a
 * script writes right after start wait for the session instead of failing.
 * At end of input jabiru finishes what is queued, closes the session and
 * exits 0; a login that fails exits 3 after its error event. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "batch/batch.h"
#include "cmd/cmd.h"
#include "i18n.h"
#include "loop.h"
#include "opts.h"
#include "util/json.h"
#include "util/str.h"
#include "xmpp/session.h"

/* A command line longer than this is refused whole (its end is skipped):
 * bounded memory whatever stdin holds. */
#define BATCH_LINE_MAX (1024 * 1024)

struct batch {
	struct app *app;
	struct json json;
	struct buf in;
	bool reading;
	bool eof;
	bool skipping; /* inside an over-long line */
	bool waiting_login;
};

static void write_all(const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* stdout gone: nothing useful left to do with events */
		s += n;
		len -= (size_t)n;
	}
}

static void batch_emit(void *fe, const struct event *ev)
{
	struct batch *b = fe;
	const char *line;

	if (ev->kind == EV_XML && !b->app->opts->xml)
		return; /* only with --xml */
	json_begin(&b->json);
	json_str(&b->json, "event", ev_kind_name(ev->kind));
	for (size_t i = 0; i < ev->nfields; i++) {
		const struct ev_field *f = &ev->f[i];

		switch (f->type) {
		case EVF_STR:
			json_str(&b->json, f->key, f->u.s);
			break;
		case EVF_INT:
			json_int(&b->json, f->key, f->u.i);
			break;
		case EVF_BOOL:
			json_bool(&b->json, f->key, f->u.b);
			break;
		case EVF_STRV:
			json_strv(&b->json, f->key, f->u.sv.v, f->u.sv.n);
			break;
		}
	}
	line = json_end(&b->json);
	write_all(line, strlen(line));
	write_all("\n", 1);

	if (b->waiting_login && (ev->kind == EV_CONNECTED || ev->kind == EV_DISCONNECTED)) {
		b->waiting_login = false;
		if (ev->kind == EV_DISCONNECTED) {
			app_quit(b->app, EXIT_LOGIN);
			return;
		}
		batch_start(b, false);
	}
}

/* Secrets come from JABIRU_PASSWORD in batch mode; there is no one to ask. */
static void batch_ask_secret(void *fe, const char *prompt, void (*done)(void *, char *), void *ud)
{
	struct batch *b = fe;

	(void)prompt;
	app_error(b->app, "/connect", "no-password",
	          _("No password: set JABIRU_PASSWORD for batch mode."));
	done(ud, NULL);
}

const struct frontend batch_frontend = {
    .emit = batch_emit,
    .ask_secret = batch_ask_secret,
    .hint = cmd_hint,
};

static void finish(struct batch *b)
{
	loop_fd_del(b->app->loop, STDIN_FILENO);
	b->reading = false;
	app_shutdown(b->app);
}

static void run_line(struct batch *b, char *line)
{
	struct cmd_ctx ctx = {.app = b->app};
	size_t n = strlen(line);

	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
	cmd_execute(&ctx, line);
}

static void on_stdin(int fd, short revents, void *ud)
{
	struct batch *b = ud;
	char chunk[65536];
	ssize_t n;
	char *nl;

	(void)revents;
	n = read(fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		b->eof = true;
		if (b->in.len > 0 && !b->skipping) {
			buf_append(&b->in, "", 1);
			run_line(b, b->in.data);
		}
		buf_clear(&b->in);
		finish(b);
		return;
	}
	buf_append(&b->in, chunk, (size_t)n);
	while ((nl = memchr(b->in.data, '\n', b->in.len)) != NULL) {
		size_t len = (size_t)(nl - b->in.data);

		*nl = '\0';
		if (!b->skipping)
			run_line(b, b->in.data);
		b->skipping = false;
		memmove(b->in.data, nl + 1, b->in.len - len - 1);
		b->in.len -= len + 1;
		if (b->app->quitting)
			return;
	}
	if (b->in.len > BATCH_LINE_MAX) {
		app_error(b->app, NULL, "usage", _("Command line longer than %d bytes refused."),
		          BATCH_LINE_MAX);
		buf_clear(&b->in);
		b->skipping = true;
	}
}

struct batch *batch_new(struct app *app)
{
	struct batch *b = xcalloc(1, sizeof(*b));

	b->app = app;
	json_init(&b->json);
	buf_init(&b->in);
	return b;
}

void batch_start(struct batch *b, bool wait_for_login)
{
	if (wait_for_login) {
		b->waiting_login = true;
		return;
	}
	if (b->reading || b->eof)
		return;
	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	loop_fd_set(b->app->loop, STDIN_FILENO, POLLIN, on_stdin, b);
	b->reading = true;
}

void batch_free(struct batch *b)
{
	if (b == NULL)
		return;
	json_free(&b->json);
	buf_free(&b->in);
	free(b);
}
