/* Events: how the core tells a front end what happened. The curses UI turns
 * an event into window updates, the batch mode into one JSON line. The two
 * lists below (kinds, and the fields of each) are the batch schema;
 * man/jabiru.1 (BATCH MODE) documents each kind and field, and a test checks
 * that it does. */
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

/* The fields of each kind, declared once: kind, key, JSON type (STR, INT,
 * BOOL or STRV, an array of strings) and whether every event of the kind
 * carries it (REQ) or only when it applies (OPT). Emitters add fields by key
 * and the builder checks each against this list (see ev_check); readers name
 * a field with the EV_GET_ macros below, which do not compile for a field the
 * list does not declare with that type. man/jabiru.1 (BATCH MODE) documents
 * every field of every kind, and a test checks both ways that it does. */
#define EVENT_FIELDS(X)                                                                            \
	X(EV_CONNECTING, jid, STR, REQ)                                                            \
	X(EV_CONNECTING, server, STR, OPT)                                                         \
	X(EV_CONNECTING, port, INT, OPT)                                                           \
	X(EV_CONNECTED, jid, STR, REQ)                                                             \
	X(EV_CONNECTED, secure, BOOL, REQ)                                                         \
	X(EV_DISCONNECTED, reason, STR, REQ)                                                       \
	X(EV_DISCONNECTED, login_failed, BOOL, REQ)                                                \
	X(EV_TLS_UNTRUSTED, domain, STR, REQ)                                                      \
	X(EV_TLS_UNTRUSTED, fingerprint, STR, REQ)                                                 \
	X(EV_TLS_UNTRUSTED, reason, STR, REQ)                                                      \
	X(EV_MESSAGE, from, STR, REQ)                                                              \
	X(EV_MESSAGE, type, STR, REQ)                                                              \
	X(EV_MESSAGE, body, STR, REQ)                                                              \
	X(EV_MESSAGE, time, STR, REQ)                                                              \
	X(EV_MESSAGE, delayed, BOOL, REQ)                                                          \
	X(EV_MESSAGE, id, STR, OPT)                                                                \
	X(EV_MESSAGE, stranger, BOOL, OPT)                                                         \
	X(EV_MESSAGE_SENT, to, STR, REQ)                                                           \
	X(EV_MESSAGE_SENT, id, STR, REQ)                                                           \
	X(EV_MESSAGE_SENT, body, STR, REQ)                                                         \
	X(EV_MESSAGE_ERROR, from, STR, REQ)                                                        \
	X(EV_MESSAGE_ERROR, id, STR, OPT)                                                          \
	X(EV_MESSAGE_ERROR, condition, STR, REQ)                                                   \
	X(EV_MESSAGE_ERROR, text, STR, OPT)                                                        \
	X(EV_ERROR, code, STR, REQ)                                                                \
	X(EV_ERROR, text, STR, REQ)                                                                \
	X(EV_ERROR, command, STR, OPT)                                                             \
	X(EV_INFO, text, STR, REQ)                                                                 \
	X(EV_ROSTER, jid, STR, REQ)                                                                \
	X(EV_ROSTER, name, STR, OPT)                                                               \
	X(EV_ROSTER, groups, STRV, OPT)                                                            \
	X(EV_ROSTER, subscription, STR, OPT)                                                       \
	X(EV_ROSTER, ask, STR, OPT)                                                                \
	X(EV_ROSTER, removed, BOOL, OPT)                                                           \
	X(EV_ROSTER_LOADED, count, INT, REQ)                                                       \
	X(EV_ROSTER_LOADED, cached, BOOL, REQ)                                                     \
	X(EV_PRESENCE, from, STR, REQ)                                                             \
	X(EV_PRESENCE, show, STR, REQ)                                                             \
	X(EV_PRESENCE, status, STR, OPT)                                                           \
	X(EV_PRESENCE, priority, INT, REQ)                                                         \
	X(EV_SUBSCRIPTION, from, STR, REQ)                                                         \
	X(EV_SUBSCRIPTION, type, STR, REQ)                                                         \
	X(EV_SUBSCRIPTION, pending, BOOL, REQ)                                                     \
	X(EV_SUBSCRIPTION, time, STR, OPT)                                                         \
	X(EV_SUBSCRIPTION, stored, BOOL, OPT)                                                      \
	X(EV_SUBSCRIPTION, blocked, BOOL, OPT)                                                     \
	X(EV_BLOCKLIST, action, STR, REQ)                                                          \
	X(EV_BLOCKLIST, items, STRV, REQ)                                                          \
	X(EV_XML, dir, STR, REQ)                                                                   \
	X(EV_XML, xml, STR, REQ)                                                                   \
	X(EV_RAW_RESULT, id, STR, REQ)                                                             \
	X(EV_RAW_RESULT, type, STR, REQ)                                                           \
	X(EV_RAW_RESULT, from, STR, OPT)                                                           \
	X(EV_RAW_RESULT, xml, STR, REQ)                                                            \
	X(EV_RAW_RESULT, window, STR, OPT)                                                         \
	X(EV_FILE_OFFER, id, STR, REQ)                                                             \
	X(EV_FILE_OFFER, from, STR, REQ)                                                           \
	X(EV_FILE_OFFER, name, STR, REQ)                                                           \
	X(EV_FILE_OFFER, size, INT, REQ)                                                           \
	X(EV_FILE_OFFER, desc, STR, OPT)                                                           \
	X(EV_FILE_OFFER, hash, STR, OPT)                                                           \
	X(EV_FILE_OUTGOING, id, STR, REQ)                                                          \
	X(EV_FILE_OUTGOING, to, STR, REQ)                                                          \
	X(EV_FILE_OUTGOING, name, STR, REQ)                                                        \
	X(EV_FILE_OUTGOING, size, INT, REQ)                                                        \
	X(EV_FILE_PROGRESS, id, STR, REQ)                                                          \
	X(EV_FILE_PROGRESS, bytes, INT, REQ)                                                       \
	X(EV_FILE_PROGRESS, total, INT, REQ)                                                       \
	X(EV_FILE_PROGRESS, rate, INT, REQ)                                                        \
	X(EV_FILE_DONE, id, STR, REQ)                                                              \
	X(EV_FILE_DONE, direction, STR, REQ)                                                       \
	X(EV_FILE_DONE, peer, STR, REQ)                                                            \
	X(EV_FILE_DONE, path, STR, REQ)                                                            \
	X(EV_FILE_DONE, size, INT, REQ)                                                            \
	X(EV_FILE_DONE, md5, STR, OPT)                                                             \
	X(EV_FILE_DONE, method, STR, REQ)                                                          \
	X(EV_FILE_DONE, seconds, INT, REQ)                                                         \
	X(EV_FILE_FAILED, id, STR, REQ)                                                            \
	X(EV_FILE_FAILED, reason, STR, REQ)                                                        \
	X(EV_FILE_FAILED, state, STR, REQ)                                                         \
	X(EV_FILE_FAILED, direction, STR, REQ)                                                     \
	X(EV_FILE_FAILED, name, STR, REQ)                                                          \
	X(EV_FILE_FAILED, peer, STR, REQ)                                                          \
	X(EV_FILE, id, STR, REQ)                                                                   \
	X(EV_FILE, direction, STR, REQ)                                                            \
	X(EV_FILE, peer, STR, REQ)                                                                 \
	X(EV_FILE, name, STR, REQ)                                                                 \
	X(EV_FILE, size, INT, REQ)                                                                 \
	X(EV_FILE, bytes, INT, REQ)                                                                \
	X(EV_FILE, method, STR, OPT)                                                               \
	X(EV_FILE, state, STR, REQ)                                                                \
	X(EV_FILE, path, STR, OPT)                                                                 \
	X(EV_SETTING, name, STR, REQ)                                                              \
	X(EV_SETTING, value, STR, REQ)                                                             \
	X(EV_SETTING, default, STR, REQ)                                                           \
	X(EV_SETTING, type, STR, REQ)                                                              \
	X(EV_SETTING, doc, STR, REQ)                                                               \
	X(EV_SAVED, path, STR, REQ)                                                                \
	X(EV_ACCOUNT, name, STR, REQ)                                                              \
	X(EV_ACCOUNT, jid, STR, REQ)                                                               \
	X(EV_ACCOUNT, server, STR, OPT)                                                            \
	X(EV_ACCOUNT, port, INT, OPT)                                                              \
	X(EV_ACCOUNT, autoconnect, BOOL, REQ)                                                      \
	X(EV_REGISTRATION, jid, STR, REQ)                                                          \
	X(EV_REGISTRATION, result, STR, REQ)                                                       \
	X(EV_REGISTRATION, condition, STR, OPT)                                                    \
	X(EV_REGISTRATION, text, STR, OPT)

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

