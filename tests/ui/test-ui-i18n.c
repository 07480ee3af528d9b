/* The translation reaches the screen: jabiru in tmux with LANG=zh_CN.UTF-8
 * and the catalogue the build compiled (JABIRU_LOCALEDIR) shows /help's
 * heading in Chinese. The expected text is what gettext itself finds in
 * that catalogue, so the test follows the translators; while the message is
 * not translated yet the test is skipped, saying so. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/harness.h"

static struct tmux term;

static void teardown(void)
{
	tmux_stop(&term);
}

TestSuite(i18n, .fini = teardown, .timeout = 60);

#define HEADING "list commands and keys, or explain one command"
#define WELCOME "Welcome to jabiru. Type /help for commands, /connect JID to log in."

/* The catalogue's translation of msgid, or NULL when it has none. */
static const char *zh_translation(const char *localedir, const char *msgid)
{
	const char *t;

	if (setlocale(LC_ALL, "zh_CN.UTF-8") == NULL)
		cr_skip_test("the zh_CN.UTF-8 locale is not installed (scripts/deps generates it)");
	bindtextdomain("jabiru", localedir);
	bind_textdomain_codeset("jabiru", "UTF-8");
	t = dgettext("jabiru", msgid);
	return strcmp(t, msgid) == 0 ? NULL : t;
}

Test(i18n, help_heading_in_chinese)
{
	const char *localedir = getenv("JABIRU_LOCALEDIR");
	char dirvar[HARNESS_PATH_MAX + 32];
	const char *want;
	const char *argv[] = {harness_jabiru_bin(), NULL};
	const char *env[] = {"LANG=zh_CN.UTF-8", dirvar, NULL};

	cr_assert_not_null(localedir, "JABIRU_LOCALEDIR is not set (run through make check)");
	want = zh_translation(localedir, HEADING);
	if (want == NULL || zh_translation(localedir, WELCOME) == NULL)
		cr_skip_test("\"" HEADING "\" is not translated in po/zh_CN.po yet");
	snprintf(dirvar, sizeof dirvar, "JABIRU_LOCALEDIR=%s", localedir);
	cr_assert(tmux_start(&term, 100, 40, argv, env), "tmux did not start");
	cr_assert(tmux_wait_for(&term, zh_translation(localedir, WELCOME), HARNESS_TIMEOUT_MS),
	          "the Chinese welcome line is not on the screen");
	/* /help's list is longer than the screen: ask for one command. */
	cr_assert(tmux_type_line(&term, "/help help"));
	cr_assert(tmux_wait_for(&term, want, HARNESS_TIMEOUT_MS),
	          "the Chinese summary \"%s\" is not on the screen", want);
	cr_expect(strstr(term.screen, HEADING) == NULL, "the English summary is on the screen");
	cr_assert(tmux_type_line(&term, "/quit"));
	cr_expect_eq(tmux_wait_exit(&term, HARNESS_TIMEOUT_MS), 0);
}
