/* OpenSSL's default trust store comes in two forms: one bundle file and a
 * directory of certificates named by subject hash. libstrophe asks for both
 * (SSL_CTX_set_default_verify_paths), and OpenSSL parses the bundle whole:
 * on Debian about 140 certificates and 1 MB of heap, kept for the session
 * and for every connection. The directory holds the same certificates
 * (update-ca-certificates writes both) and is read lazily: only the issuers
 * a server's chain needs.
 *
 * So when the user has not chosen a bundle (SSL_CERT_FILE is unset) and the
 * directory really is hashed, the bundle is pointed at nothing: OpenSSL
 * ignores a default location it cannot read. Where there is no hashed
 * directory (some distributions ship only the bundle) nothing changes. A
 * certificate found in neither is refused as before, with its fingerprint
 * for /tls trust. */
#include "config.h"

#include <dirent.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "xmpp/castore.h"

static bool env_set_by_us;

bool castore_is_hash_name(const char *name)
{
	size_t i;

	for (i = 0; i < 8; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	if (name[i++] != '.' || name[i] < '0' || name[i] > '9')
		return false;
	for (; name[i] != '\0'; i++)
		if (name[i] < '0' || name[i] > '9')
			return false;
	return true;
}

static bool dir_is_hashed(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool hashed = false;

	if (d == NULL)
		return false;
	while (!hashed && (e = readdir(d)) != NULL)
		hashed = castore_is_hash_name(e->d_name);
	closedir(d);
	return hashed;
}

/* The first directory OpenSSL would search: SSL_CERT_DIR (a colon list) or
 * the built-in one. */
static char *default_dir(void)
{
	const char *env = getenv(X509_get_default_cert_dir_env());
	const char *dir = env != NULL && env[0] != '\0' ? env : X509_get_default_cert_dir();

	return xstrndup(dir, strcspn(dir, ":"));
}

bool castore_prefer_dir(const char *dir)
{
	char *d;
	bool hashed;

	if (getenv(X509_get_default_cert_file_env()) != NULL)
		return false; /* the user's choice */
	d = dir != NULL ? xstrdup(dir) : default_dir();
	hashed = dir_is_hashed(d);
	free(d);
	if (!hashed)
		return false;
	if (setenv(X509_get_default_cert_file_env(), "", 1) != 0)
		return false;
	env_set_by_us = true;
	return true;
}

void castore_restore_env(void)
{
	if (env_set_by_us)
		unsetenv(X509_get_default_cert_file_env());
}
