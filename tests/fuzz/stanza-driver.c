/* The stanza harnesses' stand-in for the network. See stanza-driver.h.
 *
 * jabiru runs unchanged: main.c's modules, a real libstrophe context and
 * connection, stanzas parsed by libstrophe's own parser. What is replaced
 * is only what needs a server, at libstrophe's API, by the linker's --wrap
 * (tests/fuzz/Makefile.inc lists the functions): connecting records the
 * connection handler instead of opening a socket; the handlers jabiru adds
 * are kept here and fired by dispatch(), which follows libstrophe 0.12.2's
 * handler_fire_stanza() (src/handler.c: id handlers first, then the others
 * matched on namespace, name and type, one-shot when a handler returns 0,
 * handlers added meanwhile not run for this stanza, deletion by function
 * pointer); sending serialises the stanza and drops it; TLS always
 * succeeds; and no connect() or DNS query leaves the process. Handlers must
 * be kept here because 0.12.2 fires user handlers only on an authenticated
 * connection, which needs a server. */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "cfg.h"
#include "event.h"
#include "ft/ft.h"
#include "loop.h"
#include "opts.h"
#include "stanza-driver.h"
#include "util/json.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "xmpp/blocking.h"
#include "xmpp/console.h"
#include "xmpp/iq.h"
#include "xmpp/keepalive.h"
#include "xmpp/message.h"
#include "xmpp/presence.h"
#include "xmpp/raw.h"
#include "xmpp/register.h"
#include "xmpp/roster.h"
#include "xmpp/session.h"

#define MAX_ASKS 8

struct handler {
	xmpp_handler fn;
	void *ud;
	char *id; /* an id handler, else NULL */
	char *ns, *name, *type;
	bool dead; /* deleted; swept after the stanza */
};

static struct {
	struct handler *v;
	size_t n, cap;
} handlers;

/* The one connection jabiru opened, and what it asked libstrophe to do. */
static struct {
	xmpp_conn_t *conn;
	xmpp_conn_handler cb;
	void *ud;
	bool raw, connected, secured, open_asked, close_asked;
	unsigned ids;
} net;

/* Secret prompts waiting for the user, answered after the stanza. */
static struct {
	void (*done)(void *ud, char *secret);
	void *ud;
} asks[MAX_ASKS];
static size_t nasks;

struct driver {
	struct app app;
	struct opts opts;
	struct config config;
};

static char *home;
/* What this run emitted (JSON lines) and sent (XML lines), for the unit
 * tests that replay what a harness found. */
static struct buf events, sent;
static bool record;
/* The get or set being handled, and how many answers went out for it. */
static const char *asked_id;
static unsigned answers;
/* FUZZ_DRIVER_TRACE=1: what jabiru sends and emits, on stderr, for
 * writing seeds by hand (which ids the requests got, what came of a
 * stanza). */
static bool trace;
static char *accept_dir;

/* ---- libstrophe, wrapped ---------------------------------------------- */

int __wrap_xmpp_connect_client(xmpp_conn_t *conn, const char *altdomain, unsigned short altport,
                               xmpp_conn_handler cb, void *ud);
int __wrap_xmpp_connect_raw(xmpp_conn_t *conn, const char *altdomain, unsigned short altport,
                            xmpp_conn_handler cb, void *ud);
int __wrap_xmpp_conn_open_stream_default(xmpp_conn_t *conn);
int __wrap_xmpp_conn_tls_start(xmpp_conn_t *conn);
int __wrap_xmpp_conn_is_secured(xmpp_conn_t *conn);
void __wrap_xmpp_disconnect(xmpp_conn_t *conn);
void __wrap_xmpp_send(xmpp_conn_t *conn, xmpp_stanza_t *st);
char *__wrap_xmpp_uuid_gen(xmpp_ctx_t *ctx);
char *__real_xmpp_stanza_get_text(xmpp_stanza_t *st);
char *__wrap_xmpp_stanza_get_text(xmpp_stanza_t *st);
void __wrap_xmpp_handler_add(xmpp_conn_t *conn, xmpp_handler fn, const char *ns, const char *name,
                             const char *type, void *ud);
void __wrap_xmpp_handler_delete(xmpp_conn_t *conn, xmpp_handler fn);
void __wrap_xmpp_id_handler_add(xmpp_conn_t *conn, xmpp_handler fn, const char *id, void *ud);
void __wrap_xmpp_id_handler_delete(xmpp_conn_t *conn, xmpp_handler fn, const char *id);
int __real_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res);
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res);
int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t len);

