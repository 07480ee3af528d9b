/* Hostile file offers and in-band streams, sent to jabiru by a scripted
 * peer (tests/interop/si-peer.py, hostile mode) through a real Prosody:
 * every one ends in a clear answer and event, no file is written outside
 * the download directory, and nothing incomplete looks complete. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ft-common.h"

static struct ft_pair P;
static struct ft_peer *peer;

static void start(void)
{
	const char *const args[] = {"--accept-files", "%DOWN%", NULL};

	setenv("JABIRU_FILE_METHODS", "ibb", 1);
	ft_pair_start(&P, args);
}

static void stop(void)
{
	ft_peer_free(peer);
	peer = NULL;
	ft_pair_stop(&P);
}

TestSuite(ft_hostile, .init = start, .fini = stop, .timeout = 240);

/* Runs one scenario against bob; returns what the peer printed. */
static const char *run(const char *scenario)
{
	const char *const args[] = {"hostile", P.bob_jid, scenario, NULL};
	int status;

	peer = ft_peer_start(&P, args);
	status = ft_peer_finish(peer, 90000);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "peer failed: %s", peer->out);
	return peer->out;
}

/* No entry of the download directory is hidden, holds a control or bidi
 * character, or is a .part left over. */
static void check_download_dir(void)
{
	DIR *d = opendir(P.down);
	struct dirent *e;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL) {
		const unsigned char *n = (const unsigned char *)e->d_name;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		cr_expect(n[0] != '.', "hidden file %s", e->d_name);
		cr_expect(strstr(e->d_name, "..") == NULL, "'..' in %s", e->d_name);
		cr_expect(strstr(e->d_name, ".part") == NULL, "left over %s", e->d_name);
		cr_expect(strstr(e->d_name, "\xe2\x80\xae") == NULL, "bidi in %s", e->d_name);
		cr_expect(strstr(e->d_name, "\xc2\x9b") == NULL, "C1 in %s", e->d_name);
		cr_expect(strlen(e->d_name) <= 200, "long name %s", e->d_name);
		for (const unsigned char *c = n; *c; c++)
			cr_expect(*c >= 0x20 && *c != 0x7f, "control in %s", e->d_name);
	}
	closedir(d);
}

Test(ft_hostile, names_are_made_safe)
{
	const char *out = run("names"), *line;

	for (int i = 0; i < 9; i++) {
		line = jproc_expect(P.bob, "file-done", NULL, HARNESS_TIMEOUT_MS);
		cr_assert_not_null(line, "file %d of the hostile names did not arrive: %s", i, out);
	}
	cr_expect_not_null(jproc_seen(P.bob, "file-offer", "\"name\":\"evil.txt\""));
	cr_expect_not_null(jproc_seen(P.bob, "file-offer", "\"name\":\"etc_passwd\""));
	cr_expect_null(strstr(out, "\"answer\": \"bad-request\""), "%s", out);
	check_download_dir();
	/* Nothing escaped the download directory. */
	cr_expect_eq(ft_count_entries(P.dir), 0);
}

Test(ft_hostile, empty_name_is_refused_with_an_error)
{
	const char *out = run("empty_name"), *line;

	cr_expect(strstr(out, "\"answer\": \"bad-request\"") != NULL, "%s", out);
	line = jproc_expect(P.bob, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "code", "file-offer-refused"), "%s", line);
	cr_expect_eq(ft_count_entries(P.down), 0);
}

Test(ft_hostile, bad_sizes_are_refused)
{
	const char *out = run("bad_sizes");
	const char *p = out;
	int refused = 0;

	while ((p = strstr(p, "\"answer\": \"")) != NULL) {
		p += strlen("\"answer\": \"");
		refused += strncmp(p, "result", 6) != 0;
	}
	cr_expect_eq(refused, 5, "every bad size refused: %s", out);
	cr_expect_null(jproc_seen(P.bob, "file-offer", NULL));
	cr_expect_eq(ft_count_entries(P.down), 0);
}

static void expect_failure_and_nothing_left(const char *out)
{
	const char *line = jproc_expect(P.bob, "file-failed", NULL, HARNESS_TIMEOUT_MS);

	cr_assert_not_null(line, "no file-failed; peer said %s", out);
	cr_expect_eq(ft_count_entries(P.down), 0, "something was left in the download dir");
}

Test(ft_hostile, fewer_bytes_than_announced_fail)
{
	expect_failure_and_nothing_left(run("too_few"));
}

Test(ft_hostile, more_bytes_than_announced_fail)
{
	const char *out = run("too_many");

	expect_failure_and_nothing_left(out);
	cr_expect(strstr(out, "data:") != NULL, "the extra data was accepted: %s", out);
}

Test(ft_hostile, wrong_md5_fails)
{
	expect_failure_and_nothing_left(run("bad_md5"));
}

Test(ft_hostile, out_of_sequence_data_fails)
{
	const char *out = run("out_of_sequence");

	expect_failure_and_nothing_left(out);
	cr_expect(strstr(out, "data:unexpected-request") != NULL, "%s", out);
}

Test(ft_hostile, duplicate_offer_is_refused_and_the_first_goes_on)
{
	const char *out = run("duplicate"), *line;

	cr_expect(strstr(out, "\"first\": \"result\"") != NULL, "%s", out);
	cr_expect(strstr(out, "\"second\": \"conflict\"") != NULL, "%s", out);
	line = jproc_expect(P.bob, "file-done", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	line = jproc_expect(P.bob, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "code", "file-offer-refused"), "%s", line);
}

Test(ft_hostile, data_for_unknown_streams_is_refused)
{
	const char *out = run("unknown_sid");

	cr_expect(strstr(out, "\"data\": \"item-not-found\"") != NULL, "%s", out);
	cr_expect(strstr(out, "\"open\": \"not-acceptable\"") != NULL, "%s", out);
	cr_expect_null(jproc_seen(P.bob, "file-done", NULL));
}

Test(ft_hostile, offer_without_known_methods_is_refused)
{
	const char *out = run("no_methods");

	cr_expect(strstr(out, "\"answer\": \"bad-request\"") != NULL, "%s", out);
}

Test(ft_hostile, offers_from_strangers_are_refused)
{
	const char *out, *line;

	P.peer_jid = "dave@localhost";
	out = run("too_few");
	P.peer_jid = NULL;
	cr_expect(strstr(out, "\"answer\": \"forbidden\"") != NULL, "%s", out);
	line = jproc_expect(P.bob, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "peer: %s", out);
	cr_expect(json_field_is(line, "code", "file-offer-refused"), "%s", line);
	cr_expect(strstr(line, "dave@localhost") != NULL, "%s", line);
	cr_expect_null(jproc_seen(P.bob, "file-offer", NULL));
}
