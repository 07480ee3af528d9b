/* Safe local names for received files, and the .part file dance: data goes
 * to a temporary name opened O_EXCL|O_NOFOLLOW and becomes the final name
 * only when complete, never replacing a file that exists. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ft/filename.h"
#include "util/str.h"
#include "util/utf8.h"

/* Format and bidi characters that reorder or hide what a user reads. */
static bool is_bad_cp(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
	       cp == 0x200b || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff || cp == 0xfffd;
}

/* Cuts s to at most max bytes on a character boundary, keeping a short
 * extension (".txt") at the end. */
static void cut_keep_ext(char *s, size_t max)
{
	size_t len = strlen(s), elen = 0, keep;
	const char *dot = strrchr(s, '.');
	char ext[24];

	if (len <= max)
		return;
	if (dot != NULL && dot != s && strlen(dot) < sizeof(ext))
		elen = strlen(dot);
	memcpy(ext, s + len - elen, elen);
	keep = max - elen;
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--; /* do not split a UTF-8 sequence */
	memcpy(s + keep, ext, elen);
	s[keep + elen] = '\0';
}

char *ft_filename_sanitize(const char *name)
{
	struct buf b;
	size_t len = name != NULL ? strlen(name) : 0, i = 0;
	char *out, *p;

	buf_init(&b);
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(name + i, len - i, &cp);

		if (cp == '/' || cp == '\\' || is_bad_cp(cp))
			buf_puts(&b, "_");
		else if (cp == '.' && b.len > 0 && b.data[b.len - 1] == '.')
			; /* ".." never survives, even inside a name */
		else
			buf_append(&b, name + i, n);
		i += n;
	}
	buf_cstr(&b);
	p = b.data;
	/* No hidden files, no "." or "..", nothing that starts like an option. */
	while (*p == '.' || *p == ' ' || *p == '-' || *p == '_')
		p++;
	out = xstrdup(p);
	buf_free(&b);
	len = strlen(out);
	while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '.'))
		out[--len] = '\0';
	cut_keep_ext(out, FT_NAME_MAX);
	if (out[0] == '\0') {
		free(out);
		out = xstrdup("file");
	}
	return out;
}

/* "name (n).ext" for n > 0, else name; the extension is what follows the
 * last dot (not a leading one). */
static char *numbered(const char *dir, const char *name, unsigned n)
{
	const char *dot = strrchr(name, '.');

	if (n == 0)
		return xasprintf("%s/%s", dir, name);
	if (dot == NULL || dot == name)
		return xasprintf("%s/%s (%u)", dir, name, n);
	return xasprintf("%s/%.*s (%u)%s", dir, (int)(dot - name), name, n, dot);
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0 || errno != ENOENT;
}

int ft_filename_create(const char *dir, const char *name, char **final, char **part)
{
	for (unsigned n = 0; n < 1000; n++) {
		char *f = numbered(dir, name, n), *p;
		int fd;

		if (exists(f)) {
			free(f);
			continue;
		}
		p = xasprintf("%s.part", f);
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			*final = f;
			*part = p;
			return fd;
		}
		free(f);
		free(p);
		if (errno != EEXIST && errno != ELOOP)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* "notes (1).txt" -> "notes.txt": numbering starts again from the name
 * the file was offered with. */
static char *unnumbered(const char *name)
{
	const char *dot = strrchr(name, '.'), *open;
	size_t stem = dot != NULL && dot != name ? (size_t)(dot - name) : strlen(name);
	size_t i;

	if (stem < 4 || name[stem - 1] != ')')
		return xstrdup(name);
	for (i = stem - 2; i > 0 && name[i] >= '0' && name[i] <= '9'; i--)
		;
	open = name + i;
	if (i < 1 || *open != '(' || name[i - 1] != ' ' || i == stem - 2)
		return xstrdup(name);
	return xasprintf("%.*s%s", (int)(i - 1), name, name + stem);
}

int ft_filename_commit(const char *part, char **final)
{
	const char *slash = strrchr(*final, '/');
	char *dir, *name;
	int rc = -1;

	if (link(part, *final) == 0)
		return unlink(part);
	if (errno != EEXIST || slash == NULL)
		return -1;
	/* Someone created the final name while we were receiving. */
	dir = xstrndup(*final, (size_t)(slash - *final));
	name = unnumbered(slash + 1);
	for (unsigned n = 1; n < 1000; n++) {
		char *f = numbered(dir, name, n);

		if (link(part, f) == 0) {
			free(*final);
			*final = f;
			rc = unlink(part);
			break;
		}
		free(f);
		if (errno != EEXIST)
			break;
	}
	free(dir);
	free(name);
	return rc;
}
