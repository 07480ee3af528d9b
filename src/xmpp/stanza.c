#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/str.h"
#include "xmpp/stanza.h"

/* A stream error's text is shown, not kept: this much is plenty. */
#define STREAM_TEXT_MAX 300

void stanza_add_text(xmpp_stanza_t *parent, const char *name, const char *text)
{
	xmpp_ctx_t *ctx = xmpp_stanza_get_context(parent);
	xmpp_stanza_t *el = xmpp_stanza_new(ctx), *t = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(el, name);
	xmpp_stanza_set_text(t, text);
	xmpp_stanza_add_child(el, t);
	xmpp_stanza_add_child(parent, el);
	xmpp_stanza_release(t);
	xmpp_stanza_release(el);
}

/* The server's words are remote text: bounded, and control and bidi
 * characters made visible, so that every front end may show them. */
char *stanza_stream_error_text(const xmpp_stream_error_t *se)
{
	const char *cond = NULL;
	char *text, *clean;
	size_t n;

	for (xmpp_stanza_t *c = se->stanza != NULL ? xmpp_stanza_get_children(se->stanza) : NULL;
	     c != NULL && cond == NULL; c = xmpp_stanza_get_next(c))
		if (!xmpp_stanza_is_text(c) && xmpp_stanza_get_name(c) != NULL &&
		    strcmp(xmpp_stanza_get_name(c), "text") != 0)
			cond = xmpp_stanza_get_name(c);
	text = xasprintf("%s%s%s", cond != NULL ? cond : "undefined-condition",
	                 se->text != NULL && se->text[0] != '\0' ? ": " : "",
	                 se->text != NULL ? se->text : "");
	n = strlen(text);
	if (n > STREAM_TEXT_MAX) {
		n = STREAM_TEXT_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--; /* cut between characters, not inside one */
		text[n] = '\0';
	}
	clean = sanitize_str(text);
	free(text);
	return clean;
}

xmpp_stanza_t *stanza_add_element(xmpp_stanza_t *parent, const char *name, const char *ns)
{
	xmpp_stanza_t *el = xmpp_stanza_new(xmpp_stanza_get_context(parent));

	xmpp_stanza_set_name(el, name);
	if (ns != NULL)
		xmpp_stanza_set_ns(el, ns);
	xmpp_stanza_add_child_ex(parent, el, 0);
	return el;
}

xmpp_stanza_t *stanza_error_new(xmpp_ctx_t *ctx, const char *name, const char *to, const char *id,
                                const struct stanza_error *e)
{
	xmpp_stanza_t *st = xmpp_stanza_new(ctx), *err;

	xmpp_stanza_set_name(st, name);
	xmpp_stanza_set_type(st, "error");
	if (id != NULL)
		xmpp_stanza_set_id(st, id);
	if (to != NULL)
		xmpp_stanza_set_to(st, to);
	err = stanza_add_element(st, "error", NULL);
	xmpp_stanza_set_type(err, e->type != NULL ? e->type : "cancel");
	stanza_add_element(err, e->condition != NULL ? e->condition : "undefined-condition",
	                   XMPP_NS_STANZAS_IETF);
	if (e->text != NULL) {
		xmpp_stanza_t *t = xmpp_stanza_new(ctx);

		xmpp_stanza_set_text(t, e->text);
		xmpp_stanza_add_child_ex(stanza_add_element(err, "text", XMPP_NS_STANZAS_IETF), t,
		                         0);
	}
	if (e->app_condition != NULL)
		stanza_add_element(err, e->app_condition, e->app_ns);
	return st;
}

xmpp_stanza_t *stanza_error_reply(xmpp_stanza_t *request, const struct stanza_error *e)
{
	return stanza_error_new(xmpp_stanza_get_context(request), xmpp_stanza_get_name(request),
	                        xmpp_stanza_get_from(request), xmpp_stanza_get_id(request), e);
}

static bool is_stanzas_ns(xmpp_stanza_t *el)
{
	const char *ns = xmpp_stanza_get_ns(el);

	return ns != NULL && strcmp(ns, XMPP_NS_STANZAS_IETF) == 0;
}

/* The first of each kind counts: a peer that sends two conditions or two
 * texts gets the first shown, and nothing leaks. */
static void parse_child(xmpp_stanza_t *c, struct stanza_error *e, bool *have_cond)
{
	const char *name = xmpp_stanza_get_name(c);

	if (xmpp_stanza_is_text(c) || name == NULL)
		return;
	if (!is_stanzas_ns(c)) {
		if (e->app_condition == NULL) {
			e->app_condition = name;
			e->app_ns = xmpp_stanza_get_ns(c);
		}
	} else if (strcmp(name, "text") == 0) {
		if (e->text == NULL) {
			char *t = xmpp_stanza_get_text(c);

			e->text = t != NULL ? xstrdup(t) : NULL;
			xmpp_free(xmpp_stanza_get_context(c), t);
		}
	} else if (!*have_cond) {
		e->condition = name;
		*have_cond = true;
	}
}

bool stanza_error_parse(xmpp_stanza_t *st, struct stanza_error *e)
{
	xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(st, "error");
	bool have_cond = false;

	*e = (struct stanza_error){.condition = "undefined-condition"};
	if (err == NULL)
		return false;
	e->type = xmpp_stanza_get_type(err);
	for (xmpp_stanza_t *c = xmpp_stanza_get_children(err); c != NULL;
	     c = xmpp_stanza_get_next(c))
		parse_child(c, e, &have_cond);
	/* A condition that lost its namespace (inherited jabber:client) is
	 * still the sender's condition: shown rather than hidden. */
	if (!have_cond && e->app_condition != NULL &&
	    (e->app_ns == NULL || strcmp(e->app_ns, XMPP_NS_CLIENT) == 0)) {
		e->condition = e->app_condition;
		e->app_condition = e->app_ns = NULL;
	}
	return true;
}

void stanza_error_clear(struct stanza_error *e)
{
	free(e->text);
	e->text = NULL;
}

const char *stanza_error_condition(xmpp_stanza_t *st)
{
	struct stanza_error e;

	stanza_error_parse(st, &e);
	stanza_error_clear(&e);
	return e.condition;
}
