#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "xmpp/ns.h"
#include "xmpp/reg-form.h"
#include "xmpp/stanza.h"

static void add_field(struct reg_form *form, const char *username, const char *var,
                      const char *label, const char *type, const char *value)
{
	struct reg_field *f;

	if (form->nfields == REG_MAX_FIELDS || var == NULL)
		return;
	f = &form->fields[form->nfields++];
	f->var = xstrdup(var);
	f->label = label ? xstrdup(label) : NULL;
	f->type = type ? xstrdup(type) : NULL;
	f->secret = strcmp(var, "password") == 0 || (type && strcmp(type, "text-private") == 0);
	if (strcmp(var, "username") == 0)
		f->value = xstrdup(username);
	else if (value != NULL)
		f->value = xstrdup(value); /* hidden fields such as FORM_TYPE */
}

static void read_xdata(struct reg_form *form, const char *username, xmpp_stanza_t *x)
{
	xmpp_ctx_t *ctx = xmpp_stanza_get_context(x);

	form->xdata = true;
	for (xmpp_stanza_t *f = xmpp_stanza_get_children(x); f; f = xmpp_stanza_get_next(f)) {
		const char *name = xmpp_stanza_get_name(f), *type = xmpp_stanza_get_type(f);
		xmpp_stanza_t *v = xmpp_stanza_get_child_by_name(f, "value");
		char *value = NULL;

		if (name == NULL || strcmp(name, "field") != 0 ||
		    (type && strcmp(type, "fixed") == 0))
			continue;
		if (type != NULL && strcmp(type, "hidden") == 0 && v != NULL)
			value = xmpp_stanza_get_text(v);
		/* only hidden fields keep the server's value; others are asked */
		add_field(form, username, xmpp_stanza_get_attribute(f, "var"),
		          xmpp_stanza_get_attribute(f, "label"), type, value);
		if (value != NULL)
			xmpp_free(ctx, value);
	}
}

void reg_form_parse(xmpp_stanza_t *query, const char *username, struct reg_form *form)
{
	xmpp_stanza_t *x = xmpp_stanza_get_child_by_ns(query, NS_XDATA);

	memset(form, 0, sizeof(*form));
	form->registered = xmpp_stanza_get_child_by_name(query, "registered") != NULL;
	if (x != NULL) {
		read_xdata(form, username, x);
		return;
	}
	for (xmpp_stanza_t *c = xmpp_stanza_get_children(query); c; c = xmpp_stanza_get_next(c)) {
		const char *name = xmpp_stanza_get_name(c);

		if (name != NULL && strcmp(name, "instructions") != 0 && xmpp_stanza_is_tag(c))
			add_field(form, username, name, NULL, NULL, NULL);
	}
}

static xmpp_stanza_t *xdata_submit(xmpp_ctx_t *ctx, const struct reg_form *form)
{
	xmpp_stanza_t *x = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(x, "x");
	xmpp_stanza_set_ns(x, NS_XDATA);
	xmpp_stanza_set_type(x, "submit");
	for (size_t i = 0; i < form->nfields; i++) {
		const struct reg_field *rf = &form->fields[i];
		xmpp_stanza_t *f;

		if (rf->value == NULL)
			continue;
		f = xmpp_stanza_new(ctx);
		xmpp_stanza_set_name(f, "field");
		xmpp_stanza_set_attribute(f, "var", rf->var);
		/* The declared type goes back with the answer: it is what tells
		 * the console's redactor (and whoever reads a log) that a field
		 * named "pwd" holds a secret. */
		if (rf->secret)
			xmpp_stanza_set_type(f, "text-private");
		else if (rf->type != NULL)
			xmpp_stanza_set_type(f, rf->type);
		stanza_add_text(f, "value", rf->value);
		xmpp_stanza_add_child_ex(x, f, 0);
	}
	return x;
}

xmpp_stanza_t *reg_form_submit(xmpp_ctx_t *ctx, const struct reg_form *form)
{
	xmpp_stanza_t *q = xmpp_stanza_new(ctx);

	xmpp_stanza_set_name(q, "query");
	xmpp_stanza_set_ns(q, XMPP_NS_REGISTER);
	if (form->xdata) {
		xmpp_stanza_add_child_ex(q, xdata_submit(ctx, form), 0);
		return q;
	}
	for (size_t i = 0; i < form->nfields; i++)
		if (form->fields[i].value != NULL)
			stanza_add_text(q, form->fields[i].var, form->fields[i].value);
	return q;
}

void reg_form_free(struct reg_form *form)
{
	for (size_t i = 0; i < form->nfields; i++) {
		struct reg_field *f = &form->fields[i];

		free(f->var);
		free(f->label);
		free(f->type);
		if (f->secret)
			str_free_secret(f->value);
		else
			free(f->value);
	}
	form->nfields = 0;
}
