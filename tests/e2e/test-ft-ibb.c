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
	char sz[32], md5[33];

	snprintf(md5, sizeof(md5), "%s", ft_md5_file(src_copy));
	id = offer(src_copy, NULL);
	line = jproc_expect(P.alice, "file-done", NULL, timeout_ms);
	cr_assert_not_null(line, "alice did not finish sending %s", name);
	cr_expect(json_field_is(line, "id", id), "%s", line);
	cr_expect(json_field_is(line, "method", "ibb"), "%s", line);
	cr_expect(json_field_is(line, "md5", md5), "sender md5: %s", line);

	line = jproc_expect(P.bob, "file-done", NULL, timeout_ms);
	cr_assert_not_null(line, "bob did not receive %s", name);
	snprintf(sz, sizeof(sz), "%lld", size);
	cr_expect(json_field_is(line, "size", sz), "%s", line);
	cr_expect(json_field_is(line, "md5", md5), "%s", line);
	cr_expect(json_field_is(line, "method", "ibb"), "%s", line);
	path = json_field(line, "path");
	cr_assert_not_null(path);
	v = strrchr(path, '/');
	cr_expect(v != NULL && strcmp(v + 1, name) == 0, "saved as %s", path);
	cr_expect(strncmp(path, P.down, strlen(P.down)) == 0, "saved outside %s: %s", P.down, path);
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

Test(ft_ibb, offer_rejected_by_receiver, .init = start_manual)
{
	const char *src = ft_make_file(&P, "unwanted.txt", 1000), *line;
	char *id, *bid;

	id = offer(src, "please take it");
	line = jproc_expect(P.bob, "file-offer", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "desc", "please take it"), "%s", line);
	bid = json_field(line, "id");
	cr_assert(jproc_sendf(P.bob, "/files reject %s", bid));
	line = ft_expect_id(P.alice, "file-failed", id, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "alice was not told");
	cr_expect(json_field_is(line, "state", "rejected"), "%s", line);
	line = ft_expect_id(P.bob, "file-failed", bid, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "state", "rejected"), "%s", line);
	cr_expect_eq(ft_count_entries(P.down), 0);
	/* Answering again is an error, not a crash. */
	cr_assert(jproc_sendf(P.bob, "/files accept %s", bid));
	line = jproc_expect(P.bob, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "code", "bad-state"), "%s", line);
	free(id);
	free(bid);
}

Test(ft_ibb, accepted_into_a_path_and_never_overwrites, .init = start_manual)
{
	const char *src = ft_make_file(&P, "notes.txt", 5000), *line;
	char *bid, *path, existing[HARNESS_PATH_MAX * 2], *want = strdup(ft_sha256_file(src));
	FILE *f;

	/* A file of that name is already there: it must survive untouched. */
	snprintf(existing, sizeof(existing), "%s/notes.txt", P.down);
	f = fopen(existing, "w");
	cr_assert_not_null(f);
	fputs("keep me\n", f);
	fclose(f);

	for (int round = 0; round < 2; round++) {
		free(offer(src, NULL));
		line = jproc_expect(P.bob, "file-offer", NULL, HARNESS_TIMEOUT_MS);
		cr_assert_not_null(line);
		bid = json_field(line, "id");
		cr_assert(jproc_sendf(P.bob, "/files accept %s %s", bid, P.down));
		line = ft_expect_id(P.bob, "file-done", bid, HARNESS_TIMEOUT_MS);
		cr_assert_not_null(line);
		path = json_field(line, "path");
		cr_expect(strstr(path, round == 0 ? "/notes (1).txt" : "/notes (2).txt") != NULL,
		          "saved as %s", path);
		cr_expect_str_eq(ft_sha256_file(path), want);
		free(path);
		free(bid);
	}
	f = fopen(existing, "r");
	cr_assert_not_null(f);
	{
		char buf[32] = "";

		cr_expect(fgets(buf, sizeof(buf), f) != NULL && strcmp(buf, "keep me\n") == 0,
		          "the existing file was changed");
	}
	fclose(f);
	free(want);
}

