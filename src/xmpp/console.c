/* The XML console's capture side. Redaction happens here, before an element
 * is stored, logged or emitted, so a secret never exists in jabiru's memory
 * beyond libstrophe's own buffers. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "cfg.h"
#include "event.h"
#include "i18n.h"
#include "util/str.h"
#include "util/xmltok.h"
#include "xmpp/console.h"
#include "xmpp/ns.h"
#include "xmpp/session_hooks.h"

#define REDACTED     "[redacted]"
#define REDACT_DEPTH 64

struct console {
	struct app *app;
	struct console_entry *ring;
	size_t cap, first, count;
	size_t max_bytes, bytes;
	size_t npinned;
	bool negotiating; /* from a connect until the session is online */
	uint64_t next_seq;
	FILE *log;
	struct console_view view;
};

/* --- redaction ------------------------------------------------------ */

struct rframe {
	const char *ns;
	size_t nslen;
	bool secret;
	bool said; /* "[redacted]" already written for this element */
};

static bool eq(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static bool name_in(const char *s, size_t len, const char *const *names)
{
	for (; *names != NULL; names++)
		if (eq(s, len, *names))
			return true;
	return false;
}

static bool contains_ci(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0)
		return true;
	for (size_t i = 0; i + nlen <= hlen; i++) {
		size_t k = 0;

		while (k < nlen) {
			char a = hay[i + k], b = needle[k];

			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
			k++;
		}
		if (k == nlen)
			return true;
	}
	return false;
}

/* Whether the content of this element is a secret. */
static bool secret_element(const struct xt_tok *t, const char *ns, size_t nslen)
{
	static const char *const sasl[] = {"auth",
	                                   "challenge",
	                                   "response",
	                                   "success",
	                                   "initial-response",
	                                   "additional-data",
	                                   "authenticate",
	                                   NULL};
	static const char *const always[] = {"password", "digest", "token", NULL};
	const char *local, *v;
	size_t ll, vl;

	xmltok_local(t->name, t->namelen, &local, &ll);
	/* A prefixed name's namespace is not tracked: such an element with a
	 * SASL name is taken for one, which errs on the safe side. */
	if ((eq(ns, nslen, XMPP_NS_SASL) || eq(ns, nslen, NS_SASL2) || local != t->name) &&
	    name_in(local, ll, sasl))
		return true;
	if (name_in(local, ll, always))
		return true;
	/* Data forms: a private field, or one named like a password. */
	if (eq(local, ll, "field")) {
		if (xmltok_get_attr(t, "type", &v, &vl) && eq(v, vl, "text-private"))
			return true;
		if (xmltok_get_attr(t, "var", &v, &vl) &&
		    (contains_ci(v, vl, "password", 8) || contains_ci(v, vl, "secret", 6)))
			return true;
	}
	return false;
}

