/* The poll loop: prepare hooks run by phase, and an idle loop sleeps until
 * a file descriptor or a timer wakes it. */
#include <criterion/criterion.h>
#include <poll.h>
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
