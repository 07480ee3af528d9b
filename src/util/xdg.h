/* XDG base directories for jabiru's config, data and cache. */
#ifndef JABIRU_XDG_H
#define JABIRU_XDG_H

enum xdg_kind { XDG_CONFIG, XDG_DATA, XDG_CACHE, XDG_STATE };

/* Returns a newly allocated "<base>/jabiru" path (without creating it):
 * $XDG_*_HOME when set and absolute, else the documented default under
 * $HOME. Returns NULL when neither is usable. */
char *xdg_dir(enum xdg_kind kind);
/* Like xdg_dir() joined with name; creates the directory (mode 0700) and
 * its parents. Returns NULL (errno set) on failure. */
char *xdg_path(enum xdg_kind kind, const char *name);
/* The user's download directory: $XDG_DOWNLOAD_DIR, else from
 * user-dirs.dirs, else ~/Downloads. */
char *xdg_download_dir(void);

#endif
