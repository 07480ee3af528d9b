/* The event loop: one poll(2) over file descriptors, with timers, signals
 * delivered through a self-pipe, and "prepare" hooks that run before each
 * sleep. It is the only place in jabiru that sleeps. */
#ifndef JABIRU_LOOP_H
#define JABIRU_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;
struct loop_timer;

typedef void (*loop_fd_cb)(int fd, short revents, void *ud);
typedef void (*loop_timer_cb)(void *ud);
typedef void (*loop_signal_cb)(int signo, void *ud);
/* Runs before each poll(); returns true when it still has work, which makes
 * the next poll() not sleep. */
typedef bool (*loop_prepare_cb)(void *ud);

/* Prepare hooks run by phase, whatever order they were added in: the work
 * hooks (which may read the network and produce events) before the output
 * hooks (which draw them). Otherwise what a work hook produced would wait,
 * undrawn, until something else woke the loop. */
enum loop_phase { LOOP_PHASE_WORK, LOOP_PHASE_OUTPUT };

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Watches fd for events (POLLIN/POLLOUT); replaces an existing watch. */
void loop_fd_set(struct loop *l, int fd, short events, loop_fd_cb cb, void *ud);
void loop_fd_events(struct loop *l, int fd, short events);
void loop_fd_del(struct loop *l, int fd);

/* One-shot timer in ms from now; cancel with loop_timer_del. The handle is
 * an id that is never reused (not a pointer to memory): cancelling a timer
 * that already fired or was cancelled, or NULL, does nothing. */
struct loop_timer *loop_timer_add(struct loop *l, uint64_t ms, loop_timer_cb cb, void *ud);
void loop_timer_del(struct loop *l, struct loop_timer *t);

/* Any number of signal handlers and prepare hooks (the tables grow). */
void loop_signal(struct loop *l, int signo, loop_signal_cb cb, void *ud);
void loop_prepare_add(struct loop *l, enum loop_phase phase, loop_prepare_cb cb, void *ud);

/* Runs until loop_quit(). */
void loop_run(struct loop *l);
void loop_quit(struct loop *l);
uint64_t loop_now_ms(void);
/* Counts poll() wake-ups; the benchmark and tests read it to prove idleness. */
uint64_t loop_wakeups(const struct loop *l);

#endif
