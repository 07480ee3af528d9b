/* Events: how the core tells a front end what happened. The curses UI turns
 * an event into window updates, the batch mode into one JSON line. The list
 * below is the batch schema; man/jabiru.1 (BATCH MODE) documents each kind
 * and a test checks that it does. */
#ifndef JABIRU_EVENT_H
#define JABIRU_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#define EVENT_KINDS(X)                                                                             \
	X(EV_CONNECTING, "connecting")                                                             \
	X(EV_CONNECTED, "connected")                                                               \
	X(EV_DISCONNECTED, "disconnected")                                                         \
	X(EV_TLS_UNTRUSTED, "tls-untrusted")                                                       \
	X(EV_MESSAGE, "message")                                                                   \
	X(EV_MESSAGE_SENT, "message-sent")                                                         \
	X(EV_MESSAGE_ERROR, "message-error")                                                       \
	X(EV_ERROR, "error")                                                                       \
	X(EV_INFO, "info")                                                                         \
	/* roster, presence, subscriptions */                                                      \
	X(EV_ROSTER, "roster")                                                                     \
	X(EV_ROSTER_LOADED, "roster-loaded")                                                       \
	X(EV_PRESENCE, "presence")                                                                 \
	X(EV_SUBSCRIPTION, "subscription")                                                         \
	X(EV_BLOCKLIST, "blocklist")                                                               \
	/* XML console */                                                                          \
	X(EV_XML, "xml")                                                                           \
	X(EV_RAW_RESULT, "raw-result")                                                             \
	/* file transfer */                                                                        \
	X(EV_FILE_OFFER, "file-offer")                                                             \
	X(EV_FILE_OUTGOING, "file-outgoing")                                                       \
	X(EV_FILE_PROGRESS, "file-progress")                                                       \
	X(EV_FILE_DONE, "file-done")                                                               \
	X(EV_FILE_FAILED, "file-failed")                                                           \
	X(EV_FILE, "file")                                                                         \
	/* configuration, accounts, registration */                                                \
	X(EV_SETTING, "setting")                                                                   \
	X(EV_SAVED, "saved")                                                                       \
	X(EV_ACCOUNT, "account")                                                                   \
	X(EV_REGISTRATION, "registration")

enum ev_kind {
#define EV_ENUM(e, name) e,
	EVENT_KINDS(EV_ENUM)
#undef EV_ENUM
	    EV__COUNT
};

enum evf_type { EVF_STR, EVF_INT, EVF_BOOL, EVF_STRV };

struct ev_field {
	const char *key;
	enum evf_type type;
	union {
		const char *s;
		long long i;
		bool b;
		struct {
			const char *const *v;
			size_t n;
		} sv;
	} u;
};

#define EV_MAX_FIELDS 16

/* Field values are borrowed: they must live until the event is emitted. */
struct event {
	enum ev_kind kind;
	size_t nfields;
	struct ev_field f[EV_MAX_FIELDS];
};

const char *ev_kind_name(enum ev_kind kind);
void ev_init(struct event *ev, enum ev_kind kind);
/* A NULL string value omits the field. */
void ev_str(struct event *ev, const char *key, const char *val);
void ev_int(struct event *ev, const char *key, long long val);
void ev_bool(struct event *ev, const char *key, bool val);
void ev_strv(struct event *ev, const char *key, const char *const *v, size_t n);
/* The string value of key, or NULL. */
const char *ev_get(const struct event *ev, const char *key);
long long ev_get_int(const struct event *ev, const char *key, long long dflt);
bool ev_get_bool(const struct event *ev, const char *key, bool dflt);

#endif
