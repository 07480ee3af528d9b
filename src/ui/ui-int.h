/* The curses UI's state, shared by its files (ui.c: events and windows,
 * layout.c: drawing, complete.c: tab completion). Not for other modules. */
#ifndef JABIRU_UI_INT_H
#define JABIRU_UI_INT_H

#include <curses.h>
#include <stdbool.h>

#include "ui/settings.h"
#include "ui/theme.h"

#define UI_MAX_WINDOWS 100

enum dirty {
	DIRTY_TITLE = 1 << 0,
	DIRTY_MAIN = 1 << 1,
	DIRTY_BAR = 1 << 2,
	DIRTY_INPUT = 1 << 3,
	DIRTY_PANE = 1 << 4,
	DIRTY_ALL = 0xff,
};

struct app;
struct window;
struct roster_pane;

struct ui {
	struct app *app;
	struct ui_settings set;
	struct theme theme;
	struct roster_pane *roster;
	struct window *wins[UI_MAX_WINDOWS];
	int nwins;
	int active; /* index into wins */
	int dirty;
	bool pane_on;          /* the user wants the pane (toggle) */
	unsigned title_unread; /* last unread total written to the terminal title */
	bool on;               /* curses active */
	SCREEN *screen;
};

/* The rectangle of the main (window) area for the current terminal size. */
struct event;
/* The front end's emit and ask_secret (ui/frontend.c holds the table). */
void ui_emit(void *fe, const struct event *ev);
void ui_ask_secret(void *fe, const char *prompt, void (*done)(void *, char *), void *ud);

struct rect {
	int y, x, h, w;
};
struct rect layout_main(const struct ui *ui);
/* The pane's rectangle; w == 0 when hidden (toggled off or too narrow). */
struct rect layout_pane(const struct ui *ui);
/* Draws what is dirty and refreshes once. */
void layout_draw(struct ui *ui);
/* Screen rows a line takes at the main area's width. */
size_t layout_line_rows(const struct ui *ui, const struct window *w, size_t i);

/* Tab completion (complete.c). */
void complete_init(struct ui *ui);

#endif
