/* Drawing the XML console window: the entries of the capture ring that pass
 * the view's filter, newest at the bottom, pretty-printed or compact, in
 * colour. Called by the layout (ui.c) for windows of kind WIN_CONSOLE. */
#ifndef JABIRU_UI_CONSOLE_H
#define JABIRU_UI_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct console;
struct event;
struct window;

/* Draws into screen rows top..bottom (inclusive), cols wide; w->scroll is
 * the number of rows scrolled up from the newest. */
void console_ui_draw(struct console *c, struct window *w, int top, int bottom, int x0, int cols,
                     bool colors);

/* Rows the newest entry takes at cols (0 when the filter or a pause hides
 * it): a view scrolled up grows by as much, so new traffic does not move
 * what the user reads. Needs curses on. */
size_t console_ui_newest_rows(struct console *c, int cols);

/* The line announcing the answer to a /raw iq (malloc'd, raw: the window
 * sanitises it). */
char *console_ui_result_text(const struct event *ev);

#endif
