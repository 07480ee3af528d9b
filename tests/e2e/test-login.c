/* Logging in against a real Prosody: the good case and every way it can go
 * wrong (password, certificate, refused port, unknown host, server gone),
 * seen through jabiru's batch events. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../harness/fakeserver.h"
#include "../harness/harness.h"

#define PASSWORD "Pa55-w0rd-in-no-log"

static struct prosody srv;
static struct jproc *alice;

static void setup(void)
{
	const char *users[] = {"alice:" PASSWORD, NULL};

	cr_assert(prosody_start(&srv, users), "Prosody did not start");
}

static void teardown(void)
{
	jproc_free(alice);
	alice = NULL;
	prosody_stop(&srv);
}

TestSuite(login, .init = setup, .fini = teardown, .timeout = 120);

/* jabiru with the usual options except those the test replaces: port (0:
 * the server's), server (NULL: 127.0.0.1), ca (false: no --ca-file). */
static struct jproc *spawn_alice(const char *server, int port, bool ca, const char *password)
{
	char portbuf[16];
	char pw[128];
	const char *args[12];
	const char *env[] = {pw, NULL};
	int n = 0;

	snprintf(portbuf, sizeof portbuf, "%d", port ? port : srv.c2s_port);
	snprintf(pw, sizeof pw, "JABIRU_PASSWORD=%s", password);
	args[n++] = "--batch";
	args[n++] = "--jid";
	args[n++] = "alice@localhost";
	args[n++] = "--server";
	args[n++] = server ? server : "127.0.0.1";
	args[n++] = "--port";
	args[n++] = portbuf;
	if (ca) {
		args[n++] = "--ca-file";
		args[n++] = srv.ca_file;
	}
	args[n] = NULL;
	return jproc_spawn("alice", args, env);
}

/* A failed login ends the run with a non-zero status, not with a crash. */
static void assert_failed_exit(struct jproc *j)
{
	int st = jproc_wait_exit(j, HARNESS_TIMEOUT_MS);

	cr_assert(st > 0 && st < 128, "exit status %d: expected a plain failure (1..127)", st);
}

/* alice's next error event has this code, and her run ends with a plain
 * failure. */
static void assert_fails_with(const char *code)
{
	const char *line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);

	cr_assert_not_null(line, "no error event");
	cr_expect(json_field_is(line, "code", code), "expected code %s: %s", code, line);
	assert_failed_exit(alice);
}

/* The certificate's SHA-256 fingerprint as "AB:CD:..." */
static char *cert_fingerprint(const char *path)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	FILE *f = fopen(path, "r");
	X509 *x;
	char *out;

	cr_assert_not_null(f, "cannot open %s", path);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	cr_assert_not_null(x, "cannot read the certificate %s", path);
	cr_assert(X509_digest(x, EVP_sha256(), md, &len) == 1 && len == 32);
	X509_free(x);
	out = malloc(3 * len);
	cr_assert_not_null(out);
	for (unsigned int i = 0; i < len; i++)
		snprintf(out + 3 * i, 4, "%02X%s", md[i], i + 1 < len ? ":" : "");
	return out;
}

Test(login, good_password_gives_connected_with_full_jid)
{
	const char *line;
	char *jid;

	alice = jproc_start(&srv, "alice", PASSWORD, NULL);
	cr_assert_not_null(alice);
	line = jproc_expect(alice, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no connected event");
	jid = json_field(line, "jid");
	cr_assert_not_null(jid, "connected event without jid: %s", line);
	cr_expect(strncmp(jid, "alice@localhost/", 16) == 0 && strlen(jid) > 16,
	          "not a full JID of alice: %s", jid);
	free(jid);

	jproc_close_stdin(alice);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0, "end of input should exit 0");
	cr_expect_null(jproc_seen(alice, "error", NULL), "unexpected error: %s",
	               jproc_seen(alice, "error", NULL));
	cr_expect(!jproc_leaks(alice, PASSWORD), "the password leaked");
}

