/* Hostile SOCKS5 bytestreams (XEP-0065) and what they do to a transfer's
 * streams, through a real Prosody, the misbehaving side being the scripted
 * peer (tests/interop/si-peer.py, hostile mode): answers that arrive after
 * the stream was cancelled or timed out, a second stream on the same sid,
 * a data phase that stalls in either direction, offers beyond the limits
 * of concurrent incoming files, and shutting down with many finished
 * transfers. Run under the sanitizer build, each is also a memory check. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ft-common.h"

static struct ft_pair P;
static struct ft_peer *peer;
static struct jproc *driver;

static void stop(void)
{
	if (peer != NULL)
		ft_peer_finish(peer, 1000);
	ft_peer_free(peer);
	peer = NULL;
	jproc_free(driver);
	driver = NULL;
	ft_pair_stop(&P);
}

TestSuite(ft_hostile_s5b, .fini = stop, .timeout = 300);

/* Bob takes every offer; SOCKS5 first, in-band too. Alice offers only her
 * own address (no proxy), so a peer can tell when she drops the stream:
 * her listening socket closes. */
static void start(void)
{
	const char *const args[] = {"--accept-files", "%DOWN%", NULL};

	setenv("JABIRU_FILE_METHODS", "bytestreams,ibb", 1);
	setenv("JABIRU_S5B_PROXY", "0", 1);
	setenv("JABIRU_S5B_LISTEN", "127.0.0.1", 1);
	ft_pair_start(&P, args);
}

/* Bob answers every offer himself. */
static void start_manual(void)
{
	setenv("JABIRU_FILE_METHODS", "ibb", 1);
	ft_pair_start(&P, NULL);
}

static void run_peer(const char *scenario, const char *target, const char *arg)
{
	const char *const args[] = {"hostile", target, scenario, arg, NULL};

	peer = ft_peer_start(&P, args);
	cr_assert(ft_peer_read(peer, "\"event\": \"ready\"", 60000), "the peer did not log in: %s",
	          peer->out ? peer->out : "");
}

/* The peer's full JID, from its ready line. */
static void peer_jid(char *out, size_t len)
{
	const char *at = strstr(peer->out, "\"jid\": \""), *end;

	cr_assert_not_null(at);
	at += strlen("\"jid\": \"");
	end = strchr(at, '"');
	cr_assert_not_null(end);
	snprintf(out, len, "%.*s", (int)(end - at), at);
}

static void expect_peer(const char *text)
{
	cr_expect(strstr(peer->out, text) != NULL, "peer did not say %s: %s", text, peer->out);
}

/* Still answering commands: it did not crash on what came late. */
static void expect_alive(struct jproc *j)
{
	char *err;

	if (jproc_send(j, "/files") && jproc_expect(j, "file", NULL, HARNESS_TIMEOUT_MS) != NULL)
		return;
	err = jproc_stderr(j);
	cr_expect_fail("it stopped answering; its stderr:\n%s", err != NULL ? err : "");
	free(err);
}

/* Alice cancels a SOCKS5 send while the peer sits on her streamhost list;
 * its answer comes after the stream is gone. */
