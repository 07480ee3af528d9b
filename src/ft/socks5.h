/* The entry points for file transfer are in ft/s5b.h (s5b_initiate,
 * s5b_init); this file is the wire protocol under them.
 *
 * SOCKS5 (RFC 1928) as XEP-0065 uses it, both sides, as one explicit state
 * machine over a non-blocking socket. Nothing here knows about XMPP or the
 * poll loop: the owner watches socks5_events() on the fd and calls
 * socks5_step() when the fd is ready, which makes the unit tests able to drive
 * both roles over a socketpair.
 *
 * The wire rules come from interop, not only from the RFC: the greeting goes
 * in a write of its own and the CONNECT in one write (Prosody's proxy65 is
 * strict about both), any reply may arrive split across reads, BND.ADDR in
 * the reply need not be the hash (some peers put their IP there), and the
 * reader never takes a byte past the SOCKS5 message, so data that follows
 * the handshake stays in the socket for the owner. */
#ifndef JABIRU_SOCKS5_H
#define JABIRU_SOCKS5_H

#include <stdbool.h>
#include <stddef.h>

/* The lower-case hex SHA-1 of sid + initiator + target: DST.ADDR. */
#define SOCKS5_HASH_LEN 40

enum socks5_role { SOCKS5_CLIENT, SOCKS5_SERVER };

enum socks5_state {
	/* client */
	S5_CONNECTING,    /* the TCP connect is in progress */
	S5_SEND_GREETING, /* 05 01 00 */
	S5_WAIT_METHOD,   /* waiting for 05 00 */
	S5_SEND_CONNECT,  /* 05 01 00 03 28 <hash> 00 00 */
	S5_WAIT_REPLY,    /* waiting for 05 00 00 <atyp> <addr> <port> */
	/* server */
	S5_WAIT_GREETING, /* waiting for 05 n <n methods> */
	S5_SEND_METHOD,   /* 05 00 (or 05 ff, then failure) */
	S5_WAIT_CONNECT,  /* waiting for the CONNECT with our hash */
	S5_SEND_REPLY,    /* 05 00 00 03 28 <hash> 00 00 (or an error reply) */
	/* both */
	S5_DONE,   /* handshake complete: the fd carries the bytestream */
	S5_FAILED, /* see socks5.error */
};

struct socks5 {
	int fd;
	enum socks5_role role;
	enum socks5_state state;
	char hash[SOCKS5_HASH_LEN + 1];
	/* What is read so far of the message being waited for. The largest
	 * is a reply or CONNECT with a 255-byte domain: 4 + 1 + 255 + 2. */
	unsigned char in[262];
	size_t inlen;
	/* What is being written (one message), and how much went out. */
	unsigned char out[64];
	size_t outlen, outoff;
	/* Server: after a failing message is written, fail with this. */
	const char *fail_after_write;
	/* Why it failed (translated, static); NULL otherwise. */
	const char *error;
};

/* hash = lower-case hex SHA-1(sid + initiator + target), NUL-terminated. */
void socks5_hash(char hash[SOCKS5_HASH_LEN + 1], const char *sid, const char *initiator,
                 const char *target);

/* A client on fd (non-blocking). connecting: the connect(2) is still in
 * progress (EINPROGRESS); the first step checks its outcome. */
void socks5_client_init(struct socks5 *s, int fd, const char *hash, bool connecting);
/* A server on an accepted fd (non-blocking) expecting the CONNECT for hash;
 * any other hash is refused and fails. */
void socks5_server_init(struct socks5 *s, int fd, const char *hash);

/* Advances as far as the socket allows without blocking. Call it when fd is
 * ready for socks5_events(). Returns the new state. On end of file, a socket
 * error or a malformed or refusing message the state is S5_FAILED with
 * s->error set; the fd is never closed here. */
enum socks5_state socks5_step(struct socks5 *s);
/* POLLIN or POLLOUT: what the current state waits for (0 when done/failed). */
short socks5_events(const struct socks5 *s);

#endif