/* Starts a transfer big enough to be caught midway; returns both ids once
 * bytes are moving. */
static void start_long_transfer(char **aid, char **bid)
{
	const char *src = ft_make_file(&P, "long.bin", 64LL << 20), *line;

	*aid = offer(src, NULL);
	line = jproc_expect(P.bob, "file-offer", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	*bid = json_field(line, "id");
	line = ft_expect_id(P.bob, "file-progress", *bid, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no progress seen");
}

static void check_nothing_left(void)
{
	cr_expect_eq(ft_count_entries(P.down), 0, "the download dir should be empty");
}

/* canceller cancels its side (cid) of a transfer in progress; the other
 * side (oid) is told, and nothing is left in the download dir. */
static void expect_cancelled_and_told(struct jproc *canceller, const char *cid, struct jproc *other,
                                      const char *oid, const char *who)
{
	const char *line;

	cr_assert(jproc_sendf(canceller, "/files cancel %s", cid));
	line = ft_expect_id(canceller, "file-failed", cid, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "state", "cancelled"), "%s", line);
	line = ft_expect_id(other, "file-failed", oid, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "%s was not told", who);
	check_nothing_left();
}

Test(ft_ibb, cancel_midway_by_sender, .init = start_auto)
{
	char *aid, *bid;

	start_long_transfer(&aid, &bid);
	expect_cancelled_and_told(P.alice, aid, P.bob, bid, "bob");
	free(aid);
	free(bid);
}

Test(ft_ibb, cancel_midway_by_receiver, .init = start_auto)
{
	char *aid, *bid;

	start_long_transfer(&aid, &bid);
	expect_cancelled_and_told(P.bob, bid, P.alice, aid, "alice");
	free(aid);
	free(bid);
}

Test(ft_ibb, two_transfers_at_once_and_batch_waits_at_eof, .init = start_auto)
{
	char a[HARNESS_PATH_MAX * 2], b[HARNESS_PATH_MAX * 2], wa[33], wb[33];
	const char *line;
	bool got_a = false, got_b = false;

	snprintf(a, sizeof(a), "%s", ft_make_file(&P, "first.bin", 3 << 20));
	snprintf(wa, sizeof(wa), "%s", ft_md5_file(a));
	snprintf(b, sizeof(b), "%s", ft_make_file(&P, "second.bin", 2 << 20));
	snprintf(wb, sizeof(wb), "%s", ft_md5_file(b));
	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", P.bob_jid, a));
	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", P.bob_jid, b));
	/* End of input right away: alice must still deliver both. */
	jproc_close_stdin(P.alice);
	for (int i = 0; i < 2; i++) {
		line = jproc_expect(P.bob, "file-done", NULL, 120000);
		cr_assert_not_null(line);
		got_a |= json_field_is(line, "md5", wa);
		got_b |= json_field_is(line, "md5", wb);
	}
	cr_expect(got_a && got_b, "both files arrive intact");
	cr_expect_eq(jproc_wait_exit(P.alice, HARNESS_TIMEOUT_MS), 0);
	cr_expect_eq(jproc_nlines(P.alice) > 0, 1);
	cr_expect_not_null(jproc_seen(P.alice, "file-done", "first.bin"));
}

Test(ft_ibb, sender_vanishing_midway_fails_the_transfer, .init = start_auto)
{
	char *aid, *bid;
	const char *line;

	start_long_transfer(&aid, &bid);
	jproc_kill(P.alice);
	line = ft_expect_id(P.bob, "file-failed", bid, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "bob still waits for a sender that is gone");
	cr_expect(strstr(line, "went offline") != NULL, "%s", line);
	check_nothing_left();
	free(aid);
	free(bid);
}