int __wrap_xmpp_connect_client(xmpp_conn_t *conn, const char *altdomain, unsigned short altport,
                               xmpp_conn_handler cb, void *ud)
{
	(void)altdomain;
	(void)altport;
	net.conn = conn;
	net.cb = cb;
	net.ud = ud;
	net.raw = false;
	return XMPP_EOK;
}

int __wrap_xmpp_connect_raw(xmpp_conn_t *conn, const char *altdomain, unsigned short altport,
                            xmpp_conn_handler cb, void *ud)
{
	__wrap_xmpp_connect_client(conn, altdomain, altport, cb, ud);
	net.raw = true;
	return XMPP_EOK;
}

int __wrap_xmpp_conn_open_stream_default(xmpp_conn_t *conn)
{
	(void)conn;
	net.open_asked = true;
	return XMPP_EOK;
}

int __wrap_xmpp_conn_tls_start(xmpp_conn_t *conn)
{
	(void)conn;
	net.secured = true;
	return 0;
}

int __wrap_xmpp_conn_is_secured(xmpp_conn_t *conn)
{
	(void)conn;
	return net.secured;
}

void __wrap_xmpp_disconnect(xmpp_conn_t *conn)
{
	(void)conn;
	net.close_asked = true;
}

/* An iq of one of these types. */
static bool is_iq(xmpp_stanza_t *st, const char *t1, const char *t2)
{
	const char *name = xmpp_stanza_get_name(st), *type = xmpp_stanza_get_type(st);

	return name != NULL && strcmp(name, "iq") == 0 && type != NULL &&
	       (strcmp(type, t1) == 0 || strcmp(type, t2) == 0);
}

/* What would go on the wire must serialise; then it is dropped. */
void __wrap_xmpp_send(xmpp_conn_t *conn, xmpp_stanza_t *st)
{
	char *buf;
	size_t len;

	(void)conn;
	if (asked_id != NULL && is_iq(st, "result", "error") && xmpp_stanza_get_id(st) != NULL &&
	    strcmp(xmpp_stanza_get_id(st), asked_id) == 0)
		answers++;
	if (xmpp_stanza_to_text(st, &buf, &len) == XMPP_EOK) {
		if (trace)
			fprintf(stderr, "driver: sent %s\n", buf);
		if (record) {
			buf_append(&sent, buf, len);
			buf_append(&sent, "\n", 1);
		}
		xmpp_free(xmpp_stanza_get_context(st), buf);
	}
}

/* Predictable ids (id1, id2, ...), so that an input can answer a request. */
char *__wrap_xmpp_uuid_gen(xmpp_ctx_t *ctx)
{
	char *id = malloc(16); /* the default allocator: freed by xmpp_free */

	(void)ctx;
	if (id != NULL)
		snprintf(id, 16, "id%u", ++net.ids);
	return id;
}

/* The same text, allocated here: libstrophe is built without frame
 * pointers, so a leak of its own allocation has a stack that ends in
 * libstrophe, and neither the report nor tests/fuzz/lsan.supp can name the
 * caller that forgot to free it. */
