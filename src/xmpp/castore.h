/* Which form of the system's CA certificates OpenSSL reads. */
#ifndef JABIRU_XMPP_CASTORE_H
#define JABIRU_XMPP_CASTORE_H

#include <stdbool.h>

/* Called once before any TLS connection: lets OpenSSL look CAs up in the
 * hashed system directory instead of parsing the whole bundle. Returns
 * true when it changed anything. dir is the directory to check (NULL: the
 * one OpenSSL would use). */
bool castore_prefer_dir(const char *dir);
/* In a child process before exec: the environment as jabiru found it. */
void castore_restore_env(void);
/* Whether name is a hashed-directory entry ("5ad8a5d6.0"). */
bool castore_is_hash_name(const char *name);

#endif