Test(login, wrong_password_gives_auth_failed_and_nonzero_exit)
{
	alice = jproc_start(&srv, "alice", "not-" PASSWORD, NULL);
	cr_assert_not_null(alice);
	assert_fails_with("auth-failed");
	cr_expect_null(jproc_seen(alice, "connected", NULL), "connected with a wrong password");
	/* The wrong password is a secret too. */
	for (size_t i = 0; i < jproc_nlines(alice); i++)
		cr_expect(strstr(jproc_line(alice, i), "not-" PASSWORD) == NULL,
		          "password in output: %s", jproc_line(alice, i));
}

Test(login, untrusted_certificate_is_refused_with_its_fingerprint)
{
	char *want = cert_fingerprint(srv.ca_file);
	const char *line;
	char *fp;

	alice = spawn_alice(NULL, 0, false, PASSWORD);
	cr_assert_not_null(alice);
	line = jproc_expect(alice, "tls-untrusted", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no tls-untrusted event");
	cr_expect(json_field_is(line, "domain", "localhost"), "domain: %s", line);
	fp = json_field(line, "fingerprint");
	cr_assert_not_null(fp, "no fingerprint: %s", line);
	cr_expect(strcasecmp(fp, want) == 0, "fingerprint %s, the certificate's is %s", fp, want);
	free(fp);
	free(want);

	assert_fails_with("tls-untrusted");
	cr_expect_null(jproc_seen(alice, "connected", NULL),
	               "logged in over an untrusted certificate");
	cr_expect(!jproc_leaks(alice, PASSWORD), "the password leaked");
}

Test(login, refused_port_gives_connect_failed)
{
	int port = harness_free_port();

	cr_assert(port > 0);
	alice = spawn_alice(NULL, port, true, PASSWORD);
	cr_assert_not_null(alice);
	assert_fails_with("connect-failed");
}

Test(login, unresolvable_host_gives_connect_failed)
{
	/* A DNS label over 63 characters fails inside the resolver: no query
	 * leaves the machine. */
	char host[96];

	memset(host, 'a', 70);
	strcpy(host + 70, ".example");
	alice = spawn_alice(host, 0, true, PASSWORD);
	cr_assert_not_null(alice);
	assert_fails_with("connect-failed");
}

Test(login, server_gone_gives_disconnected_and_jabiru_goes_on)
{
	const char *line;

	alice = jproc_login(&srv, "alice", PASSWORD, NULL);
	cr_assert_not_null(alice);

	prosody_stop(&srv);
	cr_assert_not_null(jproc_expect(alice, "disconnected", NULL, HARNESS_TIMEOUT_MS),
	                   "no disconnected event after the server stopped");

	/* Still alive and answering. */
	cr_assert(jproc_send(alice, "/msg x@localhost hi"));
	line = jproc_expect(alice, "error", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no answer to /msg while disconnected");
	cr_expect(json_field_is(line, "code", "not-connected"), "expected not-connected: %s", line);

	jproc_close_stdin(alice);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0, "end of input should exit 0");
}

/* The fingerprint the user accepts with /tls trust is pinned: the login goes
 * on, and a later run with the same data directory needs no --ca-file. */
Test(login, tls_trust_accepts_the_fingerprint_and_pins_it)
{
	char port[16], data_env[HARNESS_PATH_MAX + 32], pw[128];
	const char *args[] = {"--batch", NULL};
	const char *env[] = {pw, data_env, NULL};
	char dir[HARNESS_PATH_MAX];
	const char *line;

	cr_assert(harness_mkdtemp(dir, sizeof dir, "trust"));
	snprintf(port, sizeof port, "%d", srv.c2s_port);
	snprintf(pw, sizeof pw, "JABIRU_PASSWORD=%s", PASSWORD);
	snprintf(data_env, sizeof data_env, "XDG_DATA_HOME=%s", dir);

	alice = jproc_spawn("alice", args, env);
	cr_assert_not_null(alice);
	cr_assert(jproc_sendf(alice, "/connect alice@localhost 127.0.0.1 %s", port));
	cr_assert_not_null(jproc_expect(alice, "tls-untrusted", NULL, HARNESS_TIMEOUT_MS));
	cr_expect_null(jproc_seen(alice, "connected", NULL));
	cr_assert(jproc_send(alice, "/tls trust"));
	line = jproc_expect(alice, "connected", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no login after /tls trust");
	jproc_close_stdin(alice);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0);
	jproc_free(alice);

	/* A new run, the same data directory, still no --ca-file. */
	alice = jproc_spawn("alice-again", args, env);
	cr_assert_not_null(alice);
	cr_assert(jproc_sendf(alice, "/connect alice@localhost 127.0.0.1 %s", port));
	cr_expect_not_null(jproc_expect(alice, "connected", NULL, HARNESS_TIMEOUT_MS),
	                   "the pinned certificate was not trusted on the next run");
	cr_expect_null(jproc_seen(alice, "tls-untrusted", NULL));
	jproc_close_stdin(alice);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0);
	harness_rmtree(dir);
}