char *__wrap_xmpp_stanza_get_text(xmpp_stanza_t *st)
{
	char *text = __real_xmpp_stanza_get_text(st), *copy;

	if (text == NULL)
		return NULL;
	copy = strdup(text); /* the default allocator: freed by xmpp_free */
	xmpp_free(xmpp_stanza_get_context(st), text);
	return copy;
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void add(xmpp_handler fn, void *ud, const char *id, const char *ns, const char *name,
                const char *type)
{
	struct handler *h;

	for (size_t i = 0; i < handlers.n; i++) {
		h = &handlers.v[i];
		/* libstrophe refuses the same function and userdata twice (for
		 * an id handler: on the same id). */
		if (!h->dead && h->fn == fn && h->ud == ud && (h->id == NULL) == (id == NULL) &&
		    (id == NULL || strcmp(h->id, id) == 0))
			return;
	}
	if (handlers.n == handlers.cap) {
		handlers.cap = handlers.cap ? 2 * handlers.cap : 32;
		handlers.v = xrealloc(handlers.v, handlers.cap * sizeof(*handlers.v));
	}
	h = &handlers.v[handlers.n++];
	h->fn = fn;
	h->ud = ud;
	h->id = dup_or_null(id);
	h->ns = dup_or_null(ns);
	h->name = dup_or_null(name);
	h->type = dup_or_null(type);
	h->dead = false;
}

void __wrap_xmpp_handler_add(xmpp_conn_t *conn, xmpp_handler fn, const char *ns, const char *name,
                             const char *type, void *ud)
{
	(void)conn;
	add(fn, ud, NULL, ns, name, type);
}

void __wrap_xmpp_id_handler_add(xmpp_conn_t *conn, xmpp_handler fn, const char *id, void *ud)
{
	(void)conn;
	if (id != NULL)
		add(fn, ud, id, NULL, NULL, NULL);
}

/* Both match on the function pointer only, as libstrophe does: deleting
 * with another pointer (or NULL) removes nothing. */
void __wrap_xmpp_handler_delete(xmpp_conn_t *conn, xmpp_handler fn)
{
	(void)conn;
	for (size_t i = 0; i < handlers.n; i++)
		if (handlers.v[i].id == NULL && handlers.v[i].fn == fn)
			handlers.v[i].dead = true;
}

void __wrap_xmpp_id_handler_delete(xmpp_conn_t *conn, xmpp_handler fn, const char *id)
{
	(void)conn;
	for (size_t i = 0; i < handlers.n; i++)
		if (handlers.v[i].id != NULL && id != NULL && strcmp(handlers.v[i].id, id) == 0 &&
		    handlers.v[i].fn == fn)
			handlers.v[i].dead = true;
}

/* Numeric addresses only: no DNS query leaves the machine. */
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res)
{
	struct addrinfo h = {0};

	if (hints != NULL)
		h = *hints;
	h.ai_flags |= AI_NUMERICHOST;
	return __real_getaddrinfo(node, service, &h, res);
}

/* Streamhosts are whatever the input says: no connection is made. */
int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	(void)fd;
	(void)addr;
	(void)len;
	errno = ECONNREFUSED;
	return -1;
}

/* ---- dispatch ------------------------------------------------------------ */

static void handler_free(struct handler *h)
{
	free(h->id);
	free(h->ns);
	free(h->name);
	free(h->type);
}

static void sweep(void)
{
	size_t k = 0;

	for (size_t i = 0; i < handlers.n; i++) {
		if (handlers.v[i].dead)
			handler_free(&handlers.v[i]);
		else
			handlers.v[k++] = handlers.v[i];
	}
	handlers.n = k;
}

static void forget_handlers(void)
{
	for (size_t i = 0; i < handlers.n; i++)
		handler_free(&handlers.v[i]);
	free(handlers.v);
	memset(&handlers, 0, sizeof(handlers));
}

static bool matches(const struct handler *h, xmpp_stanza_t *st)
{
	const char *ns = xmpp_stanza_get_ns(st), *name = xmpp_stanza_get_name(st),
	           *type = xmpp_stanza_get_type(st);

	return (h->ns == NULL || (ns != NULL && strcmp(ns, h->ns) == 0) ||
	        xmpp_stanza_get_child_by_ns(st, h->ns) != NULL) &&
	       (h->name == NULL || (name != NULL && strcmp(name, h->name) == 0)) &&
	       (h->type == NULL || (type != NULL && strcmp(type, h->type) == 0));
}

/* One pass over the handlers present when the stanza arrived (n0): those
 * a handler adds wait for the next stanza. */
static void fire(xmpp_stanza_t *st, bool id_pass, size_t n0)
{
	const char *id = xmpp_stanza_get_id(st);

	for (size_t i = 0; i < n0 && i < handlers.n; i++) {
		struct handler *h = &handlers.v[i];
		xmpp_handler fn;
		void *ud;

		if (h->dead || (h->id != NULL) != id_pass)
			continue;
		if (id_pass ? id == NULL || strcmp(h->id, id) != 0 : !matches(h, st))
			continue;
		fn = h->fn;
		ud = h->ud;
		if (!fn(net.conn, st, ud))
			handlers.v[i].dead = true; /* one-shot (the array may have moved) */
		if (net.conn == NULL)
			return;
	}
}

/* A request gets one answer at most (RFC 6120 §8.2.3: exactly one; it
 * may come later, when the user decides). */
static void dispatch(xmpp_stanza_t *st)
{
	size_t n0 = handlers.n;

	if (is_iq(st, "get", "set"))
		asked_id = xmpp_stanza_get_id(st);
	answers = 0;
	fire(st, true, n0);
	if (net.conn != NULL)
		fire(st, false, n0);
	sweep();
	if (answers > 1)
		abort();
	asked_id = NULL;
}

