/* Settings and accounts read from jabirurc with libinih. libinih gives no
 * line numbers to the handler in Debian's build, so the reader callback
 * counts the lines it hands over: inih asks for exactly one line per call. */
#include "config.h"

#include "cfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "i18n.h"
#include "net/resolver.h"
#include "util/jid.h"
#include "util/str.h"
#include "util/xdg.h"

static char *check_methods(const char *v);
static char *check_ip(const char *v);
static char *check_ports(const char *v);
static char *check_proxy(const char *v);
static char *check_dns_servers(const char *v);

/* Grouped by area; /set lists them by name. */
const struct cfg_setting cfg_settings[] = {
    /* session and chat */
    {"ca_file", CFG_STR, "",
     N_("A CA or certificate file trusted in addition to the system store "
        "(--ca-file overrides it)."),
     0, 0, NULL, NULL},
    {"resource", CFG_STR, "",
     N_("The resource bound at login; empty: \"jabiru.\" and a random suffix."), 0, 0, NULL, NULL},
    {"connect.timeout", CFG_INT, "30",
     N_("Seconds a login may take, from the connection to the bound resource, before it is "
        "given up."),
     1, 3600, NULL, NULL},
    {"connect.ping_interval", CFG_INT, "120",
     N_("Seconds of silence from the server before jabiru pings it (XEP-0199) to learn whether "
        "the session still lives; 0: never."),
     0, 86400, NULL, NULL},
    {"connect.ping_timeout", CFG_INT, "30",
     N_("Seconds an unanswered ping waits before the session is declared lost."), 1, 3600, NULL,
     NULL},
    {"connect.roster_timeout", CFG_INT, "60",
     N_("Seconds to wait for the roster after the login before warning and going online "
        "without it."),
     1, 3600, NULL, NULL},
    {"dns.servers", CFG_STR, "",
     N_("Name servers asked for host names, ADDR[:PORT] separated by commas; empty: those of "
        "/etc/resolv.conf."),
     0, 0, NULL, check_dns_servers},

    /* UI: read by the screen at start and whenever one changes */
    {"roster.pane", CFG_BOOL, "true",
     N_("Whether the roster pane is shown at start (F2 toggles it)."), 0, 0, NULL, NULL},
    {"roster.left", CFG_BOOL, "false", N_("The roster pane on the left (false: on the right)."), 0,
     0, NULL, NULL},
    {"roster.width", CFG_INT, "24", N_("The width of the roster pane in columns."), 8, 200, NULL,
     NULL},
    {"roster.offline", CFG_BOOL, "true", N_("Whether offline contacts are listed in the pane."), 0,
     0, NULL, NULL},
    {"ui.time_format", CFG_STR, "%H:%M",
     N_("The strftime(3) format of the time in front of each line."), 0, 0, NULL, NULL},
    {"ui.scrollback", CFG_INT, "5000", N_("Lines kept per window (for windows opened later)."), 100,
     1000000, NULL, NULL},
    {"ui.bell", CFG_BOOL, "false",
     N_("Ring the terminal bell on unread messages in another window."), 0, 0, NULL, NULL},
    {"ui.title", CFG_BOOL, "false", N_("Show the number of unread messages in the terminal title."),
     0, 0, NULL, NULL},
    {"ui.theme", CFG_STR, "",
     N_("The theme file read at start; empty: theme in the configuration directory."), 0, 0, NULL,
     NULL},

    /* roster, presence, subscriptions */
    {"presence.auto_away", CFG_INT, "0",
     N_("Minutes without a key pressed before going away by itself; 0: never."), 0, 1440, NULL,
     NULL},
    {"subscription.auto_approve", CFG_BOOL, "false",
     N_("Allow every presence subscription request at once."), 0, 0, NULL, NULL},
    {"version.show_os", CFG_BOOL, "false",
     N_("Tell the operating system in answers to software version requests."), 0, 0, NULL, NULL},

    /* XML console */
    {"console.size", CFG_INT, "2000", N_("Stanzas kept by the XML console."), 10, 100000, NULL,
     NULL},
    {"console.log", CFG_STR, "",
     N_("A file the XML console is appended to, from start (--xml-log overrides it)."), 0, 0, NULL,
     NULL},

    /* file transfer */
    {"files.download_dir", CFG_STR, "",
     N_("Where accepted files are saved; empty: the XDG download directory."), 0, 0, NULL, NULL},
    {"files.methods", CFG_STR, "bytestreams ibb",
     N_("The stream methods offered, in order: bytestreams (SOCKS5) and ibb (in-band)."), 0, 0,
     NULL, check_methods},
    {"files.accept_strangers", CFG_BOOL, "false",
     N_("Show file offers from JIDs not in the roster (else refused)."), 0, 0, NULL, NULL},
    {"files.max_size", CFG_INT, "68719476736",
     N_("Offers larger than this many bytes are refused."), 1, LONG_MAX, NULL, NULL},
    {"files.ibb_block_size", CFG_INT, "4096",
     N_("The in-band block size offered (halved when a peer refuses it)."), 256, 65535, NULL, NULL},
    {"files.ibb_window", CFG_INT, "4", N_("In-band data packets sent before waiting for answers."),
     1, 64, NULL, NULL},
    {"files.idle_timeout", CFG_INT, "60", N_("Seconds a stalled transfer waits before failing."), 5,
     3600, NULL, NULL},
    {"files.max_incoming", CFG_INT, "16",
     N_("Files received at once at most; further offers are declined or wait."), 1, 1024, NULL,
     NULL},
    {"files.max_incoming_per_contact", CFG_INT, "4",
     N_("Files received at once from one contact at most."), 1, 1024, NULL, NULL},
    {"s5b.direct", CFG_BOOL, "true",
     N_("Offer our own address for SOCKS5 transfers (false: peers never learn it)."), 0, 0, NULL,
     NULL},
    {"s5b.listen", CFG_STR, "",
     N_("The IP address to listen on for SOCKS5 transfers; empty: the address of the connection "
        "to the server."),
     0, 0, NULL, check_ip},
    {"s5b.ports", CFG_STR, "",
     N_("The port or range LOW-HIGH to listen on for SOCKS5 transfers; empty: any free port."), 0,
     0, NULL, check_ports},
    {"s5b.external", CFG_STR, "",
     N_("The address advertised to peers instead of the listening one (behind NAT)."), 0, 0, NULL,
     NULL},
    {"s5b.proxy", CFG_STR, "",
     N_("The SOCKS5 proxy JID; empty: the one discovered at login; none: no proxy."), 0, 0, NULL,
     check_proxy},

    /* configuration, accounts, registration */
    {"password_cmd_timeout", CFG_INT, "10",
     N_("Seconds an account's password_cmd may take before it is stopped."), 1, 300, NULL, NULL},
};

