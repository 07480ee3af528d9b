/* /save: the settings written back into jabirurc. The file is the user's:
 * every line is kept as written (comments, order, blank lines, account
 * sections) except the value of a setting that changed; settings changed
 * from their default and not yet in the file are added at the end of the
 * top (section-less) part. A temporary file renamed over the old one means a
 * crash never leaves half a file. */
#include "config.h"

#include "cfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "util/str.h"
#include "util/xdg.h"

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* The setting a "key = value" line sets, and its value as libinih reads it
 * (an inline comment after " ;" removed). NULL when the line sets none. */
static const struct cfg_setting *line_setting(const char *line, char **value, char **comment)
{
	char *copy = xstrdup(line), *eq, *key, *v, *semi;
	const struct cfg_setting *s = NULL;

	eq = strpbrk(copy, "=:");
	if (eq != NULL && copy[0] != ';' && copy[0] != '#') {
		*eq = '\0';
		key = trim(copy);
		v = eq + 1;
		for (semi = strchr(v, ';'); semi != NULL; semi = strchr(semi + 1, ';'))
			if (semi > v && (semi[-1] == ' ' || semi[-1] == '\t')) {
				*comment = xstrdup(line + (semi - copy));
				*semi = '\0';
				break;
			}
		s = cfg_find(key);
		if (s != NULL)
			*value = xstrdup(trim(v));
	}
	free(copy);
	return s;
}

static void add_missing(const struct config *cfg, bool *written, struct buf *out)
{
	for (size_t i = 0; i < cfg_nsettings(); i++) {
		if (written[i] || strcmp(cfg_saved_value(cfg, i), cfg_settings[i].dflt) == 0)
			continue;
		buf_printf(out, "%s = %s\n", cfg_settings[i].name, cfg_saved_value(cfg, i));
		written[i] = true;
	}
}

/* The top part ends: new settings go right after its last setting line, so
 * that a comment introducing the next section stays with it. */
static void flush_top(const struct config *cfg, bool *written, struct buf *top, size_t at,
                      struct buf *out)
{
	if (top->len > 0)
		buf_append(out, top->data, at);
	add_missing(cfg, written, out);
	if (top->len > at)
		buf_append(out, top->data + at, top->len - at);
	buf_clear(top);
}

/* One line of the top part, rewritten when its setting changed. Returns
 * true when the line sets something. */
static bool top_line(const struct config *cfg, bool *written, const char *line, struct buf *top)
{
	const char *t = line + strspn(line, " \t");
	const struct cfg_setting *s;
	char *v = NULL, *comment = NULL;
	size_t i;

	s = line_setting(t, &v, &comment);
	if (s == NULL) {
		buf_puts(top, line);
		return strpbrk(t, "=:") != NULL && t[0] != ';' && t[0] != '#';
	}
	i = (size_t)(s - cfg_settings);
	written[i] = true;
	if (strcmp(v, cfg_saved_value(cfg, i)) != 0)
		/* the user's comment on the line stays */
		buf_printf(top, "%s = %s%s%s\n", s->name, cfg_saved_value(cfg, i),
		           comment ? "   " : "", comment ? trim(comment) : "");
	else
		buf_puts(top, line);
	free(v);
	free(comment);
	return true;
}

/* The new text of the file from the old one (NULL: none). */
static void rewrite(const struct config *cfg, FILE *old, struct buf *out)
{
	bool *written = xcalloc(cfg_nsettings(), sizeof(bool));
	bool in_top = true;
	struct buf top;
	size_t after_last = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	buf_init(&top);
	while (old != NULL && (n = getline(&line, &cap, old)) > 0) {
		const char *t = line + strspn(line, " \t");

		if (line[n - 1] != '\n') {
			line = xrealloc(line, (size_t)n + 2);
			memcpy(line + n, "\n", 2);
		}
		if (t[0] == '[') {
			bool settings = strncmp(t, "[settings]", 10) == 0;

			if (in_top && !settings) {
				flush_top(cfg, written, &top, after_last, out);
				after_last = 0;
			}
			in_top = settings;
			buf_puts(in_top ? &top : out, line);
			if (in_top)
				after_last = top.len;
		} else if (in_top) {
			if (top_line(cfg, written, line, &top))
				after_last = top.len;
		} else {
			buf_puts(out, line);
		}
	}
	if (in_top)
		flush_top(cfg, written, &top, old != NULL ? after_last : 0, out);
	buf_free(&top);
	free(line);
	free(written);
}

static char *write_file(const char *path, const struct buf *text)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp), err;
	char *why;

	if (fd < 0)
		goto fail;
	if (fchmod(fd, 0600) != 0 || write(fd, text->data, text->len) != (ssize_t)text->len ||
	    fsync(fd) != 0) {
		err = errno;
		close(fd);
		unlink(tmp);
		errno = err;
		goto fail;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		err = errno;
		unlink(tmp);
		errno = err;
		goto fail;
	}
	free(tmp);
	return NULL;
fail:
	why = xasprintf(_("cannot write %s: %s"), path, strerror(errno));
	free(tmp);
	return why;
}

char *cfg_save(const struct config *cfg)
{
	struct buf out;
	FILE *old;
	char *why, *dir;

	if (cfg->path == NULL)
		return xstrdup(_("no configuration directory: neither XDG_CONFIG_HOME nor HOME "
		                 "is set"));
	/* Creates ~/.config/jabiru (0700) when the file is the default one. */
	dir = xdg_path(XDG_CONFIG, "jabirurc");
	free(dir);
	old = fopen(cfg->path, "r");
	if (old == NULL && errno != ENOENT)
		return xasprintf(_("cannot read %s: %s"), cfg->path, strerror(errno));
	buf_init(&out);
	rewrite(cfg, old, &out);
	if (old != NULL)
		fclose(old);
	buf_cstr(&out);
	why = write_file(cfg->path, &out);
	buf_free(&out);
	return why;
}
