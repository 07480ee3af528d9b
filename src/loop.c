/* One poll(2) loop. Timers are kept in a small unsorted array: jabiru has a
 * handful at a time (connect deadline, keepalive, transfers), so a linear
 * scan is cheaper and simpler than a heap. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "util/str.h"

struct watch {
	int fd;
	short events;
	loop_fd_cb cb;
	void *ud;
};

/* A timer; callers hold only its id, as the struct loop_timer * handle
 * (never dereferenced): ids are never reused, so cancelling one that fired
 * or was cancelled already finds nothing, and cannot cancel another. */
struct timer {
	uintptr_t id;
	uint64_t due;
	loop_timer_cb cb;
	void *ud;
	struct timer *next;
};

struct prepare {
	loop_prepare_cb cb;
	void *ud;
	enum loop_phase phase;
};

struct loop {
	struct watch *watches;
	size_t nwatches;
	size_t capwatches;
	struct pollfd *pfds;
	struct timer *timers;
	uintptr_t last_timer_id;
	struct prepare *prepares; /* grown as hooks are added */
	size_t nprepares;
	struct sig {
		int signo;
		loop_signal_cb cb;
		void *ud;
	} * sigs; /* grown as handlers are added */
	size_t nsigs;
	int sigpipe[2];
	bool quit;
	uint64_t wakeups;
};

/* The self-pipe must be reachable from the async signal handler. */
static int loop_sigpipe_w = -1;

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void set_cloexec_nonblock(int fd)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

struct loop *loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));

	if (pipe(l->sigpipe) == -1) {
		free(l);
		return NULL;
	}
	set_cloexec_nonblock(l->sigpipe[0]);
	set_cloexec_nonblock(l->sigpipe[1]);
	l->capwatches = 8;
	l->watches = xcalloc(l->capwatches, sizeof(*l->watches));
	l->pfds = xcalloc(l->capwatches + 1, sizeof(*l->pfds));
	loop_sigpipe_w = l->sigpipe[1];
	return l;
}

void loop_free(struct loop *l)
{
	struct timer *t, *next;

	if (l == NULL)
		return;
	for (t = l->timers; t != NULL; t = next) {
		next = t->next;
		free(t);
	}
	for (size_t i = 0; i < l->nsigs; i++)
		signal(l->sigs[i].signo, SIG_DFL);
	close(l->sigpipe[0]);
	close(l->sigpipe[1]);
	loop_sigpipe_w = -1;
	free(l->watches);
	free(l->pfds);
	free(l->prepares);
	free(l->sigs);
	free(l);
}

static struct watch *find_watch(struct loop *l, int fd)
{
	for (size_t i = 0; i < l->nwatches; i++)
		if (l->watches[i].fd == fd)
			return &l->watches[i];
	return NULL;
}

void loop_fd_set(struct loop *l, int fd, short events, loop_fd_cb cb, void *ud)
{
	struct watch *w = find_watch(l, fd);

	if (w == NULL) {
		if (l->nwatches == l->capwatches) {
			l->capwatches = l->capwatches ? l->capwatches * 2 : 8;
			l->watches = xrealloc(l->watches, l->capwatches * sizeof(*l->watches));
			l->pfds = xrealloc(l->pfds, (l->capwatches + 1) * sizeof(*l->pfds));
		}
		w = &l->watches[l->nwatches++];
	}
	w->fd = fd;
	w->events = events;
	w->cb = cb;
	w->ud = ud;
}

void loop_fd_events(struct loop *l, int fd, short events)
{
	struct watch *w = find_watch(l, fd);

	if (w != NULL)
		w->events = events;
}

void loop_fd_del(struct loop *l, int fd)
{
	struct watch *w = find_watch(l, fd);

	if (w == NULL)
		return;
	/* Mark rather than move: loop_run may be iterating the array. */
	w->fd = -1;
	w->cb = NULL;
}

static void compact_watches(struct loop *l)
{
	size_t j = 0;

	for (size_t i = 0; i < l->nwatches; i++)
		if (l->watches[i].fd >= 0)
			l->watches[j++] = l->watches[i];
	l->nwatches = j;
}

struct loop_timer *loop_timer_add(struct loop *l, uint64_t ms, loop_timer_cb cb, void *ud)
{
	struct timer *t = xcalloc(1, sizeof(*t));

	t->id = ++l->last_timer_id;
	t->due = loop_now_ms() + ms;
	t->cb = cb;
	t->ud = ud;
	t->next = l->timers;
	l->timers = t;
	return (struct loop_timer *)t->id;
}

