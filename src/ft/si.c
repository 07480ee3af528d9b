/* XEP-0095/0096 stanzas. Parsing tolerates what other clients send (two
 * answer values, unknown attributes, a missing <file/> in the answer) and
 * refuses what cannot be right (no name, a size that is not a number). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft/method.h"
#include "ft/si.h"
#include "util/str.h"
#include "xmpp/stanza.h"

/* The methods themselves are the table of ft/method.c. */
const char *si_method_ns(enum si_method m)
{
	const struct ft_method *e = ft_method_get(m);

	return e != NULL ? e->ns : NULL;
}

enum si_method si_method_from_ns(const char *ns)
{
	const struct ft_method *e = ft_method_by_ns(ns);

	return e != NULL ? e->id : SI_M_NONE;
}

size_t si_methods_parse(const char *list, enum si_method *out)
{
	size_t n = 0;
	unsigned seen = 0;

	while (list != NULL && *list != '\0') {
		size_t len = strcspn(list, " ,\t");

		for (size_t i = 0; i < ft_method_count(); i++) {
			const struct ft_method *e = ft_method_at(i);

			if (strlen(e->name) == len && strncmp(e->name, list, len) == 0 &&
			    !(seen & e->id) && n < SI_MAX_METHODS) {
				seen |= e->id;
				out[n++] = e->id;
			}
		}
		list += len;
		list += strspn(list, " ,\t");
	}
	return n;
}

static void text_child(xmpp_stanza_t *parent, const char *name, const char *text)
{
	xmpp_stanza_t *c = stanza_add_element(parent, name, NULL);
	xmpp_stanza_t *t = xmpp_stanza_new(xmpp_stanza_get_context(parent));

	xmpp_stanza_set_text(t, text);
	xmpp_stanza_add_child_ex(c, t, 0);
}

static xmpp_stanza_t *iq_new(xmpp_ctx_t *ctx, const char *type, const char *to, const char *id)
{
	xmpp_stanza_t *iq = xmpp_iq_new(ctx, type, id);

	if (to != NULL)
		xmpp_stanza_set_to(iq, to);
	return iq;
}

/* <feature><x type=form|submit><field var=stream-method ...> */
static xmpp_stanza_t *method_field(xmpp_stanza_t *si, const char *xtype)
{
	xmpp_stanza_t *x, *f;

	x = stanza_add_element(stanza_add_element(si, "feature", NS_FEATURE_NEG), "x", NS_XDATA);
	xmpp_stanza_set_type(x, xtype);
	f = stanza_add_element(x, "field", NULL);
	xmpp_stanza_set_attribute(f, "var", "stream-method");
	return f;
}

xmpp_stanza_t *si_offer_build(xmpp_ctx_t *ctx, const char *to, const char *id,
                              const struct si_offer *o)
{
	xmpp_stanza_t *iq = iq_new(ctx, "set", to, id), *si, *file, *f;
	char size[32];

	si = stanza_add_element(iq, "si", NS_SI);
	xmpp_stanza_set_id(si, o->sid);
	xmpp_stanza_set_attribute(si, "profile", NS_SI_FT);
	xmpp_stanza_set_attribute(si, "mime-type",
	                          o->mime != NULL ? o->mime : "application/octet-stream");
	file = stanza_add_element(si, "file", NS_SI_FT);
	xmpp_stanza_set_attribute(file, "name", o->name);
	snprintf(size, sizeof(size), "%lld", o->size);
	xmpp_stanza_set_attribute(file, "size", size);
	if (o->hash != NULL)
		xmpp_stanza_set_attribute(file, "hash", o->hash);
	if (o->date != NULL)
		xmpp_stanza_set_attribute(file, "date", o->date);
	if (o->desc != NULL && o->desc[0] != '\0')
		text_child(file, "desc", o->desc);
	f = method_field(si, "form");
	xmpp_stanza_set_type(f, "list-single");
	for (size_t i = 0; i < o->nmethods; i++)
		text_child(stanza_add_element(f, "option", NULL), "value",
		           si_method_ns(o->methods[i]));
	return iq;
}

static char *dup_attr(xmpp_stanza_t *st, const char *name)
{
	const char *v = xmpp_stanza_get_attribute(st, name);

	return v != NULL ? xstrdup(v) : NULL;
}

static char *dup_text(xmpp_stanza_t *st)
{
	char *t = st != NULL ? xmpp_stanza_get_text(st) : NULL, *r;

	if (t == NULL)
		return NULL;
	r = xstrdup(t);
	xmpp_free(xmpp_stanza_get_context(st), t);
	return r;
}

/* A decimal size, nothing else: no sign, no spaces, no overflow. */
static bool parse_size(const char *s, long long *out)
{
	char *end;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool is_md5_hex(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!isxdigit((unsigned char)s[n]))
			return false;
	return n == 32;
}

/* The stream-method field inside <feature/>, or NULL. */
static xmpp_stanza_t *find_method_field(xmpp_stanza_t *si)
{
	xmpp_stanza_t *feat = xmpp_stanza_get_child_by_name_and_ns(si, "feature", NS_FEATURE_NEG);
	xmpp_stanza_t *x = feat ? xmpp_stanza_get_child_by_name_and_ns(feat, "x", NS_XDATA) : NULL;

	for (xmpp_stanza_t *f = x ? xmpp_stanza_get_children(x) : NULL; f != NULL;
	     f = xmpp_stanza_get_next(f)) {
		const char *name = xmpp_stanza_get_name(f), *var;

		var = xmpp_stanza_get_attribute(f, "var");
		if (name != NULL && strcmp(name, "field") == 0 && var != NULL &&
		    strcmp(var, "stream-method") == 0)
			return f;
	}
	return NULL;
}

