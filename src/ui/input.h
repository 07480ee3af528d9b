/* The prompt: GNU readline in callback mode, drawn on the bottom line of the
 * curses screen. readline never touches the terminal itself. */
#ifndef JABIRU_INPUT_H
#define JABIRU_INPUT_H

#include <stdbool.h>
#include <stddef.h>

struct ui;

struct input_ops {
	void (*line)(struct ui *ui, char *line);          /* a line was entered (malloc'd) */
	void (*key)(struct ui *ui, int action);           /* a bound key was pressed */
	void (*dirty)(struct ui *ui);                     /* the prompt needs drawing */
	void (*matches)(struct ui *ui, const char *text); /* completion candidates */
	/* whether a line entered may be kept in the history */
	bool (*history_ok)(struct ui *ui, const char *line);
};

enum input_action {
	INPUT_WIN_1 = 1, /* .. INPUT_WIN_1 + 9 for Alt-0 (window 10) */
	INPUT_WIN_PREV = 20,
	INPUT_WIN_NEXT,
	INPUT_PAGE_UP,
	INPUT_PAGE_DOWN,
	INPUT_REDRAW,
	INPUT_PANE_TOGGLE,
	INPUT_PANE_UP,
	INPUT_PANE_DOWN,
};

void input_init(struct ui *ui, const struct input_ops *ops, const char *history_file);
void input_fini(void);
/* Feeds bytes read from the terminal. */
void input_feed(const char *bytes, size_t n);
/* Draws the prompt on row y of the screen, width cols; leaves the cursor at
 * the insertion point. */
void input_draw(int y, int cols);
/* The next line entered is a secret: not echoed, not kept in the history. */
void input_ask_secret(const char *prompt, void (*done)(void *ud, char *secret), void *ud);
/* Empties the prompt (Ctrl-C). */
void input_clear(void);

#endif
