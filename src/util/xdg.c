/* XDG base directories (XDG Base Directory Specification 0.8) and the
 * xdg-user-dirs download directory. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "util/xdg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/str.h"

static const struct {
	const char *env;
	const char *fallback; /* under $HOME */
} bases[] = {
    [XDG_CONFIG] = {"XDG_CONFIG_HOME", ".config"},
    [XDG_DATA] = {"XDG_DATA_HOME", ".local/share"},
    [XDG_CACHE] = {"XDG_CACHE_HOME", ".cache"},
    [XDG_STATE] = {"XDG_STATE_HOME", ".local/state"},
};

/* The spec says relative paths in these variables are invalid and must be
 * ignored, so "" and "foo" both fall back. */
static const char *abs_env(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] == '/' ? v : NULL;
}

/* "<base>" without the "jabiru" component. */
static char *base_dir(enum xdg_kind kind)
{
	const char *v, *home;

	if ((unsigned)kind >= sizeof(bases) / sizeof(bases[0]))
		return NULL;
	v = abs_env(bases[kind].env);
	if (v)
		return xstrdup(v);
	home = abs_env("HOME");
	if (!home)
		return NULL;
	return xasprintf("%s/%s", home, bases[kind].fallback);
}

char *xdg_dir(enum xdg_kind kind)
{
	char *base = base_dir(kind), *dir;

	if (!base)
		return NULL;
	dir = xasprintf("%s/jabiru", base);
	free(base);
	return dir;
}

/* mkdir -p with mode 0700 for every directory it creates (existing ones
 * keep their mode). path is modified temporarily. */
static int mkdirs(char *path)
{
	struct stat st;
	char *p, saved;

	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		saved = *p;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*p = saved;
			return -1;
		}
		/* EEXIST may name a file; a later open would fail less
		 * clearly than this. */
		if (stat(path, &st) < 0) {
			*p = saved;
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			*p = saved;
			errno = ENOTDIR;
			return -1;
		}
		*p = saved;
		if (saved == '\0')
			return 0;
	}
}

/* Names come from our own code, but a ".." or absolute name would still
 * escape the directory we promise to stay in. */
static bool name_ok(const char *name)
{
	const char *p = name;

	if (name[0] == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	return true;
}

char *xdg_path(enum xdg_kind kind, const char *name)
{
	char *dir, *path, *slash;
	int saved;

	if (name && !name_ok(name)) {
		errno = EINVAL;
		return NULL;
	}
	dir = xdg_dir(kind);
	if (!dir) {
		errno = ENOENT;
		return NULL;
	}
	if (!name || !name[0])
		path = dir;
	else {
		path = xasprintf("%s/%s", dir, name);
		free(dir);
	}

	/* Create the jabiru directory and any directories inside name,
	 * not the last component: that is the caller's file. */
	slash = (name && name[0]) ? strrchr(path, '/') : NULL;
	if (slash)
		*slash = '\0';
	if (mkdirs(path) < 0) {
		saved = errno;
		free(path);
		errno = saved;
		return NULL;
	}
	if (slash)
		*slash = '/';
	return path;
}

/* Reads XDG_DOWNLOAD_DIR from user-dirs.dirs. The file is written by
 * xdg-user-dirs-update as shell assignments whose value is "$HOME/..." or
 * an absolute path, with '"', '\\', '$' and '`' backslash-escaped. */
static char *download_from_user_dirs(const char *home)
{
	static const char key[] = "XDG_DOWNLOAD_DIR=\"";
	char *base = base_dir(XDG_CONFIG), *file, *line = NULL, *found = NULL;
	size_t cap = 0;
	FILE *f;

	if (!base)
		return NULL;
	file = xasprintf("%s/user-dirs.dirs", base);
	free(base);
	f = fopen(file, "re");
	free(file);
	if (!f)
		return NULL;
	while (!found && getline(&line, &cap, f) > 0) {
		const char *v = line + strspn(line, " \t");
		bool in_home;
		struct buf b;

		if (strncmp(v, key, sizeof(key) - 1) != 0)
			continue;
		v += sizeof(key) - 1;
		in_home = strncmp(v, "$HOME", 5) == 0 && (v[5] == '/' || v[5] == '"');
		if (in_home ? !home : *v != '/')
			continue; /* neither form the format allows */
		buf_init(&b);
		if (in_home) {
			buf_puts(&b, home);
			v += 5;
		}
		for (; *v && *v != '"'; v++) {
			if (*v == '\\' && v[1])
				v++;
			buf_append(&b, v, 1);
		}
		if (*v != '"') {
			buf_free(&b); /* unterminated */
			continue;
		}
		/* Trailing slashes (and "$HOME/", which xdg-user-dirs uses
		 * for "disabled", meaning the home directory itself). */
		while (b.len > 1 && b.data[b.len - 1] == '/')
			b.len--;
		found = xstrdup(buf_cstr(&b));
		buf_free(&b);
	}
	free(line);
	fclose(f);
	return found;
}

char *xdg_download_dir(void)
{
	const char *v = abs_env("XDG_DOWNLOAD_DIR");
	const char *home = abs_env("HOME");
	char *d;

	if (v)
		return xstrdup(v);
	d = download_from_user_dirs(home);
	if (d)
		return d;
	if (!home)
		return NULL;
	return xasprintf("%s/Downloads", home);
}
