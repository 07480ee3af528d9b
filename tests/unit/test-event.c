/* The event declaration (EVENT_FIELDS in src/event.h): the builder holds
 * every emitter to it under JABIRU_STRICT_EVENTS, lets a user's run go on
 * without it, and the typed readers find what the emitter added. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

static void strict(void)
{
	setenv("JABIRU_STRICT_EVENTS", "1", 1);
}

static void lenient(void)
{
	unsetenv("JABIRU_STRICT_EVENTS");
}

Test(event, declarations_are_sane)
{
	for (size_t i = 0; i < EVD__COUNT; i++) {
		const struct ev_decl *d = &ev_decls[i];

		cr_assert(d->kind < EV__COUNT && d->key != NULL, "declaration %zu is empty", i);
		for (size_t j = 0; j < i; j++)
			cr_expect(ev_decls[j].kind != d->kind ||
			              strcmp(ev_decls[j].key, d->key) != 0,
			          "'%s' of '%s' is declared twice", d->key, ev_kind_name(d->kind));
	}
	/* Every kind carries something; an event with no fields says nothing. */
	for (int k = 0; k < EV__COUNT; k++) {
		bool any = false;

		for (size_t i = 0; i < EVD__COUNT; i++)
			any |= ev_decls[i].kind == (enum ev_kind)k;
		cr_expect(any, "kind '%s' declares no field", ev_kind_name((enum ev_kind)k));
	}
}

Test(event, a_declared_event_passes_and_reads_back, .init = strict)
{
	static const char *const groups[] = {"Friends", "Work"};
	struct event ev;
	size_t n;

	ev_init(&ev, EV_ROSTER);
	ev_str(&ev, "jid", "juliet@example.com");
	ev_str(&ev, "name", NULL); /* omitted */
	ev_strv(&ev, "groups", groups, 2);
	ev_str(&ev, "ask", "subscribe");
	ev_check(&ev);
	cr_assert_str_eq(EV_GET_STR(&ev, EV_ROSTER, jid), "juliet@example.com");
	cr_assert_null(EV_GET_STR(&ev, EV_ROSTER, name));
	cr_assert_eq(EV_GET_STRV(&ev, EV_ROSTER, groups, &n), groups);
	cr_assert_eq(n, 2);
	cr_assert_not(EV_GET_BOOL(&ev, EV_ROSTER, removed));

	ev_init(&ev, EV_PRESENCE);
	ev_str(&ev, "from", "juliet@example.com/balcony");
	ev_str(&ev, "show", "away");
	ev_int(&ev, "priority", -3);
	ev_check(&ev);
	cr_assert_eq(EV_GET_INT(&ev, EV_PRESENCE, priority, 0), -3);
}

Test(event, an_undeclared_field_aborts, .init = strict, .signal = SIGABRT)
{
	struct event ev;

	ev_init(&ev, EV_MESSAGE);
	ev_str(&ev, "thread", NULL); /* even one never filled */
}

Test(event, a_field_of_the_wrong_type_aborts, .init = strict, .signal = SIGABRT)
{
	struct event ev;

	ev_init(&ev, EV_ROSTER);
	ev_bool(&ev, "ask", true); /* the contract says a string */
}

Test(event, a_field_added_twice_aborts, .init = strict, .signal = SIGABRT)
{
	struct event ev;

	ev_init(&ev, EV_INFO);
	ev_str(&ev, "text", "one");
	ev_str(&ev, "text", "two");
}

Test(event, a_missing_required_field_aborts, .init = strict, .signal = SIGABRT)
{
	struct event ev;

	ev_init(&ev, EV_ERROR);
	ev_str(&ev, "code", "usage");
	ev_check(&ev); /* no text */
}

Test(event, reading_another_kinds_field_aborts, .init = strict, .signal = SIGABRT)
{
	struct event ev;

	ev_init(&ev, EV_INFO);
	ev_str(&ev, "text", "hello");
	(void)EV_GET_STR(&ev, EV_ERROR, text);
}

/* Without the switch the event goes out as its emitter made it. */
Test(event, a_users_run_keeps_the_event, .init = lenient)
{
	struct event ev;

	ev_init(&ev, EV_ERROR);
	ev_str(&ev, "code", "usage");
	ev_str(&ev, "extra", "kept");
	ev_check(&ev);
	cr_assert_eq(ev.nfields, 2);
	cr_assert_str_eq(ev.f[1].key, "extra");
	cr_assert_str_eq(EV_GET_STR(&ev, EV_ERROR, code), "usage");
}
