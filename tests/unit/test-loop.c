/* The poll loop: prepare hooks run by phase, and an idle loop sleeps until
 * a file descriptor or a timer wakes it. */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "loop.h"

struct pass {
	struct loop *loop;
	int produced; /* what the work hook made in this pass */
	int drawn;    /* what the output hook saw of it */
	int order[4];
	int norder;
};

static bool work_hook(void *ud)
{
	struct pass *p = ud;

	p->produced++;
	p->order[p->norder++ % 4] = 1;
	return false;
}

static bool output_hook(void *ud)
{
	struct pass *p = ud;

	p->drawn = p->produced;
	p->order[p->norder++ % 4] = 2;
	loop_quit(p->loop);
	return false;
}

Test(loop, output_hooks_run_after_work_hooks_added_later)
{
	struct pass p = {.loop = loop_new()};

	/* The screen registers first (at start-up), the session later (at
	 * /connect): what the session reads must still be drawn in the
	 * same pass, not when some later input wakes the loop. */
	loop_prepare_add(p.loop, LOOP_PHASE_OUTPUT, output_hook, &p);
	loop_prepare_add(p.loop, LOOP_PHASE_WORK, work_hook, &p);
	loop_run(p.loop);
	cr_assert_eq(p.produced, 1);
	cr_assert_eq(p.drawn, 1, "the output hook ran before the work hook");
	cr_assert_eq(p.norder, 2);
	cr_assert_eq(p.order[0], 1);
	cr_assert_eq(p.order[1], 2);
	loop_free(p.loop);
}

struct wake {
	struct loop *loop;
	int pipe[2];
	int readable;
};

static void on_timer(void *ud)
{
	struct wake *w = ud;

	cr_assert_eq(write(w->pipe[1], "x", 1), 1);
}

static void on_readable(int fd, short revents, void *ud)
{
	struct wake *w = ud;
	char c;

	cr_assert(revents & POLLIN);
	cr_assert_eq(read(fd, &c, 1), 1);
	w->readable++;
	loop_quit(w->loop);
}

Test(loop, sleeps_until_a_timer_or_a_descriptor_wakes_it)
{
	struct wake w = {.loop = loop_new()};

	cr_assert_eq(pipe(w.pipe), 0);
	loop_fd_set(w.loop, w.pipe[0], POLLIN, on_readable, &w);
	loop_timer_add(w.loop, 30, on_timer, &w);
	loop_run(w.loop);
	cr_assert_eq(w.readable, 1);
	/* One wake-up for the timer, one for the pipe: no polling between. */
	cr_assert_leq(loop_wakeups(w.loop), 2, "%llu wake-ups",
	              (unsigned long long)loop_wakeups(w.loop));
	loop_free(w.loop);
	close(w.pipe[0]);
	close(w.pipe[1]);
}

struct fired {
	struct loop *loop;
	int a, b;
};

static void fire_a(void *ud)
{
	((struct fired *)ud)->a++;
}

static void fire_b(void *ud)
{
	struct fired *f = ud;

	f->b++;
	loop_quit(f->loop);
}

static void quit_timer(void *ud)
{
	loop_quit(ud);
}

/* Handles kept after their timers were cancelled must not cancel the
 * timers added after them: with pointers, the same memory came back. */
Test(loop, a_stale_timer_cancel_is_harmless, .timeout = 10)
{
	struct fired f = {.loop = loop_new()};
	struct loop_timer *stale[64];

	loop_timer_add(f.loop, 20, quit_timer, f.loop);
	for (size_t i = 0; i < 64; i++)
		stale[i] = loop_timer_add(f.loop, 0, fire_b, &f);
	for (size_t i = 0; i < 64; i++)
		loop_timer_del(f.loop, stale[i]);
	for (size_t i = 0; i < 64; i++)
		loop_timer_add(f.loop, 1, fire_a, &f);
	for (size_t i = 0; i < 64; i++)
		loop_timer_del(f.loop, stale[i]);
	loop_timer_del(f.loop, NULL);
	loop_run(f.loop);
	cr_expect_eq(f.b, 0, "a cancelled timer fired");
	cr_expect_eq(f.a, 64, "stale cancels removed %d live timers", 64 - f.a);
	loop_free(f.loop);
}

struct hooks {
	struct loop *loop;
	int ran[12];
	int signalled;
};

static struct hooks *hooks_of; /* for the hooks' index */

static bool count_hook(void *ud)
{
	int *ran = ud;

	(*ran)++;
	if (ran == &hooks_of->ran[11])
		loop_quit(hooks_of->loop);
	return false;
}

/* The table had room for eight hooks and dropped the ninth silently. */
Test(loop, a_ninth_prepare_hook_runs, .timeout = 10)
{
	struct hooks h = {.loop = loop_new()};

	hooks_of = &h;
	for (int i = 0; i < 12; i++)
		loop_prepare_add(h.loop, i % 2 ? LOOP_PHASE_OUTPUT : LOOP_PHASE_WORK, count_hook,
		                 &h.ran[i]);
	loop_run(h.loop);
	for (int i = 0; i < 12; i++)
		cr_expect_eq(h.ran[i], 1, "hook %d ran %d times", i, h.ran[i]);
	loop_free(h.loop);
}

static void other_signal(int signo, void *ud)
{
	(void)signo;
	(void)ud;
}

static void ninth_signal(int signo, void *ud)
{
	struct hooks *h = ud;

	cr_expect_eq(signo, SIGUSR1);
	h->signalled++;
	loop_quit(h->loop);
}

Test(loop, a_ninth_signal_handler_runs, .timeout = 10)
{
	struct hooks h = {.loop = loop_new()};

	for (int i = 0; i < 8; i++)
		loop_signal(h.loop, SIGUSR2, other_signal, &h);
	loop_signal(h.loop, SIGUSR1, ninth_signal, &h);
	cr_assert_eq(raise(SIGUSR1), 0);
	loop_run(h.loop);
	cr_expect_eq(h.signalled, 1);
	loop_free(h.loop);
}
