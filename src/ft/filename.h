/* Safe local names for files a peer sends. The name in an offer is hostile
 * input: it may hold path separators, "..", controls, bidi overrides or
 * nothing at all. */
#ifndef JABIRU_FT_FILENAME_H
#define JABIRU_FT_FILENAME_H

#include <stddef.h>

/* Longest name kept, in bytes (cut on a UTF-8 boundary, extension kept). */
#define FT_NAME_MAX 200

/* Returns a malloc'd file name fit for a directory entry: one path
 * component, no '/', '\\', NUL, C0/C1 controls, DEL or bidi/format
 * characters (each becomes '_'), invalid UTF-8 replaced, no leading dot or
 * space, not "." or "..", at most FT_NAME_MAX bytes. An empty result
 * becomes "file". */
char *ft_filename_sanitize(const char *name);

/* Creates "<dir>/<name>.part" (or "<dir>/<name> (N).ext.part", the first N
 * for which neither the final name nor its .part exists) with
 * O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600. Returns the fd and sets *final and
 * *part (malloc'd), or returns -1 with errno set. */
int ft_filename_create(const char *dir, const char *name, char **final, char **part);

/* Moves part to final without ever replacing an existing file; when final
 * was taken meanwhile, tries "name (N).ext" and updates *final. Uses
 * link() then unlink(); where the file system has no hard links (vfat,
 * exFAT, SMB, many FUSE mounts), renameat2(RENAME_NOREPLACE); where that is
 * missing too, an exclusive create of the final name, then rename() over
 * it. On failure part is left as it was. Returns 0 or -1 with errno set. */
int ft_filename_commit(const char *part, char **final);

/* The calls ft_filename_commit makes that a file system may refuse; the
 * unit test replaces them to act like one without hard links. */
struct ft_fs_ops {
	int (*link)(const char *from, const char *to);
	int (*rename_noreplace)(const char *from, const char *to);
};
int ft_filename_commit_with(const struct ft_fs_ops *ops, const char *part, char **final);

#endif
