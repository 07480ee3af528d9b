/* Command-line options, GNU style. Parsed by hand rather than getopt_long so
 * that the parser is a pure function the unit tests can call repeatedly. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "opts.h"
#include "util/str.h"

enum opt_arg { ARG_NONE, ARG_STR, ARG_PORT, ARG_TLS };

struct opt_def {
	const char *name;
	enum opt_arg arg;
	size_t off; /* offset of the field in struct opts */
};

#define OFF(f) offsetof(struct opts, f)

static const struct opt_def opt_defs[] = {
    {"batch", ARG_NONE, OFF(batch)},
    {"help", ARG_NONE, OFF(help)},
    {"version", ARG_NONE, OFF(version)},
    {"jid", ARG_STR, OFF(jid)},
    {"server", ARG_STR, OFF(server)},
    {"port", ARG_PORT, OFF(port)},
    {"ca-file", ARG_STR, OFF(ca_file)},
    {"resource", ARG_STR, OFF(resource)},
    {"tls", ARG_TLS, OFF(tls)},
    {"accept-files", ARG_STR, OFF(accept_files)},
    {"xml", ARG_NONE, OFF(xml)},
    {"xml-log", ARG_STR, OFF(xml_log)},
    {"account", ARG_STR, OFF(account)},
    {"config", ARG_STR, OFF(config)},
    {"register", ARG_STR, OFF(register_jid)},
};

static const struct opt_def *find_opt(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(opt_defs) / sizeof(opt_defs[0]); i++)
		if (strlen(opt_defs[i].name) == len && strncmp(opt_defs[i].name, name, len) == 0)
			return &opt_defs[i];
	return NULL;
}

static int set_value(struct opts *o, const struct opt_def *d, const char *val, char **err)
{
	char *p = (char *)o + d->off;
	char *end;
	long n;

	switch (d->arg) {
	case ARG_NONE:
		*(bool *)p = true;
		return 0;
	case ARG_STR:
		free(*(char **)p);
		*(char **)p = xstrdup(val);
		return 0;
	case ARG_PORT:
		errno = 0;
		n = strtol(val, &end, 10);
		if (errno != 0 || *end != '\0' || end == val || n < 1 || n > 65535) {
			*err = xasprintf(_("invalid port '%s': expected a number from 1 to 65535"),
			                 val);
			return -1;
		}
		*(int *)p = (int)n;
		return 0;
	case ARG_TLS:
		if (strcmp(val, "starttls") == 0)
			*(enum tls_mode *)p = TLS_STARTTLS;
		else if (strcmp(val, "direct") == 0)
			*(enum tls_mode *)p = TLS_DIRECT;
		else {
			*err =
			    xasprintf(_("invalid TLS mode '%s': expected starttls or direct"), val);
			return -1;
		}
		return 0;
	}
	return 0;
}

int opts_parse(struct opts *o, int argc, char **argv, char **err)
{
	memset(o, 0, sizeof(*o));
	*err = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *val = NULL;
		const struct opt_def *d;
		size_t len;

		if (strcmp(a, "-h") == 0)
			a = "--help";
		else if (strcmp(a, "-V") == 0)
			a = "--version";
		else if (strcmp(a, "-a") == 0)
			a = "--account";
		if (strncmp(a, "--", 2) != 0) {
			*err = xasprintf(_("unexpected argument '%s'"), a);
			return -1;
		}
		a += 2;
		eq = strchr(a, '=');
		len = eq != NULL ? (size_t)(eq - a) : strlen(a);
		if (strncmp(a, "password", len) == 0 && len >= 4) {
			*err = xstrdup(_("a password is never accepted on the command line "
			                 "(others can read it); set JABIRU_PASSWORD or type it "
			                 "at the prompt"));
			return -1;
		}
		d = find_opt(a, len);
		if (d == NULL) {
			*err = xasprintf(_("unknown option '--%.*s'"), (int)len, a);
			return -1;
		}
		if (d->arg == ARG_NONE) {
			if (eq != NULL) {
				*err = xasprintf(_("option '--%s' takes no value"), d->name);
				return -1;
			}
		} else if (eq != NULL) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			*err = xasprintf(_("option '--%s' needs a value"), d->name);
			return -1;
		}
		if (set_value(o, d, val, err) != 0)
			return -1;
	}
	return 0;
}

void opts_free(struct opts *o)
{
	free(o->jid);
	free(o->server);
	free(o->ca_file);
	free(o->resource);
	free(o->xml_log);
	free(o->account);
	free(o->config);
	free(o->register_jid);
	free(o->accept_files);
	memset(o, 0, sizeof(*o));
}

void opts_print_help(const char *argv0)
{
	printf(_("Usage: %s [OPTION]...\n"), argv0);
	fputs(_("A terminal XMPP (Jabber) client.\n\n"), stdout);
	fputs(_("  --jid JID          log in as JID at start\n"
	        "  --server HOST      connect to HOST instead of resolving the domain\n"
	        "  --port N           connect to port N\n"
	        "  --tls MODE         starttls (default) or direct\n"
	        "  --ca-file FILE     also trust the CA or certificate in FILE\n"
	        "  --resource NAME    the resource to bind (default: jabiru.XXXX)\n"
	        "  -a, --account NAME log in with the account NAME of the configuration\n"
	        "  --config FILE      read FILE instead of ~/.config/jabiru/jabirurc\n"
	        "  --register JID     create the account JID by in-band registration\n"
	        "  --batch            no screen: commands on stdin, JSON events on stdout\n"
	        "  --xml              batch mode: also an \"xml\" event for every element\n"
	        "  --xml-log FILE     append the XML console (redacted) to FILE\n"
	        "  -h, --help         show this help and exit\n"
	        "  -V, --version      show the version and exit\n\n"),
	      stdout);
	fputs(_("The password is read from the environment variable JABIRU_PASSWORD,\n"
	        "or asked for at the prompt; it is never accepted on the command line.\n\n"),
	      stdout);
	fputs(_("Exit status: 0 on success, 1 on a run-time error, 2 on a bad command line,\n"
	        "3 when the login failed in batch mode.\n\n"
	        "See jabiru(1) for the commands, keys and the batch mode.\n"),
	      stdout);
}

void opts_print_version(void)
{
	printf("jabiru %s\n", PACKAGE_VERSION);
	fputs(_("Copyright (C) 2026 The jabiru authors.\n"
	        "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
	        "This is free software: you are free to change and redistribute it.\n"
	        "There is NO WARRANTY, to the extent permitted by law.\n"),
	      stdout);
}

const char *opts_name(size_t i)
{
	return i < sizeof(opt_defs) / sizeof(opt_defs[0]) ? opt_defs[i].name : NULL;
}
