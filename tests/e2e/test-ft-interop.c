/* Interoperability of jabiru's SI file transfer with an independent
 * implementation: slixmpp's XEP-0095/0096 and XEP-0047 plugins (Debian's
 * python3-slixmpp, driven by tests/interop/si-peer.py), in both
 * directions over in-band bytestreams, through a real Prosody. */
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

TestSuite(ft_interop, .init = start, .fini = stop, .timeout = 240);

static bool slixmpp_available(void)
{
	return access("/usr/lib/python3/dist-packages/slixmpp/__init__.py", R_OK) == 0;
}

Test(ft_interop, slixmpp_sends_to_jabiru)
{
	const char *src, *line;
	char want[65], md5[33], *path;
	int status;

	if (!slixmpp_available())
		cr_skip_test("python3-slixmpp is not installed");
	src = ft_make_file(&P, "from-slixmpp 文件.bin", 300000);
	snprintf(want, sizeof(want), "%s", ft_sha256_file(src));
	snprintf(md5, sizeof(md5), "%s", ft_md5_file(src));
	{
		const char *const args[] = {"send", P.bob_jid, src, "made by slixmpp", NULL};

		peer = ft_peer_start(&P, args);
	}
	line = jproc_expect(P.bob, "file-offer", NULL, 60000);
	if (line == NULL)
		ft_peer_finish(peer, 60000);
	cr_assert_not_null(line, "no offer from slixmpp: %s", peer->out);
	cr_expect(json_field_is(line, "name", "from-slixmpp 文件.bin"), "%s", line);
	cr_expect(json_field_is(line, "desc", "made by slixmpp"), "%s", line);
	cr_expect(json_field_is(line, "size", "300000"), "%s", line);
	line = jproc_expect(P.bob, "file-done", NULL, 60000);
	cr_assert_not_null(line, "jabiru did not receive the file");
	cr_expect(json_field_is(line, "md5", md5), "%s", line);
	path = json_field(line, "path");
	cr_expect_str_eq(ft_sha256_file(path), want);
	free(path);
	status = ft_peer_finish(peer, 60000);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "slixmpp: %s", peer->out);
	cr_expect(strstr(peer->out, "\"event\": \"sent\"") != NULL, "%s", peer->out);
}

Test(ft_interop, jabiru_sends_to_slixmpp)
{
	const char *src, *line;
	char want[65], md5[33], jid[256], *v, *at, *end;
	int status;

	if (!slixmpp_available())
		cr_skip_test("python3-slixmpp is not installed");
	src = ft_make_file(&P, "to-slixmpp.bin", 250001);
	snprintf(want, sizeof(want), "%s", ft_sha256_file(src));
	snprintf(md5, sizeof(md5), "%s", ft_md5_file(src));
	{
		const char *const args[] = {"receive", P.down, NULL};

		peer = ft_peer_start(&P, args);
	}
	cr_assert(ft_peer_read(peer, "\"event\": \"ready\"", 60000), "slixmpp did not log in: %s",
	          peer->out ? peer->out : "");
	at = strstr(peer->out, "\"jid\": \"");
	cr_assert_not_null(at);
	at += strlen("\"jid\": \"");
	end = strchr(at, '"');
	snprintf(jid, sizeof(jid), "%.*s", (int)(end - at), at);
	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\" for slixmpp", jid, src));
	line = jproc_expect(P.alice, "file-done", NULL, 60000);
	cr_assert_not_null(line, "jabiru did not finish sending");
	cr_expect(json_field_is(line, "md5", md5), "%s", line);
	status = ft_peer_finish(peer, 60000);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "slixmpp: %s", peer->out);
	cr_expect(strstr(peer->out, want) != NULL, "slixmpp got other bytes: %s", peer->out);
	cr_expect(strstr(peer->out, "\"md5_ok\": true") != NULL, "%s", peer->out);
	v = strstr(peer->out, "\"name\": \"to-slixmpp.bin\"");
	cr_expect_not_null(v, "%s", peer->out);
}

/* slixmpp refuses blocks over 8192 bytes with resource-constraint: jabiru
 * offers smaller ones (16384 -> 8192) and the file still arrives. */
Test(ft_interop, too_large_block_size_is_retried_smaller)
{
	const char *src, *line;
	char want[65], jid[256], *at, *end;
	int status;

	if (!slixmpp_available())
		cr_skip_test("python3-slixmpp is not installed");
	jproc_free(P.alice);
	free(P.alice_jid);
	setenv("JABIRU_IBB_BLOCK_SIZE", "16384", 1);
	P.alice = jproc_start(&P.srv, "alice", "wonderland", NULL);
	unsetenv("JABIRU_IBB_BLOCK_SIZE");
	cr_assert_not_null(P.alice);
	line = jproc_expect(P.alice, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line);
	P.alice_jid = json_field(line, "jid");
	src = ft_make_file(&P, "blocks.bin", 100000);
	snprintf(want, sizeof(want), "%s", ft_sha256_file(src));
	{
		const char *const args[] = {"receive", P.down, NULL};

		peer = ft_peer_start(&P, args);
	}
	cr_assert(ft_peer_read(peer, "\"event\": \"ready\"", 60000), "slixmpp did not log in");
	at = strstr(peer->out, "\"jid\": \"") + strlen("\"jid\": \"");
	end = strchr(at, '"');
	snprintf(jid, sizeof(jid), "%.*s", (int)(end - at), at);
	cr_assert(jproc_sendf(P.alice, "/sendfile %s \"%s\"", jid, src));
	line = jproc_expect(P.alice, "file-done", NULL, 60000);
	cr_assert_not_null(line, "no retry with a smaller block");
	status = ft_peer_finish(peer, 60000);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "slixmpp: %s", peer->out);
	cr_expect(strstr(peer->out, want) != NULL, "%s", peer->out);
}
