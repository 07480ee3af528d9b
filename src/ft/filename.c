/* Safe local names for received files, and the .part file dance: data goes
 * to a temporary name opened O_EXCL|O_NOFOLLOW and becomes the final name
 * only when complete, never replacing a file that exists. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* renameat2 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Whether a failed link() says the file system has no hard links (vfat,
 * exFAT, SMB and many FUSE mounts answer EPERM), rather than that the name
 * is taken or the disk is broken. */
static bool no_hard_links(int e)
{
	return e == EPERM || e == ENOTSUP || e == EOPNOTSUPP || e == ENOSYS || e == EMLINK;
}

/* Whether renameat2() says the file system (or the kernel) does not know
 * RENAME_NOREPLACE. */
static bool no_noreplace(int e)
{
	return e == EINVAL || e == ENOSYS || e == ENOTSUP || e == EOPNOTSUPP;
}

static int sys_rename_noreplace(const char *from, const char *to)
{
#ifdef HAVE_RENAMEAT2
	return renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
#else
	(void)from;
	(void)to;
	errno = ENOSYS;
	return -1;
#endif
}

static const struct ft_fs_ops sys_ops = {link, sys_rename_noreplace};

/* The last resort, for file systems with neither hard links nor
 * RENAME_NOREPLACE: reserve the name with an exclusive create (which fails
 * on anything that exists, a symlink included), then rename the .part over
 * that empty placeholder, checked to be still ours. The final name holds
 * nothing or the whole file, never a part of it; on failure the placeholder
 * goes and the .part stays. */
static int place_exclusive(const char *part, const char *to)
{
	struct stat mine, now;
	int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), saved;

	if (fd < 0)
		return -1;
	if (fstat(fd, &mine) != 0) {
		saved = errno;
		close(fd);
		unlink(to);
		errno = saved;
		return -1;
	}
	close(fd);
	if (lstat(to, &now) != 0 || now.st_dev != mine.st_dev || now.st_ino != mine.st_ino) {
		errno = EEXIST; /* replaced meanwhile: not ours to overwrite */
		return -1;
	}
	if (rename(part, to) == 0)
		return 0;
	saved = errno;
	unlink(to);
	errno = saved;
	return -1;
}

/* Gives part the name to without ever replacing a file: link() where the
 * file system has hard links, else renameat2(RENAME_NOREPLACE), else the
 * placeholder. 0, or -1 with errno set (EEXIST: the name is taken). */
static int place(const struct ft_fs_ops *ops, const char *part, const char *to)
{
	if (ops->link(part, to) == 0) {
		/* The data has its name; a .part left beside it is untidy,
		 * not a failure. */
		(void)unlink(part);
		return 0;
	}
	if (!no_hard_links(errno))
		return -1;
	if (ops->rename_noreplace(part, to) == 0)
		return 0;
	if (!no_noreplace(errno))
		return -1;
	return place_exclusive(part, to);
}

int ft_filename_commit_with(const struct ft_fs_ops *ops, const char *part, char **final)
{
	const char *slash = strrchr(*final, '/');
	char *dir, *name;
	int rc = -1;

	if (place(ops, part, *final) == 0)
		return 0;
	if (errno != EEXIST || slash == NULL)
		return -1;
	/* Someone created the final name while we were receiving. */
	dir = xstrndup(*final, (size_t)(slash - *final));
	name = unnumbered(slash + 1);
	for (unsigned n = 1; n < 1000; n++) {
		char *f = numbered(dir, name, n);

		if (place(ops, part, f) == 0) {
			free(*final);
			*final = f;
			rc = 0;
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

int ft_filename_commit(const char *part, char **final)
{
	return ft_filename_commit_with(&sys_ops, part, final);
}
