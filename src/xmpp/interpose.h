/* Library functions jabiru defines itself, to mend defects of libstrophe
 * 0.12.2 it cannot reach otherwise (see interpose.c). */
#ifndef JABIRU_XMPP_INTERPOSE_H
#define JABIRU_XMPP_INTERPOSE_H

#include <openssl/x509.h>
#include <stdbool.h>

/* True once since the last call if libstrophe asked to copy a stanza that
 * is not there: the stream features after the login offered no resource
 * binding (libstrophe then gives up with an allocation error). */
bool interpose_take_null_copy(void);
/* The certificate chain being verified while libstrophe's verify callback
 * runs (it asks for the current certificate before it calls our certfail
 * handler), else NULL. */
X509_STORE_CTX *interpose_verify_ctx(void);
/* Forgets it: called at the end of each certfail handler. */
void interpose_verify_done(void);

#endif
