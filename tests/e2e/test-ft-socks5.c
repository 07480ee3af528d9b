/* SI file transfer between two jabiru --batch over SOCKS5 Bytestreams
 * (XEP-0065) through a real Prosody: straight between the two clients, and
 * through Prosody's proxy65 with no direct address offered. Files of 0 bytes,
 * 1 MB and 200 MB arrive with the same sha256. Only bytestreams is offered,
 * so a SOCKS5 failure cannot hide behind the in-band fallback; except in the
 * fallback test, where the only streamhost refuses connections and both
 * sides must go on in-band. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ft-common.h"

#define BIG_TIMEOUT_MS (10 * 60 * 1000)

static struct ft_pair P;

static void stop(void)
{
	ft_pair_stop(&P);
}

TestSuite(ft_socks5, .fini = stop, .timeout = 900);

static void start(void)
{
	const char *const args[] = {"--accept-files", "%DOWN%", NULL};

	setenv("JABIRU_FILE_METHODS", "bytestreams", 1);
	ft_pair_start(&P, args);
}

static void start_direct(void)
{
	start();
}

/* No direct address: alice must know the proxy before she offers. */
static void start_proxy(void)
{
	setenv("JABIRU_S5B_DIRECT", "0", 1);
	start();
	cr_assert_not_null(jproc_expect(P.alice, "info", P.srv.proxy_jid, HARNESS_TIMEOUT_MS),
	                   "alice did not find the proxy");
}

/* Alice offers both methods, no proxy, and one direct streamhost where
 * nothing listens: she listens on 127.0.0.2 but advertises 127.0.0.1, so
 * bob's connection is refused at once. */
static void start_refused(void)
{
	const char *const args[] = {"--accept-files", "%DOWN%", NULL};

	setenv("JABIRU_FILE_METHODS", "bytestreams,ibb", 1);
	setenv("JABIRU_S5B_PROXY", "0", 1);
	setenv("JABIRU_S5B_LISTEN", "127.0.0.2", 1);
	setenv("JABIRU_S5B_EXTERNAL", "127.0.0.1", 1);
	ft_pair_start(&P, args);
}

static void send_and_check(const char *name, long long size, const char *method, int timeout_ms)
{
	const char *src = ft_make_file(&P, name, size), *line;
	char *src_copy = strdup(src), *want = strdup(ft_sha256_file(src)), *path;
	char sz[32], md5[33];

	snprintf(md5, sizeof(md5), "%s", ft_md5_file(src_copy));
	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", P.bob_jid, src_copy));
	line = jproc_expect(P.bob, "file-done", name, timeout_ms);
	cr_assert_not_null(line, "bob did not receive %s", name);
	snprintf(sz, sizeof(sz), "%lld", size);
	cr_expect(json_field_is(line, "size", sz), "%s", line);
	cr_expect(json_field_is(line, "md5", md5), "%s", line);
	cr_expect(json_field_is(line, "method", method), "%s", line);
	path = json_field(line, "path");
	cr_assert_not_null(path);
	cr_expect_str_eq(ft_sha256_file(path), want, "the file on disk differs");
	cr_expect(!ft_dir_has_suffix(P.down, ".part"), "a .part file was left behind");

	line = jproc_expect(P.alice, "file-done", NULL, timeout_ms);
	cr_assert_not_null(line, "alice did not finish sending %s", name);
	cr_expect(json_field_is(line, "method", method), "%s", line);
	cr_expect(json_field_is(line, "md5", md5), "sender md5: %s", line);
	free(path);
	free(want);
	free(src_copy);
}

Test(ft_socks5, direct_empty, .init = start_direct)
{
	send_and_check("empty.bin", 0, "socks5-direct", HARNESS_TIMEOUT_MS);
}

Test(ft_socks5, direct_one_megabyte, .init = start_direct)
{
	send_and_check("one-mb.bin", 1 << 20, "socks5-direct", 120000);
}

Test(ft_socks5, direct_two_hundred_megabytes, .init = start_direct)
{
	send_and_check("big.bin", 200LL << 20, "socks5-direct", BIG_TIMEOUT_MS);
}

/* Larger than the receiver's read buffer and the sender's sendfile pieces,
 * and a multiple of neither: the last, short piece must arrive too. */
Test(ft_socks5, direct_odd_size, .init = start_direct)
{
	send_and_check("odd.bin", (3LL << 20) + 12345, "socks5-direct", 120000);
}

Test(ft_socks5, proxy_odd_size, .init = start_proxy)
{
	send_and_check("odd.bin", (3LL << 20) + 12345, "socks5-proxy", 120000);
}

Test(ft_socks5, proxy_empty, .init = start_proxy)
{
	send_and_check("empty.bin", 0, "socks5-proxy", HARNESS_TIMEOUT_MS);
}

Test(ft_socks5, proxy_one_megabyte, .init = start_proxy)
{
	send_and_check("one-mb.bin", 1 << 20, "socks5-proxy", 120000);
}

Test(ft_socks5, proxy_two_hundred_megabytes, .init = start_proxy)
{
	send_and_check("big.bin", 200LL << 20, "socks5-proxy", BIG_TIMEOUT_MS);
}

Test(ft_socks5, refused_streamhost_falls_back_to_ibb, .init = start_refused)
{
	send_and_check("fallback.bin", 100 * 1000, "ibb", 120000);
}

