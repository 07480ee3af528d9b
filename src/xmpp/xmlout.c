#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "i18n.h"
#include "util/str.h"
#include "util/xmlchar.h"
#include "xmpp/xmlout.h"

static bool text_ok(const char *s, uint32_t *cp)
{
	size_t len = s != NULL ? strlen(s) : 0;

	return xmlchar_find_bad(s, len, cp) == len;
}

static bool attrs_ok(xmpp_stanza_t *st, uint32_t *cp)
{
	int count = xmpp_stanza_get_attribute_count(st), n;
	const char **attrs;
	bool ok = true;

	if (count <= 0)
		return true;
	/* libstrophe hands them out as name, value pairs. */
	attrs = xcalloc(2 * (size_t)count, sizeof(*attrs));
	n = xmpp_stanza_get_attributes(st, attrs, 2 * count);
	for (int i = 0; ok && i < n; i++)
		ok = text_ok(attrs[i], cp);
	free(attrs);
	return ok;
}

bool xmlout_stanza_ok(xmpp_stanza_t *st, uint32_t *cp)
{
	if (xmpp_stanza_is_text(st))
		return text_ok(xmpp_stanza_get_text_ptr(st), cp);
	if (!text_ok(xmpp_stanza_get_name(st), cp) || !attrs_ok(st, cp))
		return false;
	for (xmpp_stanza_t *c = xmpp_stanza_get_children(st); c != NULL;
	     c = xmpp_stanza_get_next(c))
		if (!xmlout_stanza_ok(c, cp))
			return false;
	return true;
}

bool xmlout_check(struct app *app, xmpp_stanza_t *st)
{
	uint32_t cp = 0;
	char what[16];
	const char *name;

	if (xmlout_stanza_ok(st, &cp))
		return true;
	name = xmpp_stanza_get_name(st);
	app_error(app, NULL, "not-sent",
	          _("A <%s> was not sent: it held a character XML cannot carry (%s), and the "
	            "server would have ended the session over it."),
	          name != NULL ? name : "?", xmlchar_name(cp, what, sizeof(what)));
	return false;
}
