/* The man page documents every command, option, setting (with its default)
 * and batch event kind and field: the command table, the option list, the
 * settings table and the event lists are the source of truth.  The Chinese
 * page (man/zh_CN/jabiru.1) is checked for every command and batch event kind
 * and field. */
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

/* ---- batch event fields ------------------------------------------------ */

/* The fields of an entry in BATCH MODE are the bold words of its first
 * clause, the part before the first colon or full stop outside parentheses
 * (either page's punctuation): what follows, and anything in parentheses,
 * explains them (a value such as "chat", a command, another event). */
struct doc_scan {
	int depth;
	bool done;
	char fields[32][32];
	size_t n;
};

static const char *const open_parens[] = {"(", "\xef\xbc\x88"};                /* ( and （ */
static const char *const close_parens[] = {")", "\xef\xbc\x89"};               /* ) and ） */
static const char *const stops[] = {":", ".", "\xef\xbc\x9a", "\xe3\x80\x82"}; /* ： 。 */

static size_t starts_any(const char *p, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(p, set[i], strlen(set[i])) == 0)
			return strlen(set[i]);
	return 0;
}

/* Text in one font: parentheses move the depth, a stop at depth 0 ends the
 * clause, and a bold word at depth 0 is a field. Roff escapes (\:, \c, \e,
 * \(em, \fB) are skipped so their characters count for nothing. */
static void scan_text(struct doc_scan *s, const char *t, size_t len, bool bold)
{
	const char *end = t + len;
	size_t k;

	if (s->done)
		return;
	if (bold && s->depth == 0 && len > 0 && len < sizeof(s->fields[0]) &&
	    s->n < sizeof(s->fields) / sizeof(s->fields[0])) {
		memcpy(s->fields[s->n], t, len);
		s->fields[s->n++][len] = '\0';
		return;
	}
	for (const char *p = t; p < end && !s->done; p += k) {
		k = 1;
		if (*p == '\\')
			k = p + 1 < end && p[1] == '(' ? 4 : p + 1 < end && p[1] == 'f' ? 3 : 2;
		else if ((k = starts_any(p, open_parens, 2)) != 0)
			s->depth++;
		else if ((k = starts_any(p, close_parens, 2)) != 0)
			s->depth--;
		else if ((k = starts_any(p, stops, 4)) != 0)
			s->done = s->depth == 0;
		else
			k = 1;
	}
}

/* One line of the entry: .B (all bold), .BR and .RB (alternating, quotes
 * group), or plain text; other requests say nothing here. */
static void scan_line(struct doc_scan *s, const char *line, size_t len)
{
	bool bold;
	const char *p = line + 3, *end = line + len;

	if (len >= 3 && strncmp(line, ".B ", 3) == 0) {
		if (p < end && *p == '"')
			scan_text(s, p + 1, (size_t)(end - p - 2), true);
		else
			scan_text(s, p, (size_t)(end - p), true);
		return;
	}
	if (len < 4 || (strncmp(line, ".BR ", 4) != 0 && strncmp(line, ".RB ", 4) != 0)) {
		if (line[0] != '.')
			scan_text(s, line, len, false);
		return;
	}
	bold = line[1] == 'B';
	for (p = line + 4; p < end; bold = !bold) {
		const char *a;

		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		if (*p == '"') {
			a = ++p;
			while (p < end && *p != '"')
				p++;
			scan_text(s, a, (size_t)(p - a), bold);
			p += p < end;
		} else {
			a = p;
			while (p < end && *p != ' ')
				p++;
			scan_text(s, a, (size_t)(p - a), bold);
		}
	}
}

/* The documented fields of kind in the BATCH MODE section sec..sec_end; false
 * when the kind has no entry. */
static bool doc_fields(const char *sec, const char *sec_end, const char *kind, struct doc_scan *s)
{
	char want[64];
	const char *entry, *end, *p;

	memset(s, 0, sizeof(*s));
	snprintf(want, sizeof(want), "\n.TP\n.B %s\n", kind);
	entry = strstr(sec, want);
	if (entry == NULL || entry >= sec_end)
		return false;
	entry += strlen(want);
	end = strstr(entry, "\n.TP\n");
	p = strstr(entry, "\n.PP\n");
	if (end == NULL || end > sec_end)
		end = sec_end;
	if (p != NULL && p < end)
		end = p;
	for (p = entry; p < end && !s->done;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		scan_line(s, p, len);
		p += len + 1;
	}
	return true;
}

static bool declared(enum ev_kind kind, const char *key)
{
	for (size_t i = 0; i < EVD__COUNT; i++)
		if (ev_decls[i].kind == kind && strcmp(ev_decls[i].key, key) == 0)
			return true;
	return false;
}

static bool documented(const struct doc_scan *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->fields[i], key) == 0)
			return true;
	return false;
}

/* Every declared field of every kind is documented, and every documented
 * field is declared. */
static void check_fields(const char *text, const char *heading, const char *which)
{
	const char *sec = strstr(text, heading), *end;

	cr_assert_not_null(sec, "no BATCH MODE section in %s", which);
	end = strstr(sec + 1, "\n.SH ");
	if (end == NULL)
		end = sec + strlen(sec);
	for (int k = 0; k < EV__COUNT; k++) {
		const char *kind = ev_kind_name((enum ev_kind)k);
		struct doc_scan s;

		if (!doc_fields(sec, end, kind, &s))
			continue; /* documents_every_batch_event says so */
		for (size_t i = 0; i < EVD__COUNT; i++)
			if (ev_decls[i].kind == (enum ev_kind)k)
				cr_expect(documented(&s, ev_decls[i].key),
				          "%s: field '%s' of '%s' is not documented in BATCH MODE",
				          which, ev_decls[i].key, kind);
		for (size_t i = 0; i < s.n; i++)
			cr_expect(
			    declared((enum ev_kind)k, s.fields[i]),
			    "%s: BATCH MODE documents '%s' for '%s', which EVENT_FIELDS does not "
			    "declare",
			    which, s.fields[i], kind);
	}
}

Test(manpage, documents_every_batch_event_field)
{
	check_fields(page, "\n.SH BATCH MODE\n", "man/jabiru.1");
}

Test(manpage, zh_documents_every_batch_event_field)
{
	check_fields(zh_page, "\n.SH \"BATCH MODE\"\n", "man/zh_CN/jabiru.1");
}