size_t cfg_nsettings(void)
{
	return sizeof(cfg_settings) / sizeof(cfg_settings[0]);
}

static long setting_index(const char *name)
{
	for (size_t i = 0; i < cfg_nsettings(); i++)
		if (strcmp(cfg_settings[i].name, name) == 0)
			return (long)i;
	return -1;
}

const struct cfg_setting *cfg_find(const char *name)
{
	long i = setting_index(name);

	return i < 0 ? NULL : &cfg_settings[i];
}

static int parse_bool(const char *v)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

static bool parse_long(const char *v, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(v, &end, 10);
	return errno == 0 && end != v && *end == '\0';
}

static char *check_methods(const char *v)
{
	char *copy = xstrdup(v), *save = NULL, *w;
	char *why = NULL;
	int n = 0;

	for (w = strtok_r(copy, " ,\t", &save); w != NULL && why == NULL;
	     w = strtok_r(NULL, " ,\t", &save), n++)
		if (strcmp(w, "bytestreams") != 0 && strcmp(w, "ibb") != 0)
			why = xasprintf(_("'%s' is not a stream method (bytestreams or ibb)"), w);
	free(copy);
	if (why == NULL && n == 0)
		why = xasprintf(_("at least one stream method is needed (bytestreams or ibb)"));
	return why;
}

static char *check_ip(const char *v)
{
	unsigned char buf[16];

	if (v[0] == '\0' || inet_pton(AF_INET, v, buf) == 1 || inet_pton(AF_INET6, v, buf) == 1)
		return NULL;
	return xasprintf(_("'%s' is not an IP address"), v);
}

static char *check_dns_servers(const char *v)
{
	if (resolver_servers_valid(v))
		return NULL;
	return xasprintf(_("'%s' is not a list of name server addresses (ADDR[:PORT],...)"), v);
}