/* ---- the front end ------------------------------------------------------- */

/* As a front end would: each event through the JSON writer, each string
 * through the sanitiser. */
static void drv_emit(void *fe, const struct event *ev)
{
	struct json j;

	(void)fe;
	json_init(&j);
	json_begin(&j);
	json_str(&j, "event", ev_kind_name(ev->kind));
	for (size_t i = 0; i < ev->nfields; i++) {
		const struct ev_field *f = &ev->f[i];

		switch (f->type) {
		case EVF_STR:
			json_str(&j, f->key, f->u.s);
			free(sanitize_str(f->u.s));
			break;
		case EVF_INT:
			json_int(&j, f->key, f->u.i);
			break;
		case EVF_BOOL:
			json_bool(&j, f->key, f->u.b);
			break;
		case EVF_STRV:
			json_strv(&j, f->key, f->u.sv.v, f->u.sv.n);
			for (size_t k = 0; k < f->u.sv.n; k++)
				free(sanitize_str(f->u.sv.v[k]));
			break;
		}
	}
	json_end(&j);
	if (trace)
		fprintf(stderr, "driver: event %s\n", j.buf);
	if (record) {
		buf_append(&events, j.buf, j.len);
		buf_append(&events, "\n", 1);
	}
	json_free(&j);
}

static void drv_ask_secret(void *fe, const char *prompt, void (*done)(void *ud, char *secret),
                           void *ud)
{
	struct driver *d = fe;

	free(sanitize_str(prompt));
	if (d->app.batch) {
		done(ud, NULL); /* as batch.c: there is nobody to ask */
		return;
	}
	if (nasks == MAX_ASKS)
		abort(); /* a flood of prompts from one input is a bug of its own */
	asks[nasks].done = done;
	asks[nasks].ud = ud;
	nasks++;
}

static const struct frontend drv_frontend = {.emit = drv_emit, .ask_secret = drv_ask_secret};

/* The user answers (or, at the end, cancels) what was asked. */
static void answer_asks(bool cancel)
{
	while (nasks > 0) {
		void (*done)(void *, char *) = asks[0].done;
		void *ud = asks[0].ud;

		memmove(asks, asks + 1, --nasks * sizeof(asks[0]));
		done(ud, cancel ? NULL : xstrdup("fuzz-secret"));
	}
}

/* ---- the connection's life ---------------------------------------------- */

static void closed_by_server(void)
{
	xmpp_conn_t *conn = net.conn;

	if (conn == NULL)
		return;
	net.conn = NULL;
	net.connected = false;
	net.cb(conn, XMPP_CONN_DISCONNECT, 0, NULL, net.ud);
}

/* What libstrophe would do next, after a handler ran. */
static void settle(void)
{
	answer_asks(false);
	if (net.conn != NULL && net.raw && net.open_asked) {
		/* The server answers the stream header: raw mode reports it. */
		net.open_asked = false;
		net.cb(net.conn, XMPP_CONN_CONNECT, 0, NULL, net.ud);
	}
	if (net.close_asked) {
		net.close_asked = false;
		closed_by_server(); /* the server answers the close */
	}
}

/* A private directory, in memory when there is a tmpfs (a file system
 * on disk makes each run wait for the directories jabiru creates). */
static char *private_dir(const char *name)
{
	char *dir =
	    xasprintf("%s/%s-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", name);

	if (mkdtemp(dir) == NULL)
		abort();
	return dir;
}

void driver_init(void)
{
	home = private_dir("jabiru-fuzz");
	trace = getenv("FUZZ_DRIVER_TRACE") != NULL;
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("XDG_DATA_HOME", home, 1);
	setenv("XDG_STATE_HOME", home, 1);
	setenv("XDG_CACHE_HOME", home, 1);
	setenv("XDG_DOWNLOAD_DIR", home, 1);
	accept_dir = xasprintf("%s/incoming", home);
	mkdir(accept_dir, 0700);
	atexit(driver_fini); /* a harness ends by exit(): leave nothing in /dev/shm */
}

struct app *driver_start(const struct driver_opts *o)
{
	struct driver *d = xcalloc(1, sizeof(*d));
	struct app *app = &d->app;
	struct session_params p = {
	    .jid = (char *)(o->register_jid ? o->register_jid : "fuzz@localhost"),
	    /* As without JABIRU_PASSWORD on the screen: the form asks. */
	    .password = (char *)(o->register_jid && !o->batch ? NULL : "fuzz-secret"),
	    .server = "127.0.0.1",
	    .resource = "jabiru", /* not a random one: runs repeat */
	};

