/* SOCKS5 streamhosts given by host name, looked up without blocking: a
 * peer (tests/interop/si-peer.py) offers a file by SOCKS5 and in-band, picks
 * SOCKS5, names eight streamhosts whose names a black-holing name server
 * (the test's own, on 127.0.0.1: no query leaves the machine) never
 * answers, then goes in-band. While the lookups hang, jabiru still answers
 * its batch input and the server; when they time out it refuses the
 * streamhosts with a reason and takes the in-band stream. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../harness/dnsserver.h"
#include "ft-common.h"

static struct ft_pair P;
static struct dns_server *dns;
static struct ft_peer *peer;

static void start(void)
{
	const char *const args[] = {"--accept-files", "%DOWN%", NULL};

	dns = dns_server_start(NULL, false);
	cr_assert_not_null(dns);
	setenv("JABIRU_DNS_SERVERS", dns_server_addr(dns), 1);
	setenv("JABIRU_FILE_METHODS", "bytestreams ibb", 1);
	ft_pair_start(&P, args);
}

static void stop(void)
{
	ft_peer_free(peer);
	peer = NULL;
	ft_pair_stop(&P);
	dns_server_stop(dns);
	dns = NULL;
}

TestSuite(ft_dns, .init = start, .fini = stop, .timeout = 240);

Test(ft_dns, black_holed_streamhost_names_do_not_freeze_jabiru)
{
	const char *const args[] = {"hostile", P.bob_jid, "black_holed_streamhosts", NULL};
	const char *names[9], *line;
	char bufs[8][32];
	int status;

	for (int i = 0; i < 8; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "bh%d.blackhole.test", i);
		names[i] = bufs[i];
	}
	names[8] = NULL;
	peer = ft_peer_start(&P, args);
	/* All eight names were asked about, and none will ever be answered:
	 * from here on the lookups hang. */
	cr_assert(dns_server_wait_names(dns, names, HARNESS_TIMEOUT_MS),
	          "bob did not look up the eight streamhosts");
	/* bob reads its input, sends, and reads the server's answer. */
	cr_assert(jproc_send(P.bob, "/raw <iq type='get' id='dns-ping' to='localhost'>"
	                            "<ping xmlns='urn:xmpp:ping'/></iq>"));
	line = jproc_expect_field(P.bob, "raw-result", "id", "dns-ping", HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "bob did not answer while the lookups hung");
	/* ... and that was while they hung: bob had not given up on them. */
	cr_expect_null(jproc_seen(P.bob, "info", "in-band"), "the lookups were already over");
	cr_expect_null(jproc_seen(P.bob, "file-failed", NULL));

	/* Then the lookups time out, the streamhosts are refused with a
	 * reason, and the in-band stream brings the file. */
	line = jproc_expect(P.bob, "info", "waiting for the sender to go in-band",
	                    HARNESS_TIMEOUT_MS * 2);
	cr_assert_not_null(line, "bob did not give up on the streamhosts");
	cr_expect(strstr(line, "resolve") != NULL, "no reason about the names: %s", line);
	line = jproc_expect(P.bob, "file-done", NULL, HARNESS_TIMEOUT_MS * 2);
	cr_assert_not_null(line, "the in-band fallback did not bring the file: %s", peer->out);
	cr_expect(json_field_is(line, "method", "ibb"), "%s", line);
	status = ft_peer_finish(peer, HARNESS_TIMEOUT_MS * 3);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "peer: %s", peer->out);
	cr_expect(strstr(peer->out, "\"s5b\": \"item-not-found\"") != NULL, "%s", peer->out);
	cr_expect(strstr(peer->out, "\"flow\": \"close:result\"") != NULL, "%s", peer->out);
	cr_expect(!ft_dir_has_suffix(P.down, ".part"));
}
