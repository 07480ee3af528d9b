/* Tab completion: command names, subcommands, JIDs and names from the
 * roster and the open chat windows, file paths and setting names, chosen
 * from the command table's completion kind for the word under the cursor. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <readline/readline.h>

#include "cfg.h"
#include "cmd/cmd.h"
#include "ui/rosterpane.h"
#include "ui/settings.h"
#include "ui/ui-int.h"
#include "ui/window.h"
#include "util/map.h"
#include "util/str.h"

/* readline's generator API has no user data: the candidates of the current
 * completion live here (one UI per process). */
static struct {
	struct ui *ui;
	char **cand;
	size_t n, cap, next;
	struct map seen; /* the candidates (borrowed keys): one look-up each */
} comp;

static void cand_reset(void)
{
	map_free(&comp.seen, NULL);
	for (size_t i = 0; i < comp.n; i++)
		free(comp.cand[i]);
	comp.n = comp.next = 0;
}

/* Linear in the candidates: a roster of thousands (and a thousand pending
 * requests) is gathered on every Tab. */
static void cand_add(const char *s)
{
	if (map_get(&comp.seen, s) != NULL)
		return;
	if (comp.n == comp.cap) {
		comp.cap = comp.cap ? comp.cap * 2 : 32;
		comp.cand = xrealloc(comp.cand, comp.cap * sizeof(*comp.cand));
	}
	comp.cand[comp.n] = xstrdup(s);
	map_put(&comp.seen, comp.cand[comp.n], comp.cand[comp.n]);
	comp.n++;
}

static const char *comp_text;

static void add_if_prefix(const char *s)
{
	if (strncasecmp(s, comp_text, strlen(comp_text)) == 0)
		cand_add(s);
}

/* A contact matches by JID or by name; the JID is what is inserted. */
static void add_contact(void *ud, const char *jid, const char *name)
{
	(void)ud;
	if (strncasecmp(jid, comp_text, strlen(comp_text)) == 0 ||
	    (name != NULL && strncasecmp(name, comp_text, strlen(comp_text)) == 0))
		cand_add(jid);
}

static void gather(enum cmd_complete kind, const char *const *subs)
{
	if (subs != NULL) {
		for (size_t i = 0; subs[i] != NULL; i++)
			add_if_prefix(subs[i]);
		return;
	}
	switch (kind) {
	case COMPLETE_COMMAND:
		for (size_t i = 0; cmd_table[i] != NULL; i++)
			add_if_prefix(cmd_table[i]->name);
		break;
	case COMPLETE_JID:
		rpane_each(comp.ui->roster, add_contact, NULL);
		for (int i = 1; i < comp.ui->nwins; i++)
			if (comp.ui->wins[i]->jid != NULL)
				add_contact(NULL, comp.ui->wins[i]->jid, NULL);
		break;
	case COMPLETE_SETTING:
		for (size_t i = 0; i < cfg_nsettings(); i++)
			add_if_prefix(cfg_settings[i].name);
		break;
	default:
		break;
	}
}

static char *generator(const char *text, int state)
{
	(void)text;
	(void)state;
	return comp.next < comp.n ? xstrdup(comp.cand[comp.next++]) : NULL;
}

/* The index of the word starting at start (0: the command itself). */
static int word_index(const char *line, int start)
{
	int idx = 0;

	for (int i = 0; i < start; i++)
		if ((line[i] == ' ' || line[i] == '\t') && i + 1 < start && line[i + 1] != ' ')
			idx++;
	return start > 0 && (line[start - 1] == ' ' || line[start - 1] == '\t') ? idx + 1 : idx;
}

static char **attempt(const char *text, int start, int end)
{
	const char *line = rl_line_buffer;
	const struct cmd_entry *e;
	char name[32];
	size_t nl;
	int idx;

	(void)end;
	rl_attempted_completion_over = 1;
	if (line[0] != '/')
		return NULL;
	cand_reset();
	comp_text = text;
	if (start == 0) {
		comp_text = text + (text[0] == '/');
		gather(COMPLETE_COMMAND, NULL);
		map_free(&comp.seen, NULL); /* its keys are about to go */
		for (size_t i = 0; i < comp.n; i++) {
			char *s = xasprintf("/%s", comp.cand[i]);

			free(comp.cand[i]);
			comp.cand[i] = s;
		}
		return rl_completion_matches(text, generator);
	}
	nl = strcspn(line + 1, " \t");
	snprintf(name, sizeof(name), "%.*s", (int)(nl < sizeof(name) ? nl : sizeof(name) - 1),
	         line + 1);
	if ((e = cmd_find(name)) == NULL)
		return NULL;
	idx = word_index(line, start);
	if (e->complete == COMPLETE_FILE && (e->subcommands == NULL || idx > 1)) {
		/* "/sendfile JID PATH": the JID first, then the path. */
		if (idx == 1 && str_starts_with(e->usage, "JID")) {
			gather(COMPLETE_JID, NULL);
			return comp.n > 0 ? rl_completion_matches(text, generator) : NULL;
		}
		rl_filename_completion_desired = 1;
		return rl_completion_matches(text, rl_filename_completion_function);
	}
	gather(e->complete, idx == 1 ? e->subcommands : NULL);
	return comp.n > 0 ? rl_completion_matches(text, generator) : NULL;
}

void complete_init(struct ui *ui)
{
	comp.ui = ui;
	map_init_borrowed(&comp.seen);
	rl_attempted_completion_function = attempt;
	rl_completer_word_break_characters = " \t";
}