/* After the connection dropped, /connect logs in again in the same run. */
Test(login, connects_again_after_the_server_came_back)
{
	char port[16];

	alice = jproc_login(&srv, "alice", PASSWORD, NULL);
	cr_assert_not_null(alice);
	cr_assert(jproc_send(alice, "/disconnect"));
	cr_assert_not_null(jproc_expect(alice, "disconnected", NULL, HARNESS_TIMEOUT_MS));
	snprintf(port, sizeof port, "%d", srv.c2s_port);
	cr_assert(jproc_sendf(alice, "/connect alice@localhost 127.0.0.1 %s", port));
	cr_assert_not_null(jproc_expect(alice, "connecting", NULL, HARNESS_TIMEOUT_MS));
	cr_expect_not_null(jproc_expect(alice, "connected", NULL, HARNESS_TIMEOUT_MS),
	                   "no second login");
	jproc_close_stdin(alice);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0);
}

/* A chain whose root is unknown: libstrophe reports the problem at the
 * root's depth, but what the user is shown and pins is the server's own
 * certificate, the one an administrator would read out; pinned, the next
 * login goes through. */
Test(login, tls_trust_shows_and_pins_the_leaf_of_an_untrusted_chain)
{
	const char *fake_args[] = {"--chain", NULL};
	char config[HARNESS_PATH_MAX], leaf[HARNESS_PATH_MAX + 16], root[HARNESS_PATH_MAX + 16];
	char dir[HARNESS_PATH_MAX], data_env[HARNESS_PATH_MAX + 32];
	struct fakeserver fake = {0};
	char *want, *root_fp, *fp;
	const char *line;

	cr_assert(fakeserver_start(&fake, fake_args), "the fake server did not start");
	cr_assert(fakeserver_config(&fake, NULL, config, sizeof config));
	snprintf(leaf, sizeof leaf, "%s/leaf.crt", fake.dir);
	snprintf(root, sizeof root, "%s/ca.crt", fake.dir);
	want = cert_fingerprint(leaf);
	root_fp = cert_fingerprint(root);
	cr_assert(harness_mkdtemp(dir, sizeof dir, "trust"));
	snprintf(data_env, sizeof data_env, "XDG_DATA_HOME=%s", dir);
	{
		char port[16];
		const char *args[] = {"--batch", "--config", config, NULL};
		const char *env[] = {"JABIRU_PASSWORD=" PASSWORD, data_env, NULL};

		snprintf(port, sizeof port, "%d", fake.port);
		alice = jproc_spawn("alice", args, env);
		cr_assert_not_null(alice);
		cr_assert(jproc_sendf(alice, "/connect alice@localhost 127.0.0.1 %s", port));
	}
	line = jproc_expect(alice, "tls-untrusted", NULL, HARNESS_TIMEOUT_MS);
	cr_assert_not_null(line, "no tls-untrusted event");
	fp = json_field(line, "fingerprint");
	cr_assert_not_null(fp, "no fingerprint: %s", line);
	cr_expect(strcasecmp(fp, root_fp) != 0, "the root's fingerprint was shown: %s", fp);
	cr_expect(strcasecmp(fp, want) == 0, "fingerprint %s, the server's certificate's is %s", fp,
	          want);
	cr_assert(jproc_send(alice, "/tls trust"));
	cr_expect_not_null(jproc_expect(alice, "connected", NULL, HARNESS_TIMEOUT_MS),
	                   "no login after /tls trust");
	jproc_close_stdin(alice);
	cr_expect_eq(jproc_wait_exit(alice, HARNESS_TIMEOUT_MS), 0);
	free(fp);
	free(want);
	free(root_fp);
	fakeserver_stop(&fake);
	harness_rmtree(dir);
}