bool cfg_parse_ports(const char *v, int *lo, int *hi)
{
	char *end;
	long a, b;

	*lo = *hi = 0;
	if (v[0] == '\0')
		return true;
	errno = 0;
	a = b = strtol(v, &end, 10);
	if (end != v && *end == '-') {
		const char *rest = end + 1;

		b = strtol(rest, &end, 10);
		if (end == rest)
			return false;
	}
	if (errno != 0 || end == v || *end != '\0' || a < 1 || a > b || b > 65535)
		return false;
	*lo = (int)a;
	*hi = (int)b;
	return true;
}

static char *check_ports(const char *v)
{
	int lo, hi;

	return cfg_parse_ports(v, &lo, &hi) ? NULL
	                                    : xasprintf(_("'%s' is not a port or a range LOW-HIGH "
	                                                  "of ports from 1 to 65535"),
	                                                v);
}

static char *check_proxy(const char *v)
{
	struct jid j;

	if (v[0] == '\0' || strcmp(v, "none") == 0 || jid_parse(&j, v))
		return NULL;
	return xasprintf(_("'%s' is not a JID"), v);
}

char *cfg_check(const struct cfg_setting *s, const char *value)
{
	long n;

	switch (s->type) {
	case CFG_BOOL:
		if (parse_bool(value) < 0)
			return xasprintf(_("'%s' is not a yes/no value (true or false)"), value);
		break;
	case CFG_INT:
		if (!parse_long(value, &n) || n < s->min || n > s->max)
			return xasprintf(_("'%s' is not a number from %ld to %ld"), value, s->min,
			                 s->max);
		break;
	case CFG_ENUM:
		for (size_t i = 0; s->choices[i] != NULL; i++)
			if (strcmp(value, s->choices[i]) == 0)
				return NULL;
		return xasprintf(_("'%s' is not one of the choices for %s"), value, s->name);
	case CFG_STR:
		break;
	}
	return s->check != NULL ? s->check(value) : NULL;
}

char *cfg_set(struct config *cfg, const char *name, const char *value)
{
	long i = setting_index(name);
	char *why;

	if (i < 0)
		return xasprintf(_("unknown setting '%s'"), name);
	why = cfg_check(&cfg_settings[i], value);
	if (why != NULL)
		return why;
	/* set by hand: /save keeps this value, not the file's */
	free(cfg->shadowed[i]);
	cfg->shadowed[i] = NULL;
	free(cfg->value[i]);
	cfg->value[i] = xstrdup(value);
	for (size_t k = 0; k < cfg->nwatchers; k++)
		cfg->watchers[k].fn(cfg->watchers[k].ud, cfg, cfg_settings[i].name);
	return NULL;
}

const char *cfg_saved_value(const struct config *cfg, size_t i)
{
	return cfg->shadowed[i] != NULL ? cfg->shadowed[i] : cfg->value[i];
}

void cfg_watch(struct config *cfg, cfg_watch_fn fn, void *ud)
{
	if (cfg == NULL)
		return;
	cfg->watchers = xrealloc(cfg->watchers, (cfg->nwatchers + 1) * sizeof(*cfg->watchers));
	cfg->watchers[cfg->nwatchers++] = (struct cfg_watcher){fn, ud};
}

void cfg_unwatch(struct config *cfg, cfg_watch_fn fn, void *ud)
{
	size_t k = 0;

	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->nwatchers; i++)
		if (cfg->watchers[i].fn != fn || cfg->watchers[i].ud != ud)
			cfg->watchers[k++] = cfg->watchers[i];
	cfg->nwatchers = k;
}

const char *cfg_str(const struct config *cfg, const char *name)
{
	long i = setting_index(name);

	if (i < 0)
		return NULL;
	return cfg != NULL && cfg->value != NULL ? cfg->value[i] : cfg_settings[i].dflt;
}

long cfg_int(const struct config *cfg, const char *name)
{
	const char *v = cfg_str(cfg, name);
	long n = 0;

	return v != NULL && parse_long(v, &n) ? n : 0;
}

bool cfg_bool(const struct config *cfg, const char *name)
{
	const char *v = cfg_str(cfg, name);

	return v != NULL && parse_bool(v) == 1;
}

char *cfg_or_opt(char *opt, const char *setting)
{
	if (opt != NULL)
		return opt;
	return setting != NULL && setting[0] != '\0' ? (char *)setting : NULL;
}

const struct account *cfg_account(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->naccounts; i++)
		if (strcmp(cfg->accounts[i].name, name) == 0)
			return &cfg->accounts[i];
	return NULL;
}

/* ---- reading ----------------------------------------------------------- */