Test(ft_hostile_s5b, late_answer_after_cancel_is_ignored, .init = start)
{
	char jid[256];
	const char *src = ft_make_file(&P, "late.bin", 5000), *line;
	char *id;

	run_peer("late_s5b_answer", "-", NULL);
	peer_jid(jid, sizeof(jid));
	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", jid, src));
	cr_assert(ft_peer_read(peer, "\"event\": \"holding\"", 60000), "%s", peer->out);
	line = jproc_expect(P.alice, "file-outgoing", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	id = json_field(line, "id");
	cr_assert(jproc_sendf(P.alice, "/files cancel %s", id));
	cr_assert_not_null(ft_expect_id(P.alice, "file-failed", id, HARNESS_TIMEOUT_MS));
	cr_assert(ft_peer_read(peer, "\"event\": \"late-answer\"", 60000), "%s", peer->out);
	expect_peer("\"gone\": true");
	expect_peer("\"alive\": true");
	expect_alive(P.alice);
	free(id);
}

/* The same after the initiator's own deadline: s5b alone, through the
 * test driver (its deadline can be made short). */
Test(ft_hostile_s5b, late_answer_after_deadline_is_ignored, .init = start)
{
	const char *const args[] = {"--resource", "drv", NULL};
	char jid[256], *jabiru = strdup(getenv("JABIRU_BIN"));

	setenv("JABIRU_BIN", harness_sibling("s5b-driver"), 1);
	driver = jproc_start(&P.srv, "alice", "wonderland", args);
	setenv("JABIRU_BIN", jabiru, 1);
	free(jabiru);
	cr_assert_not_null(driver);
	cr_assert_not_null(jproc_expect(driver, "connected", NULL, HARNESS_TIMEOUT_MS));
	run_peer("late_s5b_answer", "-", NULL);
	peer_jid(jid, sizeof(jid));
	cr_assert(jproc_send(driver, "set proxy 0"));
	cr_assert(jproc_send(driver, "set listen 127.0.0.1"));
	cr_assert(jproc_send(driver, "set deadline 1000"));
	cr_assert(jproc_sendf(driver, "send %s sid-late 5000", jid));
	cr_assert(ft_peer_read(peer, "\"event\": \"holding\"", 60000), "%s", peer->out);
	cr_assert_not_null(jproc_expect(driver, "s5b-failed", "too long", HARNESS_TIMEOUT_MS));
	cr_assert(ft_peer_read(peer, "\"event\": \"late-answer\"", 60000), "%s", peer->out);
	expect_peer("\"gone\": true");
	if (strstr(peer->out, "\"alive\": true") == NULL) {
		char *err = jproc_stderr(driver);

		cr_expect_fail("the driver stopped answering; its stderr:\n%s", err ? err : "");
		free(err);
	}
}

/* SOCKS5 chosen, its streamhost stalled, IBB opened on the same sid, then
 * SOCKS5 completed: the transfer keeps one stream (the in-band one: the
 * SOCKS5 attempt is dropped and answered with an error), the file arrives
 * once, and nothing of the forgotten transfer is touched later. */
Test(ft_hostile_s5b, one_stream_per_transfer, .init = start)
{
	const char *line;
	bool late;

	run_peer("two_streams", P.bob_jid, NULL);
	line = jproc_expect(P.bob, "file-done", "two.bin", 60000);
	cr_assert_not_null(line, "peer: %s", peer->out);
	cr_expect(json_field_is(line, "method", "ibb"), "%s", line);
	late = ft_peer_read(peer, "\"event\": \"late-data\"", 120000);
	expect_alive(P.bob);
	cr_assert(late, "%s", peer->out);
	expect_peer("\"ibb_open\": \"result\"");
	expect_peer("\"socks\": \"closed\"");
	expect_peer("\"used\": \"item-not-found\"");
	expect_peer("\"flow\": \"close:result\"");
	expect_peer("\"answer\": \"item-not-found\"");
	expect_peer("\"alive\": true");
}

/* The sender stops in the middle and keeps the connection open: bob fails
 * the transfer after files.idle_timeout, closes it, and a batch run ends
 * at the end of its input. */
Test(ft_hostile_s5b, stalled_receive_times_out, .init = start)
{
	const char *line;

	cr_assert(jproc_send(P.bob, "/set files.idle_timeout 5"));
	cr_assert_not_null(jproc_expect(P.bob, "setting", "idle_timeout", 10000));
	run_peer("stall_s5b_recv", P.bob_jid, NULL);
	line = jproc_expect(P.bob, "file-failed", "stall.bin", 60000);
	cr_assert_not_null(line, "the stalled transfer never failed; peer: %s", peer->out);
	cr_expect(strstr(line, "files.idle_timeout") != NULL, "%s", line);
	cr_assert(ft_peer_read(peer, "\"event\": \"stalled\"", 60000), "%s", peer->out);
	expect_peer("\"closed\": true");
	cr_expect(!ft_dir_has_suffix(P.down, ".part"), "a .part file was left behind");
	jproc_close_stdin(P.bob);
	cr_expect_eq(jproc_wait_exit(P.bob, 30000), 0, "bob did not end at the end of input");
}

/* The receiver takes the stream and then never reads: the sender fails
 * after files.idle_timeout. */
Test(ft_hostile_s5b, stalled_send_times_out, .init = start)
{
	char jid[256];
	const char *src = ft_make_file(&P, "big-stall.bin", 64LL << 20), *line;

	cr_assert(jproc_send(P.alice, "/set files.idle_timeout 5"));
	cr_assert_not_null(jproc_expect(P.alice, "setting", "idle_timeout", 10000));
	run_peer("stall_s5b_send", "-", NULL);
	peer_jid(jid, sizeof(jid));
	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", jid, src));
	cr_assert(ft_peer_read(peer, "\"event\": \"not-reading\"", 60000), "%s", peer->out);
	line = jproc_expect(P.alice, "file-failed", "big-stall.bin", 60000);
	cr_assert_not_null(line, "the stalled send never failed");
	cr_expect(json_field_is(line, "state", "failed"), "%s", line);
	cr_expect(strstr(line, "files.idle_timeout") != NULL, "%s", line);
	jproc_close_stdin(P.alice);
	cr_expect_eq(jproc_wait_exit(P.alice, 30000), 0, "alice did not end at the end of input");
}

/* The same in-band: the sender stops after a block without closing. */
Test(ft_hostile_s5b, stalled_ibb_receive_times_out, .init = start)
{
	const char *line;

	cr_assert(jproc_send(P.bob, "/set files.idle_timeout 5"));
	cr_assert_not_null(jproc_expect(P.bob, "setting", "idle_timeout", 10000));
	run_peer("stall_ibb_recv", P.bob_jid, NULL);
	line = jproc_expect(P.bob, "file-failed", "stall-ibb.bin", 60000);
	cr_assert_not_null(line, "the stalled transfer never failed; peer: %s", peer->out);
	cr_expect(strstr(line, "files.idle_timeout") != NULL, "%s", line);
	cr_assert(ft_peer_read(peer, "\"event\": \"stalled\"", 60000), "%s", peer->out);
	expect_peer("\"closed\": true");
	cr_expect(!ft_dir_has_suffix(P.down, ".part"), "a .part file was left behind");
}

/* And the receiver that takes the in-band stream but answers no data (or
 * not even the open, where is "open"): alice fails with reason. */
static void expect_ibb_send_stall(const char *where, const char *reason)
{
	char jid[256];
	const char *src = ft_make_file(&P, "ibb-stall.bin", 1 << 20), *line;

	cr_assert(jproc_send(P.alice, "/set files.idle_timeout 5"));
	cr_assert_not_null(jproc_expect(P.alice, "setting", "idle_timeout", 10000));
	cr_assert(jproc_send(P.alice, "/set files.methods ibb"));
	cr_assert_not_null(jproc_expect(P.alice, "setting", "files.methods", 10000));
	run_peer("stall_ibb_send", "-", where);
	peer_jid(jid, sizeof(jid));
	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", jid, src));
	cr_assert(ft_peer_read(peer, "\"event\": \"not-reading\"", 60000), "%s", peer->out);
	line = jproc_expect(P.alice, "file-failed", "ibb-stall.bin", 60000);
	cr_assert_not_null(line, "the stalled send never failed");
	cr_expect(strstr(line, reason) != NULL, "%s", line);
}

Test(ft_hostile_s5b, stalled_ibb_send_times_out, .init = start)
{
	expect_ibb_send_stall("data", "files.idle_timeout");
}

Test(ft_hostile_s5b, unanswered_ibb_open_times_out, .init = start)
{
	expect_ibb_send_stall("open", "did not answer the in-band open");
}

/* One offer waits unanswered while 64 are declined; at the end of input
 * the waiting one is declined as well, which pushes the oldest finished
 * transfers out of the list being walked. */
Test(ft_hostile_s5b, shutdown_with_many_finished_transfers, .init = start_manual)
{
	const char *line;
	char *first;

	run_peer("many_offers", P.bob_jid, NULL);
	line = jproc_expect(P.bob, "file-offer", "first.bin", 60000);
	cr_assert_not_null(line);
	first = json_field(line, "id");
	for (int i = 0; i < 64; i++) {
		char *id;

		line = jproc_expect(P.bob, "file-offer", "more.bin", 60000);
		cr_assert_not_null(line, "offer %d did not come", i);
		id = json_field(line, "id");
		cr_assert(jproc_sendf(P.bob, "/files reject %s", id));
		cr_assert_not_null(ft_expect_id(P.bob, "file-failed", id, HARNESS_TIMEOUT_MS));
		free(id);
	}
	cr_assert(ft_peer_read(peer, "\"event\": \"offers-done\"", 60000), "%s", peer->out);
	jproc_close_stdin(P.bob);
	cr_expect_not_null(ft_expect_id(P.bob, "file-failed", first, HARNESS_TIMEOUT_MS));
	if (jproc_wait_exit(P.bob, 30000) != 0) {
		char *err = jproc_stderr(P.bob);

		cr_expect_fail("bob did not end cleanly; his stderr:\n%s", err ? err : "");
		free(err);
	}
	cr_assert(ft_peer_read(peer, "\"event\": \"first\"", 60000), "%s", peer->out);
	expect_peer("\"answer\": \"forbidden\"");
	free(first);
}

/* With --accept-files every offer holds a .part file open: beyond the
 * limit (setting = value) the offer is declined on the wire (the peer's
 * answers to its n offers) and bob says why. */
static void expect_limit(const char *setting, const char *value, const char *n, const char *answers)
{
	char name[128];
	const char *line;

	snprintf(name, sizeof(name), "\"%s\"", setting);
	cr_assert(jproc_sendf(P.bob, "/set %s %s", setting, value));
	cr_assert_not_null(jproc_expect(P.bob, "setting", name, 10000));
	run_peer("hold_offers", P.bob_jid, n);
	cr_assert(ft_peer_read(peer, "\"event\": \"held\"", 60000), "%s", peer->out);
	expect_peer(answers);
	line = jproc_expect(P.bob, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	cr_expect(json_field_is(line, "code", "too-many-transfers"), "%s", line);
	cr_expect(strstr(line, "carol@localhost") != NULL, "%s", line);
	cr_expect_eq(ft_count_entries(P.down), atoi(value),
	             "%d entries, not one .part per accepted offer", ft_count_entries(P.down));
}

Test(ft_hostile_s5b, offers_beyond_the_contact_limit_are_declined, .init = start)
{
	expect_limit("files.max_incoming_per_contact", "2", "3",
	             "\"answers\": [\"result\", \"result\", \"forbidden\"]");
}

/* And the same for all contacts together. */
Test(ft_hostile_s5b, offers_beyond_the_total_limit_are_declined, .init = start)
{
	expect_limit("files.max_incoming", "1", "2", "\"answers\": [\"result\", \"forbidden\"]");
}