static bool all_space(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

static void redact_open(struct rframe *st, size_t *depth, size_t *over, const struct xt_tok *t)
{
	struct rframe *top = *depth > 0 ? &st[*depth - 1] : NULL;
	struct rframe f = {top ? top->ns : "", top ? top->nslen : 0, top && top->secret, false};

	if (*depth == REDACT_DEPTH) {
		(*over)++; /* deeper than we track: inherits the top frame */
		return;
	}
	if (!xmltok_get_attr(t, "xmlns", &f.ns, &f.nslen) && top == NULL) {
		f.ns = "";
		f.nslen = 0;
	}
	if (secret_element(t, f.ns, f.nslen))
		f.secret = true;
	st[(*depth)++] = f;
}

char *console_redact(const char *xml, size_t len)
{
	struct rframe st[REDACT_DEPTH];
	size_t depth = 0, over = 0;
	const char *pos = xml, *end = xml + len;
	struct xt_tok t;
	struct buf out;

	buf_init(&out);
	while (xmltok_next(&pos, end, &t)) {
		struct rframe *top = depth > 0 ? &st[depth - 1] : NULL;
		bool secret = top != NULL && top->secret;

		switch (t.type) {
		case XT_START:
			redact_open(st, &depth, &over, &t);
			break;
		case XT_END:
			if (over > 0)
				over--;
			else if (depth > 0)
				depth--;
			break;
		case XT_TEXT:
		case XT_CDATA:
		case XT_COMMENT:
		case XT_BAD:
			if (!secret)
				break;
			if (!top->said &&
			    !all_space(t.text ? t.text : t.p, t.text ? t.textlen : t.len)) {
				buf_puts(&out, REDACTED);
				top->said = true;
			}
			continue;
		default:
			break;
		}
		buf_append(&out, t.p, t.len);
	}
	buf_cstr(&out);
	return out.data != NULL ? out.data : xstrdup("");
}

/* --- filter --------------------------------------------------------- */

static const struct xt_tok *first_element(const char *xml, size_t len, struct xt_tok *t)
{
	const char *pos = xml, *end = xml + len;

	while (xmltok_next(&pos, end, t))
		if (t->type == XT_START || t->type == XT_EMPTY)
			return t;
	return NULL;
}

enum console_kind console_kind_of(const char *xml, size_t len)
{
	struct xt_tok t;
	const char *local;
	size_t ll;

	if (first_element(xml, len, &t) == NULL)
		return CONSOLE_KIND_OTHER;
	xmltok_local(t.name, t.namelen, &local, &ll);
	if (eq(local, ll, "iq"))
		return CONSOLE_KIND_IQ;
	if (eq(local, ll, "message"))
		return CONSOLE_KIND_MESSAGE;
	if (eq(local, ll, "presence"))
		return CONSOLE_KIND_PRESENCE;
	return CONSOLE_KIND_OTHER;
}

void console_filter_clear(struct console_filter *f)
{
	free(f->jid);
	free(f->ns);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

static int filter_word(struct console_filter *f, const char *w, char **err)
{
	static const struct {
		const char *word;
		int dir, kind;
	} words[] = {
	    {"in", 1 << CONSOLE_IN, 0},
	    {"out", 1 << CONSOLE_OUT, 0},
	    {"iq", 0, CONSOLE_KIND_IQ},
	    {"message", 0, CONSOLE_KIND_MESSAGE},
	    {"presence", 0, CONSOLE_KIND_PRESENCE},
	    {"other", 0, CONSOLE_KIND_OTHER},
	};
	static const char *const prefixes[] = {"jid:", "ns:", "text:"};
	char **slots[] = {&f->jid, &f->ns, &f->text};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(w, words[i].word) == 0) {
			f->dirs |= words[i].dir;
			f->kinds |= words[i].kind;
			return 0;
		}
	}
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(w, prefixes[i], n) == 0 && w[n] != '\0') {
			free(*slots[i]);
			*slots[i] = xstrdup(w + n);
			return 0;
		}
	}
	*err = xasprintf(_("unknown filter '%s': use in, out, iq, message, presence, other, "
	                   "jid:JID, ns:NAMESPACE or text:TEXT"),
	                 w);
	return -1;
}

int console_filter_parse(struct console_filter *f, int argc, char **argv, char **err)
{
	struct console_filter nf;

	memset(&nf, 0, sizeof(nf));
	*err = NULL;
	for (int i = 0; i < argc; i++) {
		if (filter_word(&nf, argv[i], err) != 0) {
			console_filter_clear(&nf);
			return -1;
		}
	}
	console_filter_clear(f);
	*f = nf;
	return 0;
}

static bool jid_attr_matches(const struct xt_tok *t, const char *attr, const char *jid)
{
	const char *v;
	size_t vl, n = strlen(jid);

	if (!xmltok_get_attr(t, attr, &v, &vl) || vl < n)
		return false;
	return contains_ci(v, n, jid, n) && (vl == n || v[n] == '/');
}

static bool declares_ns(const char *xml, size_t len, const char *ns)
{
	const char *pos = xml, *end = xml + len;
	struct xt_tok t;

	while (xmltok_next(&pos, end, &t)) {
		const char *ap, *aend;
		struct xt_attr a;

		if (t.type != XT_START && t.type != XT_EMPTY)
			continue;
		ap = t.attrs;
		aend = t.attrs + t.attrslen;
		while (xmltok_attr(&ap, aend, &a))
			if (a.namelen >= 5 && memcmp(a.name, "xmlns", 5) == 0 &&
			    (a.namelen == 5 || a.name[5] == ':') && eq(a.val, a.vallen, ns))
				return true;
	}
	return false;
}

