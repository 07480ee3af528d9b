#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

const struct ev_decl ev_decls[EVD__COUNT] = {
#define EV_DECL(k, key, t, n) [EVD_##k##_##key] = {k, #key, EVF_##t, EVF_##n},
    EVENT_FIELDS(EV_DECL)
#undef EV_DECL
};

static const char *const kind_names[EV__COUNT] = {
#define EV_NAME(e, name) [e] = name,
    EVENT_KINDS(EV_NAME)
#undef EV_NAME
};

const char *ev_kind_name(enum ev_kind kind)
{
	return kind < EV__COUNT ? kind_names[kind] : "unknown";
}

void ev_init(struct event *ev, enum ev_kind kind)
{
	ev->kind = kind;
	ev->nfields = 0;
}

/* A bug in an emitter or reader. The tests set JABIRU_STRICT_EVENTS so it
 * stops them; a user's run goes on with the event as it is, as before the
 * declaration existed. Read here, at the rare bug, not cached. */
static void violation(const struct event *ev, const char *fmt, ...)
{
	const char *strict = getenv("JABIRU_STRICT_EVENTS");
	va_list ap;

	if (strict == NULL || strict[0] == '\0' || strcmp(strict, "0") == 0)
		return;
	fprintf(stderr, "jabiru: event '%s': ", ev_kind_name(ev->kind));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static const char *const type_names[] = {"string", "number", "bool", "array"};

static const struct ev_decl *declared(enum ev_kind kind, const char *key)
{
	for (size_t i = 0; i < EVD__COUNT; i++)
		if (ev_decls[i].kind == kind && strcmp(ev_decls[i].key, key) == 0)
			return &ev_decls[i];
	return NULL;
}

static const struct ev_field *find(const struct event *ev, const char *key)
{
	for (size_t i = 0; i < ev->nfields; i++)
		if (strcmp(ev->f[i].key, key) == 0)
			return &ev->f[i];
	return NULL;
}

/* The field as its emitter adds it: declared for the kind, with that type,
 * once. Checked before a NULL string is dropped, so an emitter that never
 * fills a field is caught too. */
static void check_add(const struct event *ev, const char *key, enum evf_type type)
{
	const struct ev_decl *d = declared(ev->kind, key);

	if (d == NULL)
		violation(ev, "field '%s' is not declared in EVENT_FIELDS", key);
	else if (d->type != type)
		violation(ev, "field '%s' is declared a %s, added as a %s", key,
		          type_names[d->type], type_names[type]);
	else if (find(ev, key) != NULL)
		violation(ev, "field '%s' is added twice", key);
}

/* Overflowing the field array is a programming error caught by the tests;
 * in a release it drops the field rather than the event. */
static struct ev_field *add(struct event *ev, const char *key, enum evf_type type)
{
	struct ev_field *f;

	if (ev->nfields == EV_MAX_FIELDS) {
		violation(ev, "more than %d fields", EV_MAX_FIELDS);
		return NULL;
	}
	f = &ev->f[ev->nfields++];
	f->key = key;
	f->type = type;
	return f;
}

void ev_str(struct event *ev, const char *key, const char *val)
{
	struct ev_field *f;

	check_add(ev, key, EVF_STR);
	if (val != NULL && (f = add(ev, key, EVF_STR)) != NULL)
		f->u.s = val;
}

void ev_int(struct event *ev, const char *key, long long val)
{
	struct ev_field *f;

	check_add(ev, key, EVF_INT);
	if ((f = add(ev, key, EVF_INT)) != NULL)
		f->u.i = val;
}

void ev_bool(struct event *ev, const char *key, bool val)
{
	struct ev_field *f;

	check_add(ev, key, EVF_BOOL);
	if ((f = add(ev, key, EVF_BOOL)) != NULL)
		f->u.b = val;
}

void ev_strv(struct event *ev, const char *key, const char *const *v, size_t n)
{
	struct ev_field *f;

	check_add(ev, key, EVF_STRV);
	if ((f = add(ev, key, EVF_STRV)) != NULL) {
		f->u.sv.v = v;
		f->u.sv.n = n;
	}
}

void ev_check(const struct event *ev)
{
	for (size_t i = 0; i < EVD__COUNT; i++)
		if (ev_decls[i].kind == ev->kind && ev_decls[i].need == EVF_REQ &&
		    find(ev, ev_decls[i].key) == NULL)
			violation(ev, "required field '%s' is missing", ev_decls[i].key);
}

/* A reader's field: its declaration says the key and type (the macros
 * checked both at build time); the kind it was declared for must be the
 * event's. */
static const struct ev_field *get(const struct event *ev, size_t id, enum evf_type type)
{
	const struct ev_field *f;

	if (id >= EVD__COUNT)
		return NULL;
	if (ev_decls[id].kind != ev->kind)
		violation(ev, "read as '%s', a field of '%s'", ev_decls[id].key,
		          ev_kind_name(ev_decls[id].kind));
	f = find(ev, ev_decls[id].key);
	return f != NULL && f->type == type ? f : NULL;
}

const char *ev_get_str(const struct event *ev, size_t id)
{
	const struct ev_field *f = get(ev, id, EVF_STR);

	return f != NULL ? f->u.s : NULL;
}

long long ev_get_int(const struct event *ev, size_t id, long long dflt)
{
	const struct ev_field *f = get(ev, id, EVF_INT);

	return f != NULL ? f->u.i : dflt;
}

bool ev_get_bool(const struct event *ev, size_t id)
{
	const struct ev_field *f = get(ev, id, EVF_BOOL);

	return f != NULL && f->u.b;
}

const char *const *ev_get_strv(const struct event *ev, size_t id, size_t *n)
{
	const struct ev_field *f = get(ev, id, EVF_STRV);

	*n = f != NULL ? f->u.sv.n : 0;
	return f != NULL ? f->u.sv.v : NULL;
}
