/* The man page documents every command, option, setting (with its default)
 * and batch event kind: the command table, the option list, the settings
 * table and the event list are the source of truth.  The Chinese page
 * (man/zh_CN/jabiru.1) is checked for every command and batch event kind. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cmd/cmd.h"
#include "event.h"
#include "opts.h"

static char *page;
static char *raw_page;
static char *zh_page;

/* Read JABIRU_SRCDIR/REL; *strippedp gets the text with roff's "\-"
 * hyphen escapes removed (compare with them removed), *rawp (unless NULL)
 * the text as is. */
static void load_file(const char *rel, char **strippedp, char **rawp)
{
	const char *src = getenv("JABIRU_SRCDIR");
	char path[4096];
	FILE *f;
	long n;
	char *raw, *stripped, *o;

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	raw = malloc((size_t)n + 1);
	cr_assert_eq(fread(raw, 1, (size_t)n, f), (size_t)n);
	raw[n] = '\0';
	fclose(f);
	stripped = malloc((size_t)n + 1);
	o = stripped;
	for (char *p = raw; *p; p++) {
		if (p[0] == '\\' && p[1] == '-')
			continue;
		*o++ = *p;
	}
	*o = '\0';
	*strippedp = stripped;
	if (rawp != NULL)
		*rawp = raw;
	else
		free(raw);
}

static void load(void)
{
	load_file("man/jabiru.1", &page, &raw_page);
	load_file("man/zh_CN/jabiru.1", &zh_page, NULL);
}

TestSuite(manpage, .init = load);

static int has_line_starting_in(const char *text, const char *prefix, const char *word)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s%s", prefix, word);
	for (const char *p = text; (p = strstr(p, want)) != NULL; p++) {
		char c = p[strlen(want)];

		if (c == ' ' || c == '\n' || c == '"')
			return 1;
	}
	return 0;
}

static int has_line_starting(const char *prefix, const char *word)
{
	return has_line_starting_in(page, prefix, word);
}

Test(manpage, documents_every_command)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const char *name = cmd_table[i]->name;

		cr_expect(has_line_starting(".BI /", name) || has_line_starting(".B /", name),
		          "/%s is missing from the COMMANDS section", name);
	}
}

Test(manpage, documents_every_option)
{
	for (size_t i = 0; opts_name(i) != NULL; i++) {
		char opt[64];
		const char *hit;
		int found = 0;

		/* As roff writes it: \-\-name, ended by a non-name character. */
		{
			size_t o = 0;

			o += (size_t)snprintf(opt, sizeof(opt), "\\-\\-");
			for (const char *c = opts_name(i); *c && o + 3 < sizeof(opt); c++) {
				if (*c == '-')
					opt[o++] = '\\';
				opt[o++] = *c;
			}
			opt[o] = '\0';
		}
		for (hit = raw_page; (hit = strstr(hit, opt)) != NULL; hit++) {
			char c = hit[strlen(opt)];

			if (c != '\\' && c != '-' && (c < 'a' || c > 'z'))
				found = 1;
		}
		cr_expect(found, "--%s is missing from the man page", opts_name(i));
	}
}

Test(manpage, documents_every_batch_event)
{
	for (int k = 0; k < EV__COUNT; k++)
		cr_expect(has_line_starting(".B ", ev_kind_name((enum ev_kind)k)),
		          "batch event '%s' is missing from BATCH MODE",
		          ev_kind_name((enum ev_kind)k));
}

/* Each setting is a ".B name" entry in SETTINGS whose text says
 * "Default: VALUE" (or "Default: empty"). */
Test(manpage, documents_every_setting_with_its_default)
{
	const char *sec = strstr(page, "\n.SH SETTINGS\n"), *end;

	cr_assert_not_null(sec, "no SETTINGS section");
	end = strstr(sec + 1, "\n.SH ");
	cr_assert_not_null(end);
	for (size_t i = 0; i < cfg_nsettings(); i++) {
		const struct cfg_setting *st = &cfg_settings[i];
		char want[128], dflt[128];
		const char *entry, *next;
		size_t n;

		snprintf(want, sizeof(want), "\n.TP\n.B %s\n", st->name);
		entry = strstr(sec, want);
		cr_expect(entry != NULL && entry < end, "setting %s is missing from SETTINGS",
		          st->name);
		if (entry == NULL || entry >= end)
			continue;
		next = strstr(entry + strlen(want), "\n.TP\n");
		if (next == NULL || next > end)
			next = end;
		snprintf(dflt, sizeof(dflt), "Default: %s",
		         st->dflt[0] != '\0' ? st->dflt : "empty");
		n = (size_t)(next - entry);
		cr_expect(memmem(entry, n, dflt, strlen(dflt)) != NULL,
		          "SETTINGS does not give the default of %s as \"%s\"", st->name, dflt);
	}
}

/* The Chinese translation lists the same commands and batch event kinds;
 * names stay untranslated, so the same entries must be there. */
Test(manpage, zh_documents_every_command)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++) {
		const char *name = cmd_table[i]->name;

		cr_expect(has_line_starting_in(zh_page, ".BI /", name) ||
		              has_line_starting_in(zh_page, ".B /", name),
		          "/%s is missing from the COMMANDS section of man/zh_CN/jabiru.1", name);
	}
}

Test(manpage, zh_documents_every_batch_event)
{
	const char *start = strstr(zh_page, "\n.SH \"BATCH MODE\"\n"), *end;
	char *sec;

	cr_assert_not_null(start, "no BATCH MODE section in man/zh_CN/jabiru.1");
	end = strstr(start + 1, "\n.SH ");
	sec = strndup(start, end != NULL ? (size_t)(end - start) : strlen(start));
	cr_assert_not_null(sec);
	for (int k = 0; k < EV__COUNT; k++)
		cr_expect(has_line_starting_in(sec, ".TP\n.B ", ev_kind_name((enum ev_kind)k)),
		          "batch event '%s' is missing from BATCH MODE of man/zh_CN/jabiru.1",
		          ev_kind_name((enum ev_kind)k));
	free(sec);
}
