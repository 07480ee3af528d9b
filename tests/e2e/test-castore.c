/* The system's CA certificates: jabiru reads them from the hashed directory
 * (lazily, see src/xmpp/castore.c) rather than parsing the whole bundle. A
 * CA found there is trusted without --ca-file; a bundle the user names in
 * SSL_CERT_FILE is still honoured. Against a real Prosody whose
 * certificate is self-signed. */
#include "config.h"

#include <criterion/criterion.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/harness.h"

static struct prosody srv;
static struct jproc *alice;
static char dir[256];

static void setup(void)
{
	const char *users[] = {"alice:password", NULL};

	cr_assert(prosody_start(&srv, users), "Prosody did not start");
	cr_assert(harness_mkdtemp(dir, sizeof dir, "castore"));
}

static void teardown(void)
{
	jproc_free(alice);
	alice = NULL;
	prosody_stop(&srv);
	harness_rmtree(dir);
}

TestSuite(castore, .init = setup, .fini = teardown, .timeout = 60);

/* Copies the server's certificate into dir under its subject hash, as
 * update-ca-certificates (openssl rehash) names the system's CAs. */
static void install_hashed(void)
{
	FILE *f = fopen(srv.ca_file, "r"), *out;
	char path[400];
	X509 *x;

	cr_assert_not_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	cr_assert_not_null(x);
	snprintf(path, sizeof path, "%s/%08lx.0", dir, X509_subject_name_hash(x));
	out = fopen(path, "w");
	cr_assert_not_null(out);
	cr_assert(PEM_write_X509(out, x) == 1);
	fclose(out);
	X509_free(x);
}

/* alice without --ca-file: only the system store (as env points it). */
static struct jproc *spawn_alice(const char *cert_file)
{
	char port[16], certdir[300], certfile[300];
	const char *args[] = {
	    "--batch", "--jid", "alice@localhost", "--server", "127.0.0.1", "--port", port, NULL};
	const char *env[] = {"JABIRU_PASSWORD=password", certdir,
	                     cert_file != NULL ? certfile : NULL, NULL};

	snprintf(port, sizeof port, "%d", srv.c2s_port);
	snprintf(certdir, sizeof certdir, "SSL_CERT_DIR=%s", dir);
	snprintf(certfile, sizeof certfile, "SSL_CERT_FILE=%s", cert_file ? cert_file : "");
	return jproc_spawn("alice", args, env);
}

Test(castore, a_ca_in_the_hashed_directory_is_trusted_without_ca_file)
{
	install_hashed();
	alice = spawn_alice(NULL);
	cr_assert_not_null(alice);
	cr_assert_not_null(jproc_expect(alice, "connected", NULL, HARNESS_TIMEOUT_MS),
	                   "not trusted through the hashed directory: %s",
	                   jproc_seen(alice, "error", NULL));
	cr_expect_null(jproc_seen(alice, "tls-untrusted", NULL));
}

Test(castore, a_bundle_named_in_ssl_cert_file_is_honoured)
{
	/* The directory holds something hashed but not this CA: only the
	 * user's bundle can make the login succeed. */
	char other[400];
	FILE *f;

	snprintf(other, sizeof other, "%s/00000000.0", dir);
	f = fopen(other, "w");
	cr_assert_not_null(f);
	fclose(f);
	alice = spawn_alice(srv.ca_file);
	cr_assert_not_null(alice);
	cr_assert_not_null(jproc_expect(alice, "connected", NULL, HARNESS_TIMEOUT_MS),
	                   "SSL_CERT_FILE was not honoured: %s", jproc_seen(alice, "error", NULL));
}

Test(castore, a_ca_in_neither_is_refused)
{
	char other[400];
	FILE *f;

	snprintf(other, sizeof other, "%s/00000000.0", dir);
	f = fopen(other, "w");
	cr_assert_not_null(f);
	fclose(f);
	alice = spawn_alice(NULL);
	cr_assert_not_null(alice);
	cr_assert_not_null(jproc_expect(alice, "tls-untrusted", NULL, HARNESS_TIMEOUT_MS));
	cr_expect_null(jproc_seen(alice, "connected", NULL));
}