struct reader {
	FILE *f;
	struct config *cfg;
	int line;
	bool private_file; /* not readable by group or others */
};

static char *read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	char *s = fgets(str, num, r->f);

	if (s != NULL && strchr(s, '\n') != NULL)
		r->line++;
	return s;
}

static void problem(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	char *why;
	struct config *cfg = r->cfg;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	cfg->problems = xrealloc(cfg->problems, (cfg->nproblems + 1) * sizeof(char *));
	cfg->problems[cfg->nproblems++] = xasprintf("%s:%d: %s", cfg->path, r->line, why);
	free(why);
}

static struct account *account_for(struct reader *r, const char *name)
{
	struct config *cfg = r->cfg;
	struct account *a;

	for (size_t i = 0; i < cfg->naccounts; i++)
		if (strcmp(cfg->accounts[i].name, name) == 0)
			return &cfg->accounts[i];
	cfg->accounts = xrealloc(cfg->accounts, (cfg->naccounts + 1) * sizeof(*a));
	a = &cfg->accounts[cfg->naccounts++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	a->line = r->line;
	return a;
}

static bool is_fingerprint(const char *v)
{
	/* 32 bytes as hex pairs, colons between them optional. */
	int digits = 0;

	for (; *v != '\0'; v++) {
		if ((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'f') ||
		    (*v >= 'A' && *v <= 'F'))
			digits++;
		else if (*v != ':')
			return false;
	}
	return digits == 64;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static bool account_flag(struct reader *r, const char *key, const char *v, bool *dst)
{
	int b = parse_bool(v);

	if (b < 0) {
		problem(r, _("%s: '%s' is not a yes/no value (true or false)"), key, v);
		return false;
	}
	*dst = b == 1;
	return true;
}

static void account_port(struct reader *r, struct account *a, const char *v)
{
	long n;

	if (!parse_long(v, &n) || n < 1 || n > 65535)
		problem(r, _("port: '%s' is not a number from 1 to 65535"), v);
	else
		a->port = (int)n;
}

static void account_tls(struct reader *r, struct account *a, const char *v)
{
	if (strcmp(v, "starttls") == 0)
		a->tls = TLS_STARTTLS;
	else if (strcmp(v, "direct") == 0)
		a->tls = TLS_DIRECT;
	else if (is_fingerprint(v))
		set_str(&a->fingerprint, v);
	else
		problem(r, _("tls: '%s' is not starttls, direct or a SHA-256 fingerprint"), v);
}

static void account_key(struct reader *r, const char *acct, const char *key, const char *v)
{
	struct account *a = account_for(r, acct);
	struct jid j;

	if (strcmp(key, "jid") == 0) {
		if (!jid_parse(&j, v) || j.local[0] == '\0')
			problem(r, _("jid: '%s' is not a valid account JID"), v);
		else
			set_str(&a->jid, v);
	} else if (strcmp(key, "resource") == 0) {
		set_str(&a->resource, v);
	} else if (strcmp(key, "server") == 0) {
		set_str(&a->server, v);
	} else if (strcmp(key, "port") == 0) {
		account_port(r, a, v);
	} else if (strcmp(key, "tls") == 0) {
		account_tls(r, a, v);
	} else if (strcmp(key, "password_cmd") == 0) {
		set_str(&a->password_cmd, v);
	} else if (strcmp(key, "password") == 0) {
		if (!r->private_file) {
			problem(r, _("password refused: the file can be read by group or others; "
			             "run chmod 600 on it, or use password_cmd"));
			return;
		}
		str_free_secret(a->password);
		a->password = xstrdup(v);
	} else if (strcmp(key, "autoconnect") == 0) {
		account_flag(r, key, v, &a->autoconnect);
	} else if (strcmp(key, "legacy_auth") == 0) {
		account_flag(r, key, v, &a->legacy_auth);
	} else {
		problem(r, _("unknown account key '%s'"), key);
	}
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct reader *r = user;
	char *why;

	if (section[0] == '\0' || strcmp(section, "settings") == 0) {
		why = cfg_set(r->cfg, name, value);
		if (why != NULL) {
			problem(r, _("%s; the default stays in force"), why);
			free(why);
		}
	} else if (strncmp(section, "account ", 8) == 0 && section[8] != '\0') {
		account_key(r, section + 8, name, value);
	} else {
		problem(r, _("unknown section [%s]"), section);
	}
	return 1; /* go on: one mistake must not hide the rest */
}

static char *default_path(void)
{
	char *dir = xdg_dir(XDG_CONFIG);
	char *path;

	if (dir == NULL)
		return NULL;
	path = xasprintf("%s/jabirurc", dir);
	free(dir);
	return path;
}

/* Like cfg_set, remembering the value from the file for /save (no watchers
 * exist yet while loading). */
static char *env_override(struct config *cfg, const char *name, const char *v)
{
	long i = setting_index(name);
	char *old = xstrdup(cfg->value[i]);
	char *why = cfg_set(cfg, name, v);

	if (why != NULL)
		free(old);
	else
		cfg->shadowed[i] = old;
	return why;
}

/* Environment variables that override a setting after the file (scripts,
 * tests, interoperability runs). JABIRU_S5B_PROXY=0 (or no) means none. */
static void env_overrides(struct config *cfg)
{
	static const char *const map[][2] = {
	    {"JABIRU_DNS_SERVERS", "dns.servers"},
	    {"JABIRU_FILE_METHODS", "files.methods"},
	    {"JABIRU_IBB_BLOCK_SIZE", "files.ibb_block_size"},
	    {"JABIRU_S5B_DIRECT", "s5b.direct"},
	    {"JABIRU_S5B_LISTEN", "s5b.listen"},
	    {"JABIRU_S5B_PORTS", "s5b.ports"},
	    {"JABIRU_S5B_EXTERNAL", "s5b.external"},
	    {"JABIRU_S5B_PROXY", "s5b.proxy"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = getenv(map[i][0]);
		char *why;

		if (v == NULL)
			continue;
		if (strcmp(map[i][1], "s5b.proxy") == 0 &&
		    (strcmp(v, "0") == 0 || strcmp(v, "no") == 0))
			v = "none";
		why = env_override(cfg, map[i][1], v);
		if (why != NULL) {
			cfg->problems =
			    xrealloc(cfg->problems, (cfg->nproblems + 1) * sizeof(char *));
			cfg->problems[cfg->nproblems++] =
			    xasprintf(_("%s ignored: %s"), map[i][0], why);
			free(why);
		}
	}
}

void cfg_load(struct config *cfg, const char *path)
{
	struct reader r = {.cfg = cfg};
	struct stat st;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->value = xcalloc(cfg_nsettings(), sizeof(char *));
	cfg->shadowed = xcalloc(cfg_nsettings(), sizeof(char *));
	for (size_t i = 0; i < cfg_nsettings(); i++)
		cfg->value[i] = xstrdup(cfg_settings[i].dflt);
	cfg->path = path != NULL ? xstrdup(path) : default_path();
	if (cfg->path == NULL) {
		env_overrides(cfg);
		return;
	}
	r.f = fopen(cfg->path, "r");
	if (r.f == NULL) {
		if (errno != ENOENT)
			problem(&r, _("cannot read: %s"), strerror(errno));
		env_overrides(cfg);
		return;
	}
	r.private_file = fstat(fileno(r.f), &st) == 0 && (st.st_mode & 077) == 0;
	rc = ini_parse_stream(read_line, &r, on_entry, &r);
	fclose(r.f);
	if (rc > 0) {
		r.line = rc;
		problem(&r, _("not a setting, section or comment; line ignored"));
	}
	for (size_t i = 0; i < cfg->naccounts; i++) {
		if (cfg->accounts[i].jid == NULL) {
			r.line = cfg->accounts[i].line;
			problem(&r, _("account %s has no jid"), cfg->accounts[i].name);
		}
	}
	env_overrides(cfg);
}

static void account_free(struct account *a)
{
	free(a->name);
	free(a->jid);
	free(a->resource);
	free(a->server);
	free(a->fingerprint);
	free(a->password_cmd);
	str_free_secret(a->password);
}

void cfg_free(struct config *cfg)
{
	for (size_t i = 0; i < cfg_nsettings(); i++) {
		if (cfg->value != NULL)
			free(cfg->value[i]);
		if (cfg->shadowed != NULL)
			free(cfg->shadowed[i]);
	}
	free(cfg->value);
	free(cfg->shadowed);
	for (size_t i = 0; i < cfg->naccounts; i++)
		account_free(&cfg->accounts[i]);
	free(cfg->accounts);
	for (size_t i = 0; i < cfg->nproblems; i++)
		free(cfg->problems[i]);
	free(cfg->problems);
	free(cfg->watchers);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}
