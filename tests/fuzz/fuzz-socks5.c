/* The SOCKS5 state machine (src/ft/socks5.c), both roles, against a peer
 * that sends anything, split anywhere. The first byte picks the role (and,
 * for a client, whether the connect is still in progress); the rest is a
 * list of chunks (a length byte, then the bytes) written to the other end
 * of a socketpair, one socks5_step() after each, as the poll loop would.
 *
 * Checked: the state is always one the role can be in, a failure says why,
 * the reader never takes a byte beyond the SOCKS5 message (what the peer
 * sent after the handshake is still in the socket, in order), and the
 * machine never blocks. A peer that fills the socket ends its input there. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ft/socks5.h"

#define HASH "f70fc48b5c4eb27759edd49219f90618074351a6"

static bool state_ok(const struct socks5 *s)
{
	if (s->state == S5_DONE)
		return s->error == NULL;
	if (s->state == S5_FAILED)
		return s->error != NULL;
	if (s->role == SOCKS5_CLIENT)
		return s->state <= S5_WAIT_REPLY;
	return s->state >= S5_WAIT_GREETING && s->state <= S5_SEND_REPLY;
}

static void drain(int fd)
{
	char buf[512];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct socks5 s5;
	int fds[2];
	size_t i = 1, sent = 0, done_at = 0;
	bool done = false;
	uint8_t *wire; /* everything written to the machine, in order */

	if (size < 1 || socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		return 0;
	wire = malloc(size);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	if (data[0] & 1)
		socks5_server_init(&s5, fds[0], HASH);
	else
		socks5_client_init(&s5, fds[0], HASH, data[0] & 2);
	socks5_step(&s5);
	while (i < size) {
		size_t n = data[i++];
		ssize_t w;

		if (n > size - i)
			n = size - i;
		/* A socketpair counts each write's overhead: thousands of tiny
		 * chunks the machine no longer reads (it is done or failed) fill
		 * it. A real peer would wait there, so the input ends. */
		w = n > 0 ? write(fds[1], data + i, n) : 0;
		if (w < 0 && errno != EAGAIN)
			abort();
		if (w < 0)
			break;
		memcpy(wire + sent, data + i, (size_t)w);
		i += n;
		sent += (size_t)w;
		if ((size_t)w < n)
			break;
		drain(fds[1]); /* what the machine wrote: the peer reads it */
		if (s5.state != S5_DONE && s5.state != S5_FAILED)
			socks5_step(&s5);
		if (!state_ok(&s5) || s5.inlen > sizeof(s5.in) || s5.outoff > s5.outlen ||
		    s5.outlen > sizeof(s5.out))
			abort();
		if (s5.state == S5_DONE && !done) {
			done = true;
			done_at = sent;
		}
	}
	if (done) {
		/* Everything sent after the handshake's last chunk is unread;
		 * the handshake itself ended inside that chunk, so at least the
		 * later chunks must be there, byte for byte. */
		uint8_t *buf = malloc(size);
		ssize_t got = read(fds[0], buf, size);
		size_t after = sent - done_at;

		if (after > 0 && (got < 0 || (size_t)got < after))
			abort();
		if (after > 0 && memcmp(buf + got - after, wire + sent - after, after) != 0)
			abort();
		free(buf);
	}
	free(wire);
	close(fds[0]);
	close(fds[1]);
	return 0;
}
