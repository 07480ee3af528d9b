/* The theme file: one element a line, "element = fg [bg] [bold]", colours
 * by name (black red green yellow blue magenta cyan white default) or number
 * (0-255; numbers the terminal lacks fall back to the default). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui/theme.h"
#include "util/str.h"

struct el_default {
	const char *name;
	short fg, bg;
	int mono; /* attribute without colours */
	bool bold;
};

/* clang-format off */
static const struct el_default defaults[TH__COUNT] = {
	[TH_TITLE] = {"title", COLOR_WHITE, COLOR_BLUE, A_REVERSE, false},
	[TH_BAR] = {"bar", COLOR_WHITE, COLOR_BLUE, A_REVERSE, false},
	[TH_BAR_ACTIVE] = {"bar-active", COLOR_WHITE, COLOR_BLUE, A_REVERSE | A_BOLD, true},
	[TH_UNREAD] = {"unread", COLOR_YELLOW, COLOR_BLUE, A_REVERSE | A_BOLD, true},
	[TH_OWN] = {"own", COLOR_CYAN, -1, A_BOLD, true},
	[TH_PEER] = {"peer", COLOR_GREEN, -1, A_BOLD, true},
	[TH_INFO] = {"info", COLOR_YELLOW, -1, 0, false},
	[TH_ERROR] = {"error", COLOR_RED, -1, A_BOLD, true},
	[TH_PRESENCE] = {"presence", COLOR_MAGENTA, -1, 0, false},
	[TH_MORE] = {"more", COLOR_BLACK, COLOR_YELLOW, A_REVERSE, false},
	[TH_GROUP] = {"group", COLOR_BLUE, -1, A_BOLD, true},
	[TH_PANE] = {"pane", -1, -1, 0, false},
	[TH_CHAT] = {"chat", COLOR_GREEN, -1, A_BOLD, true},
	[TH_ONLINE] = {"online", COLOR_GREEN, -1, 0, false},
	[TH_AWAY] = {"away", COLOR_YELLOW, -1, 0, false},
	[TH_XA] = {"xa", COLOR_MAGENTA, -1, 0, false},
	[TH_DND] = {"dnd", COLOR_RED, -1, 0, false},
	[TH_OFFLINE] = {"offline", -1, -1, A_DIM, false},
};
/* clang-format on */

static const char *const color_names[] = {"black", "red",     "green", "yellow",
                                          "blue",  "magenta", "cyan",  "white"};

static bool parse_color(const char *s, short *out)
{
	char *end;
	long v;

	if (strcmp(s, "default") == 0) {
		*out = -1;
		return true;
	}
	for (short i = 0; i < 8; i++)
		if (strcmp(s, color_names[i]) == 0) {
			*out = i;
			return true;
		}
	v = strtol(s, &end, 10);
	if (*end != '\0' || end == s || v < 0 || v > 255)
		return false;
	/* A 256-colour entry on an 8-colour terminal: the default instead. */
	*out = v < COLORS ? (short)v : -1;
	return true;
}

static int find_el(const char *name)
{
	for (int i = 0; i < TH__COUNT; i++)
		if (strcmp(defaults[i].name, name) == 0)
			return i;
	return -1;
}

/* One "element = fg [bg] [bold]" line. Returns false when it is bad. */
static bool parse_line(char *line, short fg[], short bg[], bool bold[])
{
	char *eq = strchr(line, '='), *tok, *save = NULL;
	char name[32];
	int el, n = 0;

	if (eq == NULL || sscanf(line, " %31[a-z-]", name) != 1 || (el = find_el(name)) < 0)
		return false;
	bold[el] = false;
	for (tok = strtok_r(eq + 1, " \t\r\n", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (strcmp(tok, "bold") == 0)
			bold[el] = true;
		else if (n == 0 && parse_color(tok, &fg[el]))
			n++;
		else if (n == 1 && parse_color(tok, &bg[el]))
			n++;
		else
			return false;
	}
	return true;
}

static void load_file(const char *path, short fg[], short bg[], bool bold[],
                      void (*warn)(void *, const char *), void *ud)
{
	FILE *f = path != NULL ? fopen(path, "r") : NULL;
	char line[256];
	int lineno = 0;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line + strspn(line, " \t");

		lineno++;
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		if (!parse_line(p, fg, bg, bold) && warn != NULL) {
			char *msg = xasprintf(
			    _("%s:%d: not a theme line (element = fg [bg] [bold]); ignored."), path,
			    lineno);

			warn(ud, msg);
			free(msg);
		}
	}
	fclose(f);
}

void theme_init(struct theme *t, const char *path, void (*warn)(void *ud, const char *msg),
                void *ud)
{
	short fg[TH__COUNT], bg[TH__COUNT];
	bool bold[TH__COUNT];

	t->colors = has_colors() && getenv("NO_COLOR") == NULL;
	for (int i = 0; i < TH__COUNT; i++) {
		fg[i] = defaults[i].fg;
		bg[i] = defaults[i].bg;
		bold[i] = defaults[i].bold;
		t->attr[i] = defaults[i].mono;
	}
	if (!t->colors)
		return;
	start_color();
	use_default_colors();
	load_file(path, fg, bg, bold, warn, ud);
	for (int i = 0; i < TH__COUNT; i++) {
		init_pair((short)(i + 1), fg[i], bg[i]);
		t->attr[i] = (int)COLOR_PAIR(i + 1) | (bold[i] ? A_BOLD : 0);
	}
	/* Mono attributes the colours cannot replace. */
	t->attr[TH_OFFLINE] |= A_DIM;
}