enum evf_need { EVF_OPT, EVF_REQ };

struct ev_decl {
	enum ev_kind kind;
	const char *key;
	enum evf_type type;
	enum evf_need need;
};

/* EVD_<kind>_<key>: a field's index in ev_decls. */
enum ev_decl_id {
#define EV_DECL_ID(k, key, t, n) EVD_##k##_##key,
	EVENT_FIELDS(EV_DECL_ID)
#undef EV_DECL_ID
	    EVD__COUNT
};

/* EVT_<kind>_<key>: a field's declared type, for the readers' check. */
enum ev_decl_type {
#define EV_DECL_TYPE(k, key, t, n) EVT_##k##_##key = EVF_##t,
	EVENT_FIELDS(EV_DECL_TYPE)
#undef EV_DECL_TYPE
};

extern const struct ev_decl ev_decls[EVD__COUNT];

const char *ev_kind_name(enum ev_kind kind);
void ev_init(struct event *ev, enum ev_kind kind);
/* A NULL string value omits the field. */
void ev_str(struct event *ev, const char *key, const char *val);
void ev_int(struct event *ev, const char *key, long long val);
void ev_bool(struct event *ev, const char *key, bool val);
void ev_strv(struct event *ev, const char *key, const char *const *v, size_t n);
/* Called as the event is emitted: every required field of its kind is there.
 * A field that breaks the declaration (here or as it was added) is a bug in
 * its emitter: with JABIRU_STRICT_EVENTS set (the tests set it) jabiru says
 * which on stderr and aborts; otherwise the event goes out as it is. */
