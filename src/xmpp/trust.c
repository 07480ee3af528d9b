#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/str.h"
#include "util/xdg.h"
#include "xmpp/trust.h"

#define TRUST_FILE "trusted_certs"

/* Hex digits only, upper-case: the comparable form of a fingerprint. */
static char *normalise(const char *fp)
{
	char *out = xmalloc(strlen(fp) + 1), *o = out;

	for (; *fp != '\0'; fp++)
		if (isxdigit((unsigned char)*fp))
			*o++ = (char)toupper((unsigned char)*fp);
	*o = '\0';
	return out;
}

char *trust_format_fp(const char *fp)
{
	char *hex = normalise(fp);
	size_t n = strlen(hex);
	char *out = xmalloc(n / 2 * 3 + 2), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && i % 2 == 0)
			*o++ = ':';
		*o++ = hex[i];
	}
	*o = '\0';
	free(hex);
	return out;
}

char *trust_leaf_fp(X509_STORE_CTX *ctx)
{
	X509 *leaf = ctx != NULL ? X509_STORE_CTX_get0_cert(ctx) : NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char hex[EVP_MAX_MD_SIZE * 2 + 1];

	if (leaf == NULL || X509_digest(leaf, EVP_sha256(), md, &n) != 1)
		return NULL;
	for (unsigned int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02X", md[i]);
	return trust_format_fp(hex);
}

bool trust_has(const char *domain, const char *fp)
{
	char *path = xdg_path(XDG_DATA, NULL);
	char *file, line[512], *want;
	bool found = false;
	FILE *f;

	if (path == NULL)
		return false;
	file = xasprintf("%s/%s", path, TRUST_FILE);
	free(path);
	f = fopen(file, "r");
	free(file);
	if (f == NULL)
		return false;
	want = normalise(fp);
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *sp = strchr(line, ' '), *have;

		if (sp == NULL)
			continue;
		*sp = '\0';
		if (strcasecmp(line, domain) != 0)
			continue;
		have = normalise(sp + 1);
		found = strcmp(have, want) == 0 && want[0] != '\0';
		free(have);
	}
	free(want);
	fclose(f);
	return found;
}

int trust_add(const char *domain, const char *fp)
{
	char *dir = xdg_path(XDG_DATA, NULL), *file, *line, *norm;
	int fd, rc = 0;

	if (dir == NULL)
		return -1;
	file = xasprintf("%s/%s", dir, TRUST_FILE);
	free(dir);
	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	free(file);
	if (fd < 0)
		return -1;
	norm = trust_format_fp(fp);
	line = xasprintf("%s %s\n", domain, norm);
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	free(line);
	free(norm);
	return rc;
}
