/* The stanza harnesses' stand-in for the network (stanza-driver.c): jabiru
 * with all its modules, as main.c builds it, logged in over a connection
 * that has no socket, and stanzas from the fuzzer handed to the handlers
 * jabiru registered, the way libstrophe's event loop hands them over. */
#ifndef JABIRU_FUZZ_STANZA_DRIVER_H
#define JABIRU_FUZZ_STANZA_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

struct driver_opts {
	bool batch;               /* the batch front end's rules (no prompts) */
	bool accept_files;        /* --accept-files into a private directory */
	const char *register_jid; /* --register this JID instead of a login */
	bool record;              /* keep what was emitted and sent (tests) */
};

/* Once per process (LLVMFuzzerInitialize): a private HOME and XDG dirs. */
void driver_init(void);
/* jabiru's modules, a login (or registration) started; NULL on failure. */
struct app *driver_start(const struct driver_opts *o);
/* The server accepts: XMPP_CONN_CONNECT, so the online hooks run and
 * register their handlers (for a registration: the stream is open). */
void driver_connect(struct app *app);
/* data is the inside of a stream: every top-level element is one stanza
 * for the handlers. Input the parser refuses is dropped, as a stream with
 * malformed XML would end. */
void driver_feed(struct app *app, const uint8_t *data, size_t size);
/* Batch mode's end of input (app_shutdown): transfers still waiting for
 * an answer are refused, then the session closes. */
void driver_end_of_input(struct app *app);
/* The server closes the connection; then everything is freed, as at exit. */
void driver_stop(struct app *app);
/* What the last run emitted, one JSON line per event, and sent, one line
 * of XML per stanza (with .record; kept after driver_stop, until the next start). */
const char *driver_events(void);
const char *driver_sent(void);
/* Removes the private directories (for the unit tests). */
void driver_fini(void);

#endif
