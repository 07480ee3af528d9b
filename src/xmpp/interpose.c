/* libstrophe 0.12.2 dereferences NULL on two inputs a server (or, before
 * STARTTLS, anyone on the path) can send, inside its own handlers, before
 * any of jabiru's code sees the stanza:
 * - <stream:error/> with no child: _handle_error calls
 *   xmpp_stanza_get_next(NULL);
 * - stream features after SASL without <bind/>: _handle_features_sasl calls
 *   xmpp_stanza_copy(NULL) (fixed upstream in 0.12.3).
 * libstrophe calls its exported functions through its PLT, so the dynamic
 * linker binds those calls to a definition in the executable first. The
 * definitions here tolerate NULL and forward everything else to the
 * library's own (dlsym RTLD_NEXT). That holds for the shared libstrophe we
 * ship against, not for a static or -Bsymbolic one; tests/e2e/test-hostile
 * runs the installed way.
 *
 * libstrophe's certificate check shows us the certificate at the depth of
 * the error, which can be the root; the user must see and pin the server's
 * own. Its verify callback asks X509_STORE_CTX_get_current_cert() for that
 * certificate just before it calls our handler, so the definition here
 * notes the chain being verified for the handler (trust.c) to take the
 * leaf from.
 *
 * The XML console shows received elements as they were on the wire
 * (wiretap.c): libstrophe reads the socket with recv() before TLS and with
 * SSL_read() after, and both hand what they read to the tap, which keeps
 * only what comes from the session's socket. OpenSSL itself reads the
 * ciphertext with read(), not recv(). */
#include "config.h"

#include <dlfcn.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <strophe.h>
#include <sys/socket.h>

#include "xmpp/interpose.h"
#include "xmpp/wiretap.h"

static bool null_copy;
static X509_STORE_CTX *verifying;

/* The library's definition of name; there is none only in a build where
 * ours would not be called either. */
static void *next_definition(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (fn == NULL) {
		fprintf(stderr, "jabiru: %s not found in the libraries\n", name);
		abort();
	}
	return fn;
}

xmpp_stanza_t *xmpp_stanza_get_next(xmpp_stanza_t *stanza)
{
	static xmpp_stanza_t *(*next)(xmpp_stanza_t *);

	if (stanza == NULL)
		return NULL;
	if (next == NULL)
		next = (xmpp_stanza_t * (*)(xmpp_stanza_t *)) next_definition(__func__);
	return next(stanza);
}

xmpp_stanza_t *xmpp_stanza_copy(const xmpp_stanza_t *stanza)
{
	static xmpp_stanza_t *(*next)(const xmpp_stanza_t *);

	if (stanza == NULL) {
		null_copy = true;
		return NULL;
	}
	if (next == NULL)
		next = (xmpp_stanza_t * (*)(const xmpp_stanza_t *)) next_definition(__func__);
	return next(stanza);
}

X509 *X509_STORE_CTX_get_current_cert(const X509_STORE_CTX *ctx)
{
	static X509 *(*next)(const X509_STORE_CTX *);

	if (next == NULL)
		next = (X509 * (*)(const X509_STORE_CTX *)) next_definition(__func__);
	verifying = (X509_STORE_CTX *)ctx;
	return next(ctx);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	static ssize_t (*next)(int, void *, size_t, int);
	ssize_t n;

	if (next == NULL)
		next = (ssize_t(*)(int, void *, size_t, int))next_definition(__func__);
	n = next(fd, buf, len, flags);
	if (n > 0 && !(flags & MSG_PEEK))
		wiretap_feed(fd, buf, (size_t)n);
	return n;
}

int SSL_read(SSL *ssl, void *buf, int num)
{
	static int (*next)(SSL *, void *, int);
	int n;

	if (next == NULL)
		next = (int (*)(SSL *, void *, int))next_definition(__func__);
	n = next(ssl, buf, num);
	if (n > 0)
		wiretap_feed(SSL_get_fd(ssl), buf, (size_t)n);
	return n;
}

bool interpose_take_null_copy(void)
{
	bool was = null_copy;

	null_copy = false;
	return was;
}

X509_STORE_CTX *interpose_verify_ctx(void)
{
	return verifying;
}

void interpose_verify_done(void)
{
	verifying = NULL;
}
