/* The application context: what every part of jabiru is handed explicitly.
 * The core reports through app_emit(); the front end (curses UI or batch)
 * behind it decides how an event is shown. */
#ifndef JABIRU_APP_H
#define JABIRU_APP_H

#include <stdbool.h>

#include "event.h"
#include "opts.h"

struct loop;
struct message_state;
struct session;
struct iq;
struct roster;
struct blocking;
struct presence;
struct console;
struct raw;
struct config;
struct s5b;
struct ft;
struct keepalive;

/* A step of the shutdown: returns true to hold it until the module calls
 * app_release(app, ud). Asked again (again: a second /quit or signal during
 * the wait), it should give up what it waits for; returning true then keeps
 * the hold. */
typedef bool (*app_stage_fn)(void *ud, bool again);

struct app_stage {
	app_stage_fn fn;
	void *ud;
};

/* What the user can type next, for the core's messages: the core knows no
 * command names, the command layer (cmd_hint) spells them. */
enum app_hint {
	APP_HINT_TLS_TRUST,   /* accept the certificate just refused */
	APP_HINT_SUB_PENDING, /* list the subscription requests */
	APP_HINT_SUB_ANSWER,  /* answer the request of arg */
	APP_HINT_LOGIN,       /* log in as arg */
	APP_HINT_TRANSFERS,   /* list the file transfers */
	APP_HINT_BLOCK,       /* block arg */
};

/* What the core asks of a front end. */
struct frontend {
	void (*emit)(void *fe, const struct event *ev);
	/* Asks for a secret without echo; done() gets a malloc'd string the
	 * callee frees with str_free_secret(), or NULL when cancelled. The
	 * loop keeps running while the question is open. */
	void (*ask_secret)(void *fe, const char *prompt, void (*done)(void *ud, char *secret),
	                   void *ud);
	/* The text of a hint (malloc'd); arg is a JID or NULL. */
	char *(*hint)(enum app_hint hint, const char *arg);
	/* A screen, with windows: the operations below are set (and the
	 * CMD_UI_ONLY commands run) only then. */
	bool screen;
	int (*win_select)(void *fe, int n);
	int (*win_close)(void *fe, int n); /* 0: the active one */
	void (*win_clear)(void *fe);
	void (*open_chat)(void *fe, const char *jid);
	void (*open_console)(void *fe);
	void (*open_transfers)(void *fe);
	/* The transfers table, once, as text in the active window. */
	void (*show_transfers)(void *fe);
	void (*roster_pane_toggle)(void *fe);
	void (*print_help)(void *fe, const char *text);
};

struct app {
	struct loop *loop;
	struct session *session;
	struct message_state *message;
	struct console *console;   /* the XML console's capture */
	struct raw *raw;           /* /raw requests awaiting answers */
	struct s5b *s5b;           /* SOCKS5 bytestreams (ft/s5b.c), made by ft */
	struct resolver *resolver; /* name lookups (net/resolver.c) */
	struct opts *opts;
	/* roster, presence, subscriptions, iq answers (src/xmpp) */
	struct iq *iq;
	struct roster *roster;
	struct blocking *blocking; /* XEP-0191 blocklist */
	struct presence *presence;
	struct config *config;
	struct ft *ft;               /* file transfers */
	struct keepalive *keepalive; /* XEP-0199 pings to the server */
	const struct frontend *fe_ops;
	void *fe;
	bool batch;
	bool quitting;
	/* The shutdown's stages (app_add_stage), the one running, and whether
	 * it holds the shutdown. */
	struct app_stage *stages;
	size_t nstages;
	size_t stage_at;
	bool stage_held;
	bool in_stage;       /* a stage function is running */
	bool stage_released; /* ... and released its hold while it ran */
	int exit_status;
	/* JABIRU_PASSWORD, taken out of the environment at start so no child
	 * process inherits it; wiped at exit. */
	char *env_password;
};

void app_emit(struct app *app, const struct event *ev);
/* An "info" event: a line for the status window. */
void app_info(struct app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An "error" event with a stable code; command may be NULL. */
void app_error(struct app *app, const char *command, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The front end's text for a hint (malloc'd; "" without a front end). */
char *app_hint(struct app *app, enum app_hint hint, const char *arg);
void app_quit(struct app *app, int status);
/* Leaves politely: runs the stages, the last added first (a module goes
 * before the ones it was built on: transfers end, then the session closes),
 * each one after the previous released its hold, then quits the loop. */
void app_shutdown(struct app *app);
void app_add_stage(struct app *app, app_stage_fn fn, void *ud);
/* Ends the hold of the stage registered with ud; the shutdown goes on from
 * the loop, never inside the caller's callback. */
void app_release(struct app *app, void *ud);
/* Frees the stages (at exit). */
void app_free_stages(struct app *app);

#endif
