/* A window's content: a bounded ring of lines already sanitised for the
 * terminal, and its scroll position. No curses here: the layout draws it. */
#ifndef JABIRU_WINDOW_H
#define JABIRU_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Bytes of one line's text kept; the rest is left out with a note. */
#define WINDOW_LINE_MAX (32u * 1024)

enum win_kind { WIN_STATUS, WIN_CHAT, WIN_CONSOLE, WIN_TRANSFERS };

enum line_kind {
	LINE_INFO,     /* system notice */
	LINE_ERROR,    /* something failed */
	LINE_IN,       /* from the contact */
	LINE_OUT,      /* from us */
	LINE_PRESENCE, /* presence change of the contact */
};

struct line {
	time_t when;
	enum line_kind kind;
	char *who;  /* sanitised sender label, may be NULL */
	char *text; /* sanitised, may hold '\n' */
};

struct window {
	enum win_kind kind;
	char *jid;   /* bare JID for chat windows */
	char *title; /* short name for the window bar */
	struct line *lines;
	size_t cap;   /* ring capacity, grown up to limit as lines come */
	size_t limit; /* the scrollback limit */
	size_t first; /* index of the oldest line */
	size_t count;
	size_t scroll; /* screen rows scrolled up from the bottom */
	unsigned unread;
	bool more_below; /* new lines arrived while scrolled up */
};

struct window *window_new(enum win_kind kind, const char *jid, const char *title,
                          size_t scrollback);
void window_free(struct window *w);
/* Adds a line; who and text are raw (remote) strings, sanitised here and
 * cut at WINDOW_LINE_MAX bytes. */
void window_add(struct window *w, enum line_kind kind, time_t when, const char *who,
                const char *text);
/* The i-th line, 0 the oldest. */
const struct line *window_line(const struct window *w, size_t i);
void window_clear(struct window *w);

/* Wrapping: splits text into rows of at most width columns. Calls emit for
 * each row with a pointer into text and its byte length. Breaks at spaces
 * when it can, inside a word when it must; honours '\n'. Returns the row
 * count. */
size_t window_wrap(const char *text, size_t width,
                   void (*emit)(void *ud, const char *row, size_t len), void *ud);

#endif
