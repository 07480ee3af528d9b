/* Certificates the user trusted by hand (/tls trust), pinned per domain by
 * SHA-256 fingerprint in $XDG_DATA_HOME/jabiru/trusted_certs. */
#ifndef JABIRU_TRUST_H
#define JABIRU_TRUST_H

#include <openssl/x509.h>
#include <stdbool.h>

/* fp in any case, with or without colons. */
bool trust_has(const char *domain, const char *fp);
int trust_add(const char *domain, const char *fp);
/* "AB:CD:..." upper-case with colons; malloc'd. */
char *trust_format_fp(const char *fp);
/* The fingerprint (formatted) of the server's own certificate in the chain
 * ctx verifies, whatever depth a problem was found at; NULL without one. */
char *trust_leaf_fp(X509_STORE_CTX *ctx);

#endif
