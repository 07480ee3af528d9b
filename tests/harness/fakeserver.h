/* A scripted fake XMPP server (tests/harness/fake-xmpp) for the faults a
 * real server will not produce: malformed XML, a stream cut in the middle
 * of a stanza, a server that stops answering. Everything else is tested
 * against the real Prosody.
 *
 * The server runs as a child of the test (killed with it, PR_SET_PDEATHSIG)
 * on a free port of 127.0.0.1, with a throwaway certificate for
 * "localhost". Its first connection follows the script; later ones are
 * served normally. */
#ifndef JABIRU_TEST_FAKESERVER_H
#define JABIRU_TEST_FAKESERVER_H

#include <stdbool.h>
#include <sys/types.h>

#include "harness.h"

struct fakeserver {
	char dir[HARNESS_PATH_MAX];     /* certificate, log */
	char ca_file[HARNESS_PATH_MAX]; /* its self-signed certificate */
	char log_file[HARNESS_PATH_MAX];
	int port;
	pid_t pid;
};

/* Starts the server with fake-xmpp's options (NULL-terminated, may be
 * NULL), e.g. {"--stall-at", "auth", NULL} or {"--script", "cut", NULL}.
 * Zero-initialise *f. False (after printing why) on failure. */
bool fakeserver_start(struct fakeserver *f, const char *const *args);
/* Stops the server and removes its directory. Safe to call twice. */
void fakeserver_stop(struct fakeserver *f);
/* Prints the server's log (what it read and sent) to stderr. */
void fakeserver_dump_log(const struct fakeserver *f);
/* A jabirurc in the server's directory with the given lines (each
 * "name = value"), for jabiru's --config. Its path goes to out. */
bool fakeserver_config(struct fakeserver *f, const char *const *lines, char *out, size_t size);
/* jabiru --batch --config CONFIG --jid USER@localhost --server 127.0.0.1
 * --port PORT with JABIRU_PASSWORD=PASSWORD (the fake server takes any, a
 * real one after it may not); CONFIG (made by fakeserver_config)
 * names the CA file, so that a later /set ca_file can replace it. */
struct jproc *fakeserver_jabiru(const struct fakeserver *f, const char *user, const char *password,
                                const char *config);

#endif