bool console_filter_match(const struct console_filter *f, const struct console_entry *e)
{
	struct xt_tok t;

	if (f->dirs != 0 && !(f->dirs & (1 << e->dir)))
		return false;
	if (f->kinds != 0 && !(f->kinds & (int)console_kind_of(e->xml, e->len)))
		return false;
	if (f->jid != NULL &&
	    (first_element(e->xml, e->len, &t) == NULL ||
	     (!jid_attr_matches(&t, "from", f->jid) && !jid_attr_matches(&t, "to", f->jid))))
		return false;
	if (f->ns != NULL && !declares_ns(e->xml, e->len, f->ns))
		return false;
	if (f->text != NULL && !contains_ci(e->xml, e->len, f->text, strlen(f->text)))
		return false;
	return true;
}

char *console_filter_describe(const struct console_filter *f)
{
	static const char *const kinds[] = {"iq", "message", "presence", "other"};
	struct buf b;

	buf_init(&b);
	if (f->dirs & (1 << CONSOLE_IN))
		buf_puts(&b, " in");
	if (f->dirs & (1 << CONSOLE_OUT))
		buf_puts(&b, " out");
	for (int i = 0; i < 4; i++)
		if (f->kinds & (1 << i))
			buf_printf(&b, " %s", kinds[i]);
	if (f->jid != NULL)
		buf_printf(&b, " jid:%s", f->jid);
	if (f->ns != NULL)
		buf_printf(&b, " ns:%s", f->ns);
	if (f->text != NULL)
		buf_printf(&b, " text:%s", f->text);
	if (b.len == 0) {
		buf_free(&b);
		return xstrdup("");
	}
	buf_cstr(&b);
	{
		char *s = xstrdup(b.data + 1); /* without the first space */

		buf_free(&b);
		return s;
	}
}

/* --- the ring ------------------------------------------------------- */

static struct console_entry *at(const struct console *c, size_t k)
{
	return &c->ring[(c->first + k) % c->cap];
}

/* Drops the k-th oldest entry; the k older ones move up one place. */
static void drop_at(struct console *c, size_t k)
{
	struct console_entry *e = at(c, k);

	c->bytes -= e->len;
	c->npinned -= e->pinned;
	free(e->xml);
	for (size_t i = k; i > 0; i--)
		*at(c, i) = *at(c, i - 1);
	memset(at(c, 0), 0, sizeof(*e));
	c->first = (c->first + 1) % c->cap;
	c->count--;
}

/* Makes room for one: the oldest entry that is not pinned goes (pinned
 * ones are few and the oldest of their connection), or the oldest. */
static void drop_oldest(struct console *c)
{
	size_t k = 0;

	while (k < c->count && at(c, k)->pinned)
		k++;
	drop_at(c, k < c->count ? k : 0);
}

void console_set_cap(struct console *c, size_t entries, size_t bytes)
{
	struct console_entry *ring;
	size_t n;

	if (bytes > 0)
		c->max_bytes = bytes;
	while (c->count > 0 && c->bytes > c->max_bytes)
		drop_oldest(c);
	if (entries == 0 || entries == c->cap)
		return;
	while (c->count > entries)
		drop_oldest(c);
	ring = xcalloc(entries, sizeof(*ring));
	n = c->count;
	for (size_t i = 0; i < n; i++)
		ring[i] = c->ring[(c->first + i) % c->cap];
	free(c->ring);
	c->ring = ring;
	c->cap = entries;
	c->first = 0;
}

size_t console_count(const struct console *c)
{
	return c->count;
}

size_t console_bytes(const struct console *c)
{
	return c->bytes;
}

const struct console_entry *console_entry(const struct console *c, size_t i)
{
	return i < c->count ? &c->ring[(c->first + i) % c->cap] : NULL;
}

struct console_view *console_view(struct console *c)
{
	return &c->view;
}

/* An element too big to keep whole keeps its start (cut at a character). */
static char *cut(char *xml, size_t *len)
{
	size_t n = CONSOLE_ENTRY_MAX, more;
	char *s;

	if (*len <= CONSOLE_ENTRY_MAX)
		return xml;
	while (n > 0 && ((unsigned char)xml[n] & 0xC0) == 0x80)
		n--;
	more = *len - n;
	xml[n] = '\0';
	s = xasprintf(_("%s… [%zu more bytes not kept]"), xml, more);
	free(xml);
	*len = strlen(s);
	return s;
}