/* Cancelling midway without a race against the end of the transfer: once
 * bob has reported progress, the side that does not cancel is stopped
 * (SIGSTOP), so the bytes stop where they are; a 1 GiB file (sparse, cheap
 * to make) is far more than the socket buffers hold. The cancelling side
 * ends its transfer; the other, continued, finds the stream closed. */
static char huge_path[HARNESS_PATH_MAX + 16];

static void start_stalled(char **aid, char **bid, struct jproc *stop)
{
	char *path = huge_path;
	const char *line;
	int fd;

	snprintf(huge_path, sizeof(huge_path), "%s/huge.bin", P.dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, 1LL << 30), 0);
	close(fd);
	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", P.bob_jid, path));
	line = jproc_expect(P.alice, "file-outgoing", NULL, 120000); /* after the md5 */
	cr_assert_not_null(line);
	*aid = json_field(line, "id");
	line = jproc_expect(P.bob, "file-offer", NULL, 120000);
	cr_assert_not_null(line);
	*bid = json_field(line, "id");
	cr_assert_not_null(ft_expect_id(P.bob, "file-progress", *bid, 120000), "no progress");
	cr_assert_eq(kill(jproc_pid(stop), SIGSTOP), 0);
}

static void expect_cancelled_and_told(struct jproc *canceller, const char *cid, struct jproc *other,
                                      const char *oid)
{
	const char *line;

	cr_assert(jproc_sendf(canceller, "/files cancel %s", cid));
	line = ft_expect_id(canceller, "file-failed", cid, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "state", "cancelled"), "%s", line);
	cr_assert_eq(kill(jproc_pid(other), SIGCONT), 0);
	line = ft_expect_id(other, "file-failed", oid, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "the other side was not told");
	cr_expect(json_field_is(line, "state", "failed"), "%s", line);
	cr_expect_eq(ft_count_entries(P.down), 0, "the download dir should be empty");
}

Test(ft_socks5, cancel_midway_by_sender, .init = start_direct)
{
	char *aid, *bid;

	start_stalled(&aid, &bid, P.bob);
	expect_cancelled_and_told(P.alice, aid, P.bob, bid);
	free(aid);
	free(bid);
}

Test(ft_socks5, cancel_midway_by_receiver, .init = start_direct)
{
	char *aid, *bid;

	start_stalled(&aid, &bid, P.alice);
	expect_cancelled_and_told(P.bob, bid, P.alice, aid);
	free(aid);
	free(bid);
}

/* The file shrinks while the sender streams it (kernel to socket, by
 * sendfile): the sender must notice, fail and close, and the receiver must
 * fail on the short stream and leave nothing that looks complete. */
Test(ft_socks5, file_shrinking_while_sent_fails_both_sides, .init = start_direct)
{
	char *aid, *bid;
	const char *line;

	start_stalled(&aid, &bid, P.bob);
	cr_assert_eq(truncate(huge_path, 1 << 20), 0);
	cr_assert_eq(kill(jproc_pid(P.bob), SIGCONT), 0);
	line = ft_expect_id(P.alice, "file-failed", aid, 120000);
	cr_assert_not_null(line, "the sender did not notice");
	cr_expect(strstr(line, "shorter") != NULL, "%s", line);
	line = ft_expect_id(P.bob, "file-failed", bid, 120000);
	cr_assert_not_null(line, "the receiver did not fail");
	cr_expect(json_field_is(line, "state", "failed"), "%s", line);
	cr_expect_eq(ft_count_entries(P.down), 0, "the download dir should be empty");
	free(aid);
	free(bid);
}

/* Sends path, already made, and checks bob's file-done (matched by match)
 * and alice's: the md5 both report is the file's as it is now. */
static void send_path_and_check(const char *path, const char *match)
{
	const char *line;
	char md5[33], *saved;

	snprintf(md5, sizeof(md5), "%s", ft_md5_file(path));
	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", P.bob_jid, path));
	line = jproc_expect(P.bob, "file-done", match, 120000);
	cr_assert_not_null(line, "bob did not receive %s", path);
	cr_expect(json_field_is(line, "md5", md5), "%s", line);
	saved = json_field(line, "path");
	cr_assert_not_null(saved);
	cr_expect_str_eq(ft_md5_file(saved), md5, "the file on disk differs");
	free(saved);
	line = jproc_expect(P.alice, "file-done", NULL, 120000);
	cr_assert_not_null(line, "alice did not finish sending %s", path);
	cr_expect(json_field_is(line, "md5", md5), "sender md5: %s", line);
}

/* The md5 of a file sent once is remembered for the session; sent again
 * unchanged it arrives intact, and once its content changed (same size)
 * the offer carries the new md5, not the remembered one. */
Test(ft_socks5, same_file_again_and_after_a_change, .init = start_direct)
{
	char path[HARNESS_PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s", ft_make_file(&P, "again.bin", (1 << 20) + 7));
	send_path_and_check(path, "again.bin");
	send_path_and_check(path, "again (1).bin");
	f = fopen(path, "r+b");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite("changed", 1, 7, f), 7);
	cr_assert_eq(fclose(f), 0);
	send_path_and_check(path, "again (2).bin");
}
