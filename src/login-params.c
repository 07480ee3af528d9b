#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "i18n.h"
#include "login-params.h"
#include "opts.h"
#include "util/str.h"

/* The first of a and b that is set and not empty, copied. */
static char *first_set(const char *a, const char *b)
{
	if (a != NULL && a[0] != '\0')
		return xstrdup(a);
	if (b != NULL && b[0] != '\0')
		return xstrdup(b);
	return NULL;
}

static int parse_port(const char *text, int *port, char **err)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (text[0] == '\0' || *end != '\0' || n < 1 || n > 65535) {
		*err = xasprintf(_("'%s' is not a port number."), text);
		return -1;
	}
	*port = (int)n;
	return 0;
}

int login_params_build(struct session_params *p, const struct opts *o, const struct config *cfg,
                       const struct login_request *rq, char **err)
{
	const struct account *a = rq->account;
	int port = 0;

	memset(p, 0, sizeof(*p));
	if (rq->port != NULL && parse_port(rq->port, &port, err) != 0)
		return -1;
	p->jid = first_set(rq->jid, a != NULL ? a->jid : NULL);
	if (rq->host != NULL) {
		p->server = xstrdup(rq->host);
		p->port = port;
	} else {
		p->server = first_set(a != NULL ? a->server : NULL, o->server);
		p->port = a != NULL && a->port != 0 ? a->port : o->port;
	}
	p->tls = a != NULL ? a->tls : o->tls;
	p->legacy_auth = a != NULL && a->legacy_auth;
	p->ca_file = first_set(o->ca_file, cfg_str(cfg, "ca_file"));
	p->resource = first_set(o->resource, a != NULL ? a->resource : NULL);
	if (p->resource == NULL)
		p->resource = first_set(cfg_str(cfg, "resource"), NULL);
	p->password = rq->password != NULL ? xstrdup(rq->password) : NULL;
	p->command = rq->command;
	return 0;
}
