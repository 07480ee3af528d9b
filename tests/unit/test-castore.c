/* When jabiru points OpenSSL's default bundle away (src/xmpp/castore.c):
 * only for a hashed directory, never over the user's SSL_CERT_FILE, and
 * never for the programs it runs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmpp/castore.h"

static char dir[] = "/tmp/test-castore.XXXXXX";
static char file[sizeof dir + 32];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	unsetenv("SSL_CERT_FILE");
}

static void teardown(void)
{
	if (file[0] != '\0')
		unlink(file);
	rmdir(dir);
	unsetenv("SSL_CERT_FILE");
}

TestSuite(castore, .init = setup, .fini = teardown);

static void touch(const char *name)
{
	FILE *f;

	snprintf(file, sizeof file, "%s/%s", dir, name);
	f = fopen(file, "w");
	cr_assert_not_null(f);
	fclose(f);
}

Test(castore, hash_names)
{
	cr_assert(castore_is_hash_name("5ad8a5d6.0"));
	cr_assert(castore_is_hash_name("00000000.12"));
	cr_assert_not(castore_is_hash_name("5AD8A5D6.0"));
	cr_assert_not(castore_is_hash_name("5ad8a5d6"));
	cr_assert_not(castore_is_hash_name("5ad8a5d6."));
	cr_assert_not(castore_is_hash_name("5ad8a5d6.0x"));
	cr_assert_not(castore_is_hash_name("ca-certificates.crt"));
	cr_assert_not(castore_is_hash_name(""));
}

Test(castore, a_hashed_directory_turns_the_bundle_off_for_jabiru_only)
{
	touch("5ad8a5d6.0");
	cr_assert(castore_prefer_dir(dir));
	cr_assert_not_null(getenv("SSL_CERT_FILE"));
	cr_assert_str_eq(getenv("SSL_CERT_FILE"), "");
	/* What a password_cmd child gets: the environment as it was. */
	castore_restore_env();
	cr_assert_null(getenv("SSL_CERT_FILE"));
}

Test(castore, a_directory_without_hashes_changes_nothing)
{
	touch("ca-bundle.crt");
	cr_assert_not(castore_prefer_dir(dir));
	cr_assert_null(getenv("SSL_CERT_FILE"));
	cr_assert_not(castore_prefer_dir("/nonexistent/castore"));
	cr_assert_null(getenv("SSL_CERT_FILE"));
}

Test(castore, the_users_ssl_cert_file_is_kept)
{
	touch("5ad8a5d6.0");
	setenv("SSL_CERT_FILE", "/etc/my-bundle.pem", 1);
	cr_assert_not(castore_prefer_dir(dir));
	castore_restore_env();
	cr_assert_str_eq(getenv("SSL_CERT_FILE"), "/etc/my-bundle.pem");
}
