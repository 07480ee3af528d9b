/* The curses UI's settings, copied from the configuration (cfg.c has the
 * names, defaults and docs; man/jabiru.1 SETTINGS lists each one). */
#ifndef JABIRU_UI_SETTINGS_H
#define JABIRU_UI_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

struct ui_settings {
	bool roster_pane;     /* roster.pane: shown at start (true) */
	bool roster_left;     /* roster.left: pane on the left (false: right) */
	int roster_width;     /* roster.width: columns (24) */
	bool roster_offline;  /* roster.offline: offline contacts shown (true) */
	int roster_min_cols;  /* terminals narrower hide the pane (60) */
	char time_format[32]; /* ui.time_format: strftime format ("%H:%M") */
	size_t scrollback;    /* ui.scrollback: lines kept per window (5000) */
	bool unread_bell;     /* ui.bell: bell on unread in another window (false) */
	bool unread_title;    /* ui.title: terminal title shows unread (false) */
	char theme[256];      /* ui.theme: theme file ("" = $XDG_CONFIG_HOME/jabiru/theme) */
};

struct config;

/* Fills s from cfg (NULL: the defaults). */
void ui_settings_load(struct ui_settings *s, const struct config *cfg);

#endif
