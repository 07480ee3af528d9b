/* The shutdown's stages: the last added runs first, a holding stage stops
 * the rest until it releases, a second request is passed to the holding
 * stage, and the loop ends only when no stage holds. */
#include <criterion/criterion.h>
#include <string.h>

#include "app.h"
#include "loop.h"

struct stage {
	struct app *app;
	char name;
	bool hold;       /* hold when asked first */
	bool hold_again; /* keep holding when asked again */
	int asked, again;
};

static char order[16];
static size_t norder;

static bool stage_fn(void *ud, bool again)
{
	struct stage *st = ud;

	order[norder++ % sizeof(order)] = again ? (char)(st->name - 'a' + 'A') : st->name;
	if (again) {
		st->again++;
		return st->hold_again;
	}
	st->asked++;
	return st->hold;
}

static struct app app;

static void setup(void)
{
	memset(&app, 0, sizeof(app));
	memset(order, 0, sizeof(order));
	norder = 0;
	app.loop = loop_new();
}

static void teardown(void)
{
	app_free_stages(&app);
	loop_free(app.loop);
}

TestSuite(shutdown, .init = setup, .fini = teardown, .timeout = 10);

Test(shutdown, stages_run_last_added_first_and_quit)
{
	struct stage a = {.app = &app, .name = 'a'}, b = {.app = &app, .name = 'b'};

	app_add_stage(&app, stage_fn, &a);
	app_add_stage(&app, stage_fn, &b);
	app_shutdown(&app);
	cr_expect(app.quitting);
	cr_expect_str_eq(order, "ba");
	/* Nothing held: the loop was told to end, so it returns at once. */
	loop_run(app.loop);
}

static void release_b(void *ud)
{
	struct stage *st = ud;

	app_release(st->app, st);
}

Test(shutdown, a_hold_waits_for_its_release)
{
	struct stage a = {.app = &app, .name = 'a'}, b = {.app = &app, .name = 'b', .hold = true};

	app_add_stage(&app, stage_fn, &a);
	app_add_stage(&app, stage_fn, &b);
	app_shutdown(&app);
	cr_expect_str_eq(order, "b", "a ran before b released");
	/* Someone else's release does not end b's hold. */
	app_release(&app, &a);
	loop_timer_add(app.loop, 5, release_b, &b);
	loop_run(app.loop);
	cr_expect_str_eq(order, "ba");
	cr_expect_eq(a.asked, 1);
	cr_expect_eq(b.asked, 1);
}

Test(shutdown, second_request_goes_to_the_holding_stage)
{
	struct stage a = {.app = &app, .name = 'a', .hold = true, .hold_again = true};
	struct stage b = {.app = &app, .name = 'b', .hold = true};

	app_add_stage(&app, stage_fn, &a);
	app_add_stage(&app, stage_fn, &b);
	app_shutdown(&app);
	/* b gives up when asked again; a is asked next and holds. */
	app_shutdown(&app);
	cr_expect_str_eq(order, "bBa");
	/* a keeps holding when asked again. */
	app_shutdown(&app);
	cr_expect_str_eq(order, "bBaA");
	loop_timer_add(app.loop, 5, release_b, &a);
	loop_run(app.loop);
	cr_expect_str_eq(order, "bBaA");
	/* After the release nothing runs again. */
	app_shutdown(&app);
	cr_expect_str_eq(order, "bBaA");
}

Test(shutdown, without_stages_the_loop_ends)
{
	app_shutdown(&app);
	loop_run(app.loop);
	cr_expect(app.quitting);
}

/* The session may close at once, inside its own stage: its release must
 * not be lost, or the loop would never end. */
static bool release_at_once(void *ud, bool again)
{
	struct stage *st = ud;

	(void)again;
	st->asked++;
	app_release(st->app, st);
	return true;
}

Test(shutdown, release_inside_the_stage_counts)
{
	struct stage a = {.app = &app, .name = 'a'}, b = {.app = &app, .name = 'b'};

	app_add_stage(&app, stage_fn, &a);
	app_add_stage(&app, release_at_once, &b);
	app_shutdown(&app);
	cr_expect_eq(b.asked, 1);
	cr_expect_str_eq(order, "a");
	loop_run(app.loop);
}
