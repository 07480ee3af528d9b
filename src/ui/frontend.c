/* The curses UI's entry in the front-end table: what the core and the
 * commands reach it through (they include no ui/ header). */
#include "config.h"

#include "app.h"
#include "cmd/cmd.h"
#include "ui/transfers.h"
#include "ui/ui-int.h"
#include "ui/ui.h"

static int fe_win_select(void *fe, int n)
{
	return ui_win_select(fe, n);
}

static int fe_win_close(void *fe, int n)
{
	return ui_win_close(fe, n);
}

static void fe_win_clear(void *fe)
{
	ui_win_clear(fe);
}

static void fe_open_chat(void *fe, const char *jid)
{
	ui_open_chat(fe, jid);
}

static void fe_open_console(void *fe)
{
	ui_open_console(fe);
}

static void fe_open_transfers(void *fe)
{
	ui_open_transfers(fe);
}

static void fe_show_transfers(void *fe)
{
	struct ui *ui = fe;

	transfers_show(ui, ui->app);
}

static void fe_roster_pane_toggle(void *fe)
{
	ui_roster_pane_toggle(fe);
}

static void fe_print_help(void *fe, const char *text)
{
	ui_print_help(fe, text);
}

const struct frontend ui_frontend = {
    .emit = ui_emit,
    .ask_secret = ui_ask_secret,
    .hint = cmd_hint,
    .screen = true,
    .win_select = fe_win_select,
    .win_close = fe_win_close,
    .win_clear = fe_win_clear,
    .open_chat = fe_open_chat,
    .open_console = fe_open_console,
    .open_transfers = fe_open_transfers,
    .show_transfers = fe_show_transfers,
    .roster_pane_toggle = fe_roster_pane_toggle,
    .print_help = fe_print_help,
};
