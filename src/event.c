#include "config.h"

#include <string.h>

#include "event.h"

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

/* Overflowing the field array is a programming error caught by the tests;
 * in a release it drops the field rather than the event. */
static struct ev_field *add(struct event *ev, const char *key, enum evf_type type)
{
	struct ev_field *f;

	if (ev->nfields == EV_MAX_FIELDS)
		return NULL;
	f = &ev->f[ev->nfields++];
	f->key = key;
	f->type = type;
	return f;
}

void ev_str(struct event *ev, const char *key, const char *val)
{
	struct ev_field *f;

	if (val != NULL && (f = add(ev, key, EVF_STR)) != NULL)
		f->u.s = val;
}

void ev_int(struct event *ev, const char *key, long long val)
{
	struct ev_field *f = add(ev, key, EVF_INT);

	if (f != NULL)
		f->u.i = val;
}

void ev_bool(struct event *ev, const char *key, bool val)
{
	struct ev_field *f = add(ev, key, EVF_BOOL);

	if (f != NULL)
		f->u.b = val;
}

void ev_strv(struct event *ev, const char *key, const char *const *v, size_t n)
{
	struct ev_field *f = add(ev, key, EVF_STRV);

	if (f != NULL) {
		f->u.sv.v = v;
		f->u.sv.n = n;
	}
}

static const struct ev_field *find(const struct event *ev, const char *key)
{
	for (size_t i = 0; i < ev->nfields; i++)
		if (strcmp(ev->f[i].key, key) == 0)
			return &ev->f[i];
	return NULL;
}

const char *ev_get(const struct event *ev, const char *key)
{
	const struct ev_field *f = find(ev, key);

	return f != NULL && f->type == EVF_STR ? f->u.s : NULL;
}

long long ev_get_int(const struct event *ev, const char *key, long long dflt)
{
	const struct ev_field *f = find(ev, key);

	return f != NULL && f->type == EVF_INT ? f->u.i : dflt;
}

bool ev_get_bool(const struct event *ev, const char *key, bool dflt)
{
	const struct ev_field *f = find(ev, key);

	return f != NULL && f->type == EVF_BOOL ? f->u.b : dflt;
}