	memset(&net, 0, sizeof(net));
	buf_free(&events);
	buf_free(&sent);
	record = o->record;
	d->opts.batch = o->batch;
	if (o->accept_files)
		d->opts.accept_files = xstrdup(accept_dir);
	cfg_load(&d->config, "/nonexistent/jabirurc");
	app->opts = &d->opts;
	app->config = &d->config;
	app->batch = o->batch;
	app->fe_ops = &drv_frontend;
	app->fe = d;
	/* main.c's modules_init, in its order (no XML log; no resolver, so a
	 * streamhost given by name is refused and no query can leave). */
	app->loop = loop_new();
	app->session = session_new(app);
	message_init(app);
	iq_init(app);
	app->keepalive = keepalive_new(app, app->loop, app->session, app->config);
	presence_init(app);
	roster_init(app);
	blocking_init(app);
	app->console = console_new(app);
	app->raw = raw_new(app);
	ft_init(app); /* and the transfer methods' engines */
	if (o->register_jid != NULL)
		register_account(app, &p, false);
	else
		session_connect(app->session, &p);
	return app;
}

void driver_connect(struct app *app)
{
	(void)app;
	if (net.conn == NULL)
		return;
	net.connected = true;
	if (net.raw) {
		net.cb(net.conn, XMPP_CONN_RAW_CONNECT, 0, NULL, net.ud);
		settle();
	} else {
		net.cb(net.conn, XMPP_CONN_CONNECT, 0, NULL, net.ud);
		settle();
	}
}

void driver_end_of_input(struct app *app)
{
	app_shutdown(app);
	settle();
}

void driver_feed(struct app *app, const uint8_t *data, size_t size)
{
	static const char head[] = "<stream:stream xmlns='jabber:client' "
	                           "xmlns:stream='http://etherx.jabber.org/streams'>",
	                  tail[] = "</stream:stream>";
	xmpp_ctx_t *ctx = session_ctx(app->session);
	struct buf b;
	xmpp_stanza_t *root;

	buf_init(&b);
	buf_puts(&b, head);
	buf_append(&b, data, size);
	buf_puts(&b, tail);
	root = xmpp_stanza_new_from_string(ctx, buf_cstr(&b));
	buf_free(&b);
	if (root == NULL)
		return;
	for (xmpp_stanza_t *c = xmpp_stanza_get_children(root); c != NULL && net.conn != NULL;
	     c = xmpp_stanza_get_next(c)) {
		xmpp_stanza_t *st;

		if (!xmpp_stanza_is_tag(c))
			continue; /* whitespace between stanzas */
		/* A stanza on its own, as the stream parser hands it over. */
		st = xmpp_stanza_copy(c);
		dispatch(st);
		xmpp_stanza_release(st);
		settle();
	}
	xmpp_stanza_release(root);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* Files only: the directories jabiru made stay for the next run. */
	if (flag == FTW_F || flag == FTW_SL)
		unlink(path);
	return 0;
}

/* Nothing one input leaves (roster cache, pending requests, received
 * files) may change how the next one runs. */
static void clean_home(void)
{
	nftw(home, remove_one, 16, FTW_PHYS);
}

void driver_stop(struct app *app)
{
	struct driver *d = (struct driver *)app;

	closed_by_server();
	answer_asks(true);
	/* main.c's modules_fini, in its order. */
	ft_fini(app);
	message_fini(app);
	blocking_fini(app);
	roster_fini(app);
	presence_fini(app);
	keepalive_free(app->keepalive);
	app->keepalive = NULL;
	iq_fini(app);
	raw_free(app->raw);
	console_free(app->console);
	session_free(app->session);
	loop_free(app->loop);
	app_free_stages(app);
	cfg_free(&d->config);
	opts_free(&d->opts);
	free(d);
	forget_handlers();
	clean_home();
}

const char *driver_events(void)
{
	return buf_cstr(&events);
}

const char *driver_sent(void)
{
	return buf_cstr(&sent);
}

static int remove_any(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void driver_fini(void)
{
	if (home == NULL)
		return; /* already (the unit tests' teardown, then exit) */
	buf_free(&events);
	buf_free(&sent);
	nftw(home, remove_any, 16, FTW_DEPTH | FTW_PHYS);
	free(home);
	free(accept_dir);
	home = accept_dir = NULL;
}
