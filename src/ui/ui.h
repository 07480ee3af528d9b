/* The curses front end: screen layout, windows, window bar and the prompt. */
#ifndef JABIRU_UI_H
#define JABIRU_UI_H

#include <stdbool.h>

struct app;
struct ui;

extern const struct frontend ui_frontend;

struct ui *ui_new(struct app *app);
/* Restores the terminal; safe to call more than once (exit paths). */
void ui_free(struct ui *ui);
/* Restores the terminal without freeing (from fatal paths). */
void ui_restore_terminal(void);

/* Window commands. Windows are numbered from 1 (status). */
int ui_win_select(struct ui *ui, int n);
int ui_win_close(struct ui *ui, int n); /* 0: the active one */
/* Opens (or finds) the chat window for a bare JID and shows it. */
void ui_open_chat(struct ui *ui, const char *jid);
/* The bare JID of the active chat window, or NULL. */
const char *ui_active_jid(const struct ui *ui);
/* Opens (or finds) the XML console window and shows it. */
void ui_open_console(struct ui *ui);
/* Opens (or finds) the file transfers window and shows it (/files). */
void ui_open_transfers(struct ui *ui);
/* Empties the active window (/clear). */
void ui_win_clear(struct ui *ui);
/* Shows or hides the roster pane (F2, /roster pane). */
void ui_roster_pane_toggle(struct ui *ui);
/* Prints a line of help text into the active window. */
void ui_print_help(struct ui *ui, const char *text);

#endif