void ev_check(const struct event *ev);

/* The index of field key of kind k read as type t; not declared, or declared
 * with another type, the negative array size stops the build. */
#define EV_DECL_AS(k, key, t)                                                                      \
	(EVD_##k##_##key + 0 * sizeof(char[(int)EVT_##k##_##key == (int)(t) ? 1 : -1]))
/* Readers: EV_GET_STR(ev, EV_MESSAGE, body) is the body, or NULL. */
#define EV_GET_STR(ev, k, key)       ev_get_str((ev), EV_DECL_AS(k, key, EVF_STR))
#define EV_GET_INT(ev, k, key, dflt) ev_get_int((ev), EV_DECL_AS(k, key, EVF_INT), (dflt))
#define EV_GET_BOOL(ev, k, key)      ev_get_bool((ev), EV_DECL_AS(k, key, EVF_BOOL))
#define EV_GET_STRV(ev, k, key, np)  ev_get_strv((ev), EV_DECL_AS(k, key, EVF_STRV), (np))

/* By declaration index (use the macros): the value, or NULL, dflt, false, or
 * NULL with *n = 0 when the event does not carry the field. */
const char *ev_get_str(const struct event *ev, size_t id);
long long ev_get_int(const struct event *ev, size_t id, long long dflt);
bool ev_get_bool(const struct event *ev, size_t id);
const char *const *ev_get_strv(const struct event *ev, size_t id, size_t *n);

#endif
