/* Colours and attributes of each part of the screen: built-in defaults that
 * suit 8 colours, overridden by a small theme file, reduced to bold and
 * reverse on monochrome terminals or when NO_COLOR is set. */
#ifndef JABIRU_THEME_H
#define JABIRU_THEME_H

#include <stdbool.h>

enum theme_el {
	TH_TITLE,
	TH_BAR,
	TH_BAR_ACTIVE,
	TH_UNREAD,
	TH_OWN,
	TH_PEER,
	TH_INFO,
	TH_ERROR,
	TH_PRESENCE,
	TH_MORE,
	TH_GROUP,
	TH_PANE,
	TH_CHAT,
	TH_ONLINE,
	TH_AWAY,
	TH_XA,
	TH_DND,
	TH_OFFLINE,
	TH__COUNT
};

struct theme {
	bool colors;
	int attr[TH__COUNT];
};

/* Sets up colours (curses must be running). path may be NULL or name a
 * missing file. Problems in the file are returned one by one through warn
 * (translated text) and skipped. */
void theme_init(struct theme *t, const char *path, void (*warn)(void *ud, const char *msg),
                void *ud);
static inline int theme_attr(const struct theme *t, enum theme_el el)
{
	return t->attr[el];
}

#endif