static void add_method(struct si_offer *o, const char *ns)
{
	enum si_method m = si_method_from_ns(ns);

	if (m == SI_M_NONE || o->nmethods == SI_MAX_METHODS)
		return;
	for (size_t i = 0; i < o->nmethods; i++)
		if (o->methods[i] == m)
			return;
	o->methods[o->nmethods++] = m;
}

static void parse_options(xmpp_stanza_t *field, struct si_offer *o)
{
	for (xmpp_stanza_t *opt = xmpp_stanza_get_children(field); opt != NULL;
	     opt = xmpp_stanza_get_next(opt)) {
		const char *name = xmpp_stanza_get_name(opt);
		xmpp_stanza_t *v;
		char *ns;

		if (name == NULL || strcmp(name, "option") != 0)
			continue;
		v = xmpp_stanza_get_child_by_name(opt, "value");
		ns = dup_text(v);
		if (ns != NULL)
			add_method(o, ns);
		free(ns);
	}
}

static int fail(const char **cond, const char **why, const char *c, const char *w)
{
	*cond = c;
	*why = w;
	return -1;
}

int si_offer_parse(xmpp_stanza_t *iq, long long max_size, struct si_offer *o, const char **cond,
                   const char **why, bool *no_streams)
{
	xmpp_stanza_t *si = xmpp_stanza_get_child_by_name_and_ns(iq, "si", NS_SI), *file, *field;
	const char *profile, *size;

	memset(o, 0, sizeof(*o));
	*no_streams = false;
	if (si == NULL)
		return fail(cond, why, "bad-request", "no si element");
	o->sid = dup_attr(si, "id");
	o->mime = dup_attr(si, "mime-type");
	profile = xmpp_stanza_get_attribute(si, "profile");
	if (o->sid == NULL || o->sid[0] == '\0' || strlen(o->sid) > 256)
		return fail(cond, why, "bad-request", "missing or bad stream id");
	if (profile == NULL || strcmp(profile, NS_SI_FT) != 0)
		return fail(cond, why, "bad-request", "unknown profile");
	file = xmpp_stanza_get_child_by_name_and_ns(si, "file", NS_SI_FT);
	if (file == NULL)
		return fail(cond, why, "bad-request", "no file element");
	o->name = dup_attr(file, "name");
	o->date = dup_attr(file, "date");
	o->hash = dup_attr(file, "hash");
	o->desc = dup_text(xmpp_stanza_get_child_by_name(file, "desc"));
	if (o->hash != NULL && !is_md5_hex(o->hash)) {
		free(o->hash); /* not an md5 we can check: ignore it */
		o->hash = NULL;
	}
	for (char *p = o->hash; p != NULL && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (o->name == NULL || o->name[0] == '\0')
		return fail(cond, why, "bad-request", "empty file name");
	size = xmpp_stanza_get_attribute(file, "size");
	if (!parse_size(size, &o->size))
		return fail(cond, why, "bad-request", "bad file size");
	if (o->size > max_size)
		return fail(cond, why, "not-acceptable", "file too large");
	field = find_method_field(si);
	if (field != NULL)
		parse_options(field, o);
	if (o->nmethods == 0) {
		*no_streams = true;
		return fail(cond, why, "bad-request", "no stream method we know");
	}
	return 0;
}

void si_offer_free(struct si_offer *o)
{
	free(o->sid);
	free(o->name);
	free(o->hash);
	free(o->date);
	free(o->desc);
	free(o->mime);
	memset(o, 0, sizeof(*o));
}

xmpp_stanza_t *si_answer_build(xmpp_ctx_t *ctx, const char *to, const char *id, enum si_method m)
{
	xmpp_stanza_t *iq = iq_new(ctx, "result", to, id), *si;

	si = stanza_add_element(iq, "si", NS_SI);
	text_child(method_field(si, "submit"), "value", si_method_ns(m));
	return iq;
}

enum si_method si_answer_parse(xmpp_stanza_t *iq, const struct si_offer *offered)
{
	xmpp_stanza_t *si = xmpp_stanza_get_child_by_name_and_ns(iq, "si", NS_SI), *field;

	field = si != NULL ? find_method_field(si) : NULL;
	for (xmpp_stanza_t *v = field ? xmpp_stanza_get_children(field) : NULL; v != NULL;
	     v = xmpp_stanza_get_next(v)) {
		const char *name = xmpp_stanza_get_name(v);
		char *ns;
		enum si_method m;

		if (name == NULL || strcmp(name, "value") != 0)
			continue;
		ns = dup_text(v);
		m = si_method_from_ns(ns);
		free(ns);
		for (size_t i = 0; m != SI_M_NONE && i < offered->nmethods; i++)
			if (offered->methods[i] == m)
				return m;
	}
	return SI_M_NONE;
}

xmpp_stanza_t *si_error_build(xmpp_ctx_t *ctx, const char *to, const char *id, const char *type,
                              const char *cond, bool no_valid_streams)
{
	struct stanza_error e = {.type = type, .condition = cond};

	if (no_valid_streams) {
		e.app_condition = "no-valid-streams";
		e.app_ns = NS_SI;
	}
	return stanza_error_new(ctx, "iq", to, id, &e);
}
