/* The XML console's core: every element libstrophe reads or writes, from
 * the TCP connect on, redacted when captured, kept in a bounded ring,
 * optionally appended to a log file (--xml-log) and announced as an "xml"
 * event. The curses window (ui/console.c) and the batch mode (--xml) read
 * it; nothing here draws. */
#ifndef JABIRU_CONSOLE_H
#define JABIRU_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct app;

#define CONSOLE_DEFAULT_ENTRIES 2000
#define CONSOLE_DEFAULT_BYTES   (8u * 1024 * 1024)
/* The stream negotiation of the current connection (stream headers,
 * features, STARTTLS, SASL, bind) is kept while newer elements come and go,
 * up to this many elements (and half the ring): a big roster's login
 * brings thousands of stanzas that would push it out of the ring. */
#define CONSOLE_PINNED_MAX 64
/* One element bigger than this is kept cut, with a note. */
#define CONSOLE_ENTRY_MAX (256u * 1024)

enum console_dir { CONSOLE_IN, CONSOLE_OUT };

struct console_entry {
	uint64_t seq; /* increasing, never reused */
	enum console_dir dir;
	struct timespec when; /* wall clock */
	char *xml;            /* redacted */
	size_t len;
	bool pinned; /* part of the current connection's negotiation */
};

enum console_kind {
	CONSOLE_KIND_IQ = 1 << 0,
	CONSOLE_KIND_MESSAGE = 1 << 1,
	CONSOLE_KIND_PRESENCE = 1 << 2,
	CONSOLE_KIND_OTHER = 1 << 3,
};

struct console_filter {
	int dirs;   /* bit (1 << CONSOLE_IN) | (1 << CONSOLE_OUT); 0: any */
	int kinds;  /* CONSOLE_KIND_*; 0: any */
	char *jid;  /* from or to of the top element starts with it; NULL: any */
	char *ns;   /* a namespace declared anywhere in the element */
	char *text; /* a substring, ignoring ASCII case */
};

struct console;

struct console *console_new(struct app *app);
void console_free(struct console *c);
/* Starts appending to path (created 0600, appended to). Returns 0 or -1 with
 * errno set. */
int console_open_log(struct console *c, const char *path);
/* Capacity of the ring: entries and bytes (0 keeps the current value). */
void console_set_cap(struct console *c, size_t entries, size_t bytes);

/* Records one element (raw, as on the wire): redacts it, keeps it, logs it
 * and emits the "xml" event. What the session's tap calls. */
void console_capture(struct console *c, enum console_dir dir, const char *xml);

/* A connection starts (its negotiation is kept: CONSOLE_PINNED_MAX), and
 * the session is online (what follows ages out normally). The session's
 * hooks call these. */
void console_connection_start(struct console *c);
void console_session_online(struct console *c);

size_t console_count(const struct console *c);
size_t console_bytes(const struct console *c);
/* The i-th entry, 0 the oldest. */
const struct console_entry *console_entry(const struct console *c, size_t i);

/* View state shared by the window and the commands. */
struct console_view {
	bool compact;
	bool paused;
	uint64_t paused_seq; /* entries after it are hidden while paused */
	struct console_filter filter;
};
struct console_view *console_view(struct console *c);

/* Redaction: a newly allocated copy of xml (len bytes) with every secret
 * replaced by "[redacted]": SASL (RFC 6120 and XEP-0388) auth, challenge,
 * response, success payloads; password, digest and token elements
 * (jabber:iq:register, jabber:iq:auth); values of private data form
 * fields. Unparsable input after a secret's start is dropped whole. */
char *console_redact(const char *xml, size_t len);

/* Filter words: in, out, iq, message, presence, other, jid:JID, ns:URI,
 * text:WORDS (the rest of the line). No words clears. Returns 0, or -1 with
 * a translated message in *err (malloc'd). */
int console_filter_parse(struct console_filter *f, int argc, char **argv, char **err);
void console_filter_clear(struct console_filter *f);
bool console_filter_match(const struct console_filter *f, const struct console_entry *e);
/* The kind of the top element of xml. */
enum console_kind console_kind_of(const char *xml, size_t len);
/* A one-line description of the filter (malloc'd), "" when empty. */
char *console_filter_describe(const struct console_filter *f);

#endif
