/* The roster cache: the items and their version, per account in the XDG
 * cache dir, so a login with roster versioning (XEP-0237) need not fetch
 * the whole roster. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "i18n.h"
#include "loop.h"
#include "util/map.h"
#include "util/str.h"
#include "util/xdg.h"
#include "xmpp/roster.h"
#include "xmpp/roster_int.h"

/* Pushes come in bursts (an import, another client's bulk edit): the cache
 * is written once after a burst, not once per push. */
#define SAVE_DELAY_MS 1000

static char *cache_file(struct roster *r)
{
	char *name, *f;

	if (r->account == NULL)
		return NULL;
	name = xasprintf("roster/%s", r->account);
	f = xdg_path(XDG_CACHE, name);
	free(name);
	return f;
}

/* Written to a temporary file and renamed, so a crash never leaves half a
 * roster that a later login would trust. */
void roster_cache_save(struct app *app)
{
	struct roster *r = app->roster;
	char *file = cache_file(r), *tmp, *line;
	const char *k;
	void *v;
	FILE *f;
	bool ok;

	if (file == NULL || r->ver == NULL) {
		free(file);
		return;
	}
	tmp = xasprintf("%s.tmp", file);
	f = fopen(tmp, "w");
	if (f == NULL) {
		app_error(app, NULL, "io", _("Cannot write the roster cache %s: %s"), tmp,
		          strerror(errno));
		goto out;
	}
	fchmod(fileno(f), 0600);
	fprintf(f, "jabiru-roster 1\n");
	line = xstrdup(r->ver);
	{
		struct buf b;

		buf_init(&b);
		roster_escape(&b, line);
		fprintf(f, "%s\n", buf_cstr(&b));
		buf_free(&b);
	}
	free(line);
	for (size_t i = 0; map_next(&r->items, &i, &k, &v);) {
		line = roster_item_format(v);
		fprintf(f, "%s\n", line);
		free(line);
	}
	ok = fflush(f) == 0 && !ferror(f);
	if (fclose(f) != 0 || !ok || rename(tmp, file) != 0) {
		app_error(app, NULL, "io", _("Cannot write the roster cache %s: %s"), file,
		          strerror(errno));
		unlink(tmp);
	}
out:
	free(tmp);
	free(file);
}

/* Loads the cached items and version; a missing or damaged cache means no
 * version, so the server sends the whole roster. */
void roster_cache_load(struct app *app)
{
	struct roster *r = app->roster;
	char *file = cache_file(r), *line = NULL, *p;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int lineno = 0;
	bool bad = false;

	if (file == NULL || (f = fopen(file, "r")) == NULL) {
		free(file);
		return;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		struct roster_item it;

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		lineno++;
		if (lineno == 1) {
			bad = strcmp(line, "jabiru-roster 1") != 0;
		} else if (lineno == 2) {
			p = line;
			r->ver = xstrdup(roster_next_field(&p));
		} else if (roster_item_unformat(line, &it)) {
			struct roster_item *h = xmalloc(sizeof(*h));

			*h = it;
			roster_item_destroy(map_put(&r->items, h->jid, h));
		} else {
			bad = true;
		}
		if (bad)
			break;
	}
	free(line);
	fclose(f);
	if (bad || lineno < 2) {
		app_info(app, _("The roster cache %s is damaged; fetching the whole roster."),
		         file);
		free(r->ver);
		r->ver = NULL;
		map_free(&r->items, roster_item_destroy); /* and ready for reuse */
	}
	free(file);
}

static void on_save_timer(void *ud)
{
	struct app *app = ud;

	app->roster->save_timer = NULL;
	roster_cache_save(app);
}

void roster_cache_schedule(struct app *app)
{
	if (app->roster->save_timer == NULL)
		app->roster->save_timer =
		    loop_timer_add(app->loop, SAVE_DELAY_MS, on_save_timer, app);
}

void roster_cache_flush(struct app *app)
{
	if (app->roster->save_timer != NULL) {
		loop_timer_del(app->loop, app->roster->save_timer);
		app->roster->save_timer = NULL;
		roster_cache_save(app);
	}
}
