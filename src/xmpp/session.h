/* The XMPP session: connecting (TLS policy, certificate trust), the glue
 * between libstrophe and jabiru's poll loop, and disconnecting. */
#ifndef JABIRU_SESSION_H
#define JABIRU_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <strophe.h>

#include "opts.h"

struct app;
struct session;

enum session_state {
	SESSION_OFFLINE,
	SESSION_CONNECTING,
	SESSION_ONLINE,
	SESSION_CLOSING,
};

struct session_params {
	char *jid;
	char *password; /* wiped on free */
	char *server;   /* NULL: resolve the domain */
	int port;       /* 0: default */
	enum tls_mode tls;
	char *ca_file;
	char *resource; /* NULL: "jabiru." and a random suffix */
	/* Allows the old jabber:iq:auth login (XEP-0078) for servers without
	 * SASL; TLS stays mandatory, so never over a plain stream. */
	bool legacy_auth;
	/* The command that asked (a static string), for its error events. */
	const char *command;
};

struct session *session_new(struct app *app);
void session_free(struct session *s);

/* Starts connecting; progress and failure arrive as events. The params are
 * copied. Returns 0, or -1 after an error event. */
/* Frees the strings of p (malloc'd), wiping the password. */
void session_params_free(struct session_params *p);
int session_connect(struct session *s, const struct session_params *p);
/* A session that stops at the opened stream, for in-band registration:
 * opened() runs when the server's stream header arrived (the module then
 * handles features, STARTTLS and its own stanzas); closed() when the
 * connection ends, returning false to have the session report a connection
 * failure (refused port, untrusted certificate) as for a login. */
struct session_raw {
	void (*opened)(struct session *s, void *ud);
	bool (*closed)(struct session *s, int error, void *ud);
	void *ud;
};
/* Like session_connect (p->password may be ""), without SASL or binding.
 * raw must stay valid until closed() ran. */
int session_connect_raw(struct session *s, const struct session_params *p,
                        const struct session_raw *raw);

/* Gives up an online session that stopped answering (no closing
 * handshake: the server would not answer it either); the disconnected
 * event carries reason. */
void session_lost(struct session *s, const char *reason);
/* When the server last sent something (loop_now_ms), for the keepalive. */
uint64_t session_last_recv_ms(const struct session *s);
/* Closes the stream politely after the queued stanzas are written. */
void session_disconnect(struct session *s);
enum session_state session_state(const struct session *s);
bool session_online(const struct session *s);
/* True when the server's stream features offered roster versioning. */
bool session_offers_rosterver(const struct session *s);
/* The bound full JID while online, else NULL. */
const char *session_jid(const struct session *s);
/* The socket of the XMPP connection, or -1 (SOCKS5 bytestreams learn the
 * local address from it). */
int session_fd(const struct session *s);

xmpp_ctx_t *session_ctx(struct session *s);
xmpp_conn_t *session_conn(struct session *s);
/* Sends a stanza (not consumed: the caller releases it). */
void session_send(struct session *s, xmpp_stanza_t *st);
/* A fresh stanza id. Caller frees with free(). */
char *session_new_id(struct session *s);

/* Trusts the certificate last refused for this domain (the user said so),
 * stores its fingerprint and connects again. Returns -1 when there is none. */
int session_trust_pending(struct session *s, const char *command);
/* The domain of the account of the current or last login. */
const char *session_domain(const struct session *s);

#endif