static void write_log(struct console *c, const struct console_entry *e)
{
	struct tm tm;
	char stamp[32];

	gmtime_r(&e->when.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(c->log, "%s.%03ldZ %s %s\n", stamp, e->when.tv_nsec / 1000000L,
	        e->dir == CONSOLE_IN ? "IN" : "OUT", e->xml);
	fflush(c->log);
}

void console_capture(struct console *c, enum console_dir dir, const char *xml)
{
	size_t len = strlen(xml);
	struct console_entry *e;
	struct event ev;
	char *red;

	if (all_space(xml, len))
		return; /* whitespace keepalives */
	red = console_redact(xml, len);
	len = strlen(red);
	red = cut(red, &len);
	/* The ring keeps thousands of these for the session: the buffer's
	 * growth slack (up to half of it) would be kept with each. */
	red = xrealloc(red, len + 1);
	if (c->count == c->cap)
		drop_oldest(c);
	while (c->count > 0 && c->bytes + len > c->max_bytes)
		drop_oldest(c);
	e = &c->ring[(c->first + c->count) % c->cap];
	c->count++;
	e->seq = ++c->next_seq;
	e->dir = dir;
	clock_gettime(CLOCK_REALTIME, &e->when);
	e->xml = red;
	e->len = len;
	e->pinned = c->negotiating && c->npinned < CONSOLE_PINNED_MAX && c->npinned < c->cap / 2;
	c->npinned += e->pinned;
	c->bytes += len;
	if (c->log != NULL)
		write_log(c, e);
	ev_init(&ev, EV_XML);
	ev_str(&ev, "dir", dir == CONSOLE_IN ? "in" : "out");
	ev_str(&ev, "xml", e->xml);
	if (c->app != NULL)
		app_emit(c->app, &ev);
}

static void tap(void *ud, enum session_tap_dir dir, const char *xml)
{
	console_capture(ud, dir == SESSION_TAP_IN ? CONSOLE_IN : CONSOLE_OUT, xml);
}

void console_connection_start(struct console *c)
{
	/* The last connection's negotiation ages out like the rest. */
	for (size_t k = 0; k < c->count; k++)
		at(c, k)->pinned = false;
	c->npinned = 0;
	c->negotiating = true;
}

void console_session_online(struct console *c)
{
	c->negotiating = false;
}

static void on_connecting(struct session *s, void *ud)
{
	(void)s;
	console_connection_start(ud);
}

static void on_online(struct session *s, void *ud)
{
	(void)s;
	console_session_online(ud);
}

static const struct session_hooks console_hooks = {.online = on_online,
                                                   .connecting = on_connecting};

static void read_settings(void *ud, const struct config *cfg, const char *name)
{
	(void)name;
	console_set_cap(ud, (size_t)cfg_int(cfg, "console.size"), 0);
}

struct console *console_new(struct app *app)
{
	struct console *c = xcalloc(1, sizeof(*c));

	c->app = app;
	c->cap = CONSOLE_DEFAULT_ENTRIES;
	c->max_bytes = CONSOLE_DEFAULT_BYTES;
	c->ring = xcalloc(c->cap, sizeof(*c->ring));
	if (app != NULL) {
		read_settings(c, app->config, NULL);
		cfg_watch(app->config, read_settings, c);
	}
	/* Before any connect: the console records from the TCP connect on. */
	if (app != NULL && app->session != NULL) {
		session_set_tap(app->session, tap, c);
		session_add_hooks(app->session, &console_hooks, c);
	}
	return c;
}

int console_open_log(struct console *c, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -1;
	/* An existing file may have been readable by others: not any more. */
	if (fchmod(fd, 0600) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	if (c->log != NULL)
		fclose(c->log);
	c->log = fdopen(fd, "a");
	if (c->log == NULL) {
		close(fd);
		return -1;
	}
	return 0;
}

void console_free(struct console *c)
{
	if (c == NULL)
		return;
	if (c->app != NULL)
		cfg_unwatch(c->app->config, read_settings, c);
	if (c->app != NULL && c->app->session != NULL)
		session_set_tap(c->app->session, NULL, NULL);
	while (c->count > 0)
		drop_oldest(c);
	free(c->ring);
	if (c->log != NULL)
		fclose(c->log);
	console_filter_clear(&c->view.filter);
	free(c);
}
