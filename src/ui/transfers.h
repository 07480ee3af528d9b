/* File transfers on the screen: the lines the status window shows for
 * transfer events, and the transfer table /files prints (one row per
 * transfer: direction, peer, name, size, progress bar, rate, ETA, method,
 * state). */
#ifndef JABIRU_UI_TRANSFERS_H
#define JABIRU_UI_TRANSFERS_H

#include <stdbool.h>

struct app;
struct event;
struct ui;
struct window;

/* A malloc'd line for a file-* event, or NULL for other events (and for
 * file-progress, which the table shows instead of flooding the window). */
char *transfers_event_line(const struct event *ev);
/* Prints the transfer table into the active window. */
void transfers_show(struct ui *ui, struct app *app);
/* One row of the table, at most width columns (malloc'd); for tests. */
struct ft_view;
char *transfers_row(const struct ft_view *v, int width);

/* The transfers window (/files in the curses UI): a header, one row per
 * transfer sized to cols (columns dropped on narrow areas), drawn from the
 * transfers' current state into rows top..bottom from column x0. */
void transfers_ui_draw(struct app *app, const struct window *w, int top, int bottom, int x0,
                       int cols);
/* True for the events after which an open transfers window is redrawn:
 * the file-* events (file-progress comes at most twice a second while
 * bytes move, and never while idle) and the notices ft gives. */
bool transfers_is_event(const struct event *ev);

#endif
