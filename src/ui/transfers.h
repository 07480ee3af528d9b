/* File transfers on the screen: the lines the status window shows for
 * transfer events, and the transfer table /files prints (one row per
 * transfer: direction, peer, name, size, progress bar, rate, ETA, method,
 * state). */
#ifndef JABIRU_UI_TRANSFERS_H
#define JABIRU_UI_TRANSFERS_H

struct app;
struct event;
struct ui;

/* A malloc'd line for a file-* event, or NULL for other events (and for
 * file-progress, which the table shows instead of flooding the window). */
char *transfers_event_line(const struct event *ev);
/* Prints the transfer table into the active window. */
void transfers_show(struct ui *ui, struct app *app);
/* One row of the table, at most width columns (malloc'd); for tests. */
struct ft_view;
char *transfers_row(const struct ft_view *v, int width);

#endif