static void timer_unlink(struct loop *l, uintptr_t id)
{
	struct timer **pp, *t;

	for (pp = &l->timers; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->id == id) {
			t = *pp;
			*pp = t->next;
			free(t);
			return;
		}
	}
}

void loop_timer_del(struct loop *l, struct loop_timer *t)
{
	if (t != NULL)
		timer_unlink(l, (uintptr_t)t);
}

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	if (loop_sigpipe_w >= 0)
		(void)!write(loop_sigpipe_w, &b, 1);
	errno = saved;
}

void loop_signal(struct loop *l, int signo, loop_signal_cb cb, void *ud)
{
	struct sigaction sa;

	l->sigs = xrealloc(l->sigs, (l->nsigs + 1) * sizeof(*l->sigs));
	l->sigs[l->nsigs].signo = signo;
	l->sigs[l->nsigs].cb = cb;
	l->sigs[l->nsigs].ud = ud;
	l->nsigs++;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(signo, &sa, NULL);
}

void loop_prepare_add(struct loop *l, enum loop_phase phase, loop_prepare_cb cb, void *ud)
{
	size_t i;

	l->prepares = xrealloc(l->prepares, (l->nprepares + 1) * sizeof(*l->prepares));
	/* Kept sorted by phase, in the order added within a phase. */
	for (i = l->nprepares; i > 0 && l->prepares[i - 1].phase > phase; i--)
		l->prepares[i] = l->prepares[i - 1];
	l->prepares[i].cb = cb;
	l->prepares[i].ud = ud;
	l->prepares[i].phase = phase;
	l->nprepares++;
}

void loop_quit(struct loop *l)
{
	l->quit = true;
}

uint64_t loop_wakeups(const struct loop *l)
{
	return l->wakeups;
}

static void dispatch_signals(struct loop *l)
{
	unsigned char b[64];
	ssize_t n;

	while ((n = read(l->sigpipe[0], b, sizeof(b))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			for (size_t s = 0; s < l->nsigs; s++)
				if (l->sigs[s].signo == b[i])
					l->sigs[s].cb(b[i], l->sigs[s].ud);
	}
}

/* Fires due timers one at a time: a callback may add or delete timers. */
static void fire_timers(struct loop *l)
{
	uint64_t now = loop_now_ms();
	struct timer *t;

	for (;;) {
		for (t = l->timers; t != NULL; t = t->next)
			if (t->due <= now)
				break;
		if (t == NULL)
			return;
		loop_timer_cb cb = t->cb;
		void *ud = t->ud;
		timer_unlink(l, t->id);
		cb(ud);
	}
}

static int next_timeout(struct loop *l)
{
	uint64_t now = loop_now_ms(), best = UINT64_MAX;

	for (struct timer *t = l->timers; t != NULL; t = t->next)
		if (t->due < best)
			best = t->due;
	if (best == UINT64_MAX)
		return -1;
	if (best <= now)
		return 0;
	return best - now > 86400000 ? 86400000 : (int)(best - now);
}

void loop_run(struct loop *l)
{
	while (!l->quit) {
		bool busy = false;
		size_t n = 0;
		int timeout, r;

		for (size_t i = 0; i < l->nprepares; i++)
			busy |= l->prepares[i].cb(l->prepares[i].ud);
		if (l->quit)
			break;
		compact_watches(l);
		l->pfds[n].fd = l->sigpipe[0];
		l->pfds[n].events = POLLIN;
		n++;
		for (size_t i = 0; i < l->nwatches; i++, n++) {
			l->pfds[n].fd = l->watches[i].events ? l->watches[i].fd : -1;
			l->pfds[n].events = l->watches[i].events;
			l->pfds[n].revents = 0;
		}
		timeout = busy ? 0 : next_timeout(l);
		r = poll(l->pfds, n, timeout);
		l->wakeups++;
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && (l->pfds[0].revents & POLLIN))
			dispatch_signals(l);
		/* The watch array may change under the callbacks; the pollfd copy
		 * and the fd check keep each callback tied to its own fd. */
		for (size_t i = 1; r > 0 && i < n && !l->quit; i++) {
			struct watch *w;

			if (l->pfds[i].revents == 0 || i - 1 >= l->nwatches)
				continue;
			w = &l->watches[i - 1];
			if (w->fd != l->pfds[i].fd || w->cb == NULL)
				continue;
			w->cb(w->fd, l->pfds[i].revents, w->ud);
		}
		fire_timers(l);
	}
}
