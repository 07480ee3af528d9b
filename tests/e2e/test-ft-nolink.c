/* Received files on a file system without hard links (vfat, exFAT, SMB,
 * many FUSE mounts: link() fails with EPERM), simulated by the nolink
 * helper's seccomp filter around both jabirus: the complete file still gets
 * its final name, through renameat2(RENAME_NOREPLACE) or, where that is
 * missing too, an exclusive create and rename; an existing file of that
 * name is never replaced and no .part is left. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ft-common.h"

static struct ft_pair P;

/* Both jabirus run under tests/e2e/nolink, built next to this test. */
static void start(const char *no_rename2)
{
	static char wrapper[PATH_MAX], real[PATH_MAX];
	const char *const args[] = {"--accept-files", "%DOWN%", NULL};
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	cr_assert_gt(n, 0);
	self[n] = '\0';
	snprintf(wrapper, sizeof(wrapper), "%s/nolink", dirname(self));
	cr_assert_eq(access(wrapper, X_OK), 0, "no helper at %s", wrapper);
	cr_assert(realpath(harness_jabiru_bin(), real) != NULL, "no jabiru");
	setenv("NOLINK_EXEC", real, 1);
	setenv("JABIRU_BIN", wrapper, 1);
	if (no_rename2 == NULL)
		unsetenv("NOLINK_NO_RENAME2");
	else
		setenv("NOLINK_NO_RENAME2", no_rename2, 1);
	setenv("JABIRU_FILE_METHODS", "ibb", 1);
	ft_pair_start(&P, args);
}

static void stop(void)
{
	ft_pair_stop(&P);
}

static void start_rename2(void)
{
	start(NULL);
}

static void start_no_rename2(void)
{
	start("1");
}

static void start_no_rename(void)
{
	start("all");
}

TestSuite(ft_nolink, .fini = stop, .timeout = 240);

/* alice sends a fresh file called name; bob's file-done must name the
 * path want_name in the download directory holding the same bytes. */
static void send_expecting(const char *name, const char *want_name)
{
	const char *src = ft_make_file(&P, name, 50000), *line;
	char *want = strdup(ft_sha256_file(src)), *path, *base;

	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", P.bob_jid, src));
	line = jproc_expect(P.bob, "file-done", NULL, HARNESS_TIMEOUT_MS);
	if (line == NULL)
		jproc_dump(P.bob);
	cr_assert_not_null(line, "bob did not save %s", name);
	path = json_field(line, "path");
	cr_assert_not_null(path, "%s", line);
	base = strrchr(path, '/');
	cr_expect(base != NULL && strcmp(base + 1, want_name) == 0, "saved as %s", path);
	cr_expect_str_eq(ft_sha256_file(path), want, "the file on disk differs");
	cr_expect(!ft_dir_has_suffix(P.down, ".part"), "a .part file was left behind");
	free(path);
	free(want);
}

Test(ft_nolink, the_file_gets_its_name_by_rename_noreplace, .init = start_rename2)
{
	send_expecting("holiday.jpg", "holiday.jpg");
}

/* Neither hard links nor RENAME_NOREPLACE, and the name is taken already:
 * the new file goes beside it and the old one keeps its bytes. */
Test(ft_nolink, without_rename_noreplace_an_existing_file_is_kept, .init = start_no_rename2)
{
	char old[HARNESS_PATH_MAX + 32];
	FILE *f;

	snprintf(old, sizeof(old), "%s/minutes.txt", P.down);
	f = fopen(old, "w");
	cr_assert_not_null(f);
	fputs("the old minutes", f);
	fclose(f);
	send_expecting("minutes.txt", "minutes (1).txt");
	f = fopen(old, "r");
	cr_assert_not_null(f);
	{
		char text[64] = "";

		cr_expect_not_null(fgets(text, sizeof(text), f));
		cr_expect_str_eq(text, "the old minutes", "the existing file was replaced");
	}
	fclose(f);
}

/* No way at all to give the name: the transfer fails, and says so, but the
 * complete, checked data stays in the .part it names; nothing is under the
 * final name. */
Test(ft_nolink, when_no_name_can_be_given_the_data_is_kept, .init = start_no_rename)
{
	const char *src = ft_make_file(&P, "thesis.pdf", 50000), *line;
	char *want = strdup(ft_sha256_file(src)), *reason, *kept, final[HARNESS_PATH_MAX + 32];

	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", P.bob_jid, src));
	line = jproc_expect(P.bob, "file-failed", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "bob's transfer did not fail");
	reason = json_field(line, "reason");
	cr_assert_not_null(reason, "%s", line);
	kept = strstr(reason, "kept as ");
	cr_assert_not_null(kept, "the reason does not say where the data is: %s", reason);
	kept += strlen("kept as ");
	cr_expect_str_eq(ft_sha256_file(kept), want, "the kept data differs");
	snprintf(final, sizeof(final), "%s/thesis.pdf", P.down);
	cr_expect_neq(access(final, F_OK), 0, "something is under the final name");
	free(reason);
	free(want);
}
