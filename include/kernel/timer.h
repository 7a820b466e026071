/*
 * Kernel timers (Linux's timer_list shape, ns units).  add/cancel/re-arm are
 * O(1) (hierarchical timing wheel), so thousands of TCP timers cost little.
 * Callbacks run in softirq context (TIMER_SOFTIRQ): never concurrently with
 * thread-context kernel code on this non-preemptive kernel, so a callback may
 * touch the same state as syscall code without further locking.  They must
 * not block.  Portable: built on the host against a fake clock.
 *
 * Accuracy: a timer never fires before `expires`; the wheel works in ticks of
 * TIMER_GRANULARITY_NS, so it fires at the first tick boundary at or after
 * `expires` (at most one granule late, plus interrupt latency), whatever its
 * distance.  Timers due in the same tick fire in no particular order.
 * A callback may re-arm or delete itself or any other timer.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <kernel/list.h>

#define TIMER_TICK_SHIFT        20                              /* 2^20 ns ~ 1.05 ms */
#define TIMER_GRANULARITY_NS    (1ULL << TIMER_TICK_SHIFT)

struct timer_list {
    struct list_head entry;     /* wheel slot; empty when not pending */
    u64 expires;                /* absolute ns on the ktime_get_ns() clock */
    void (*function)(struct timer_list *t);
    unsigned wheel_idx;         /* private to kernel/timer.c: the slot `entry` is on */
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t));
/* Arm (or re-arm) t to fire at `expires` ns; returns 1 if it was pending, else 0. */
int mod_timer(struct timer_list *t, u64 expires);
/* Cancel; returns 1 if it was pending, else 0.  Safe on a never-armed timer. */
int del_timer(struct timer_list *t);
static inline bool timer_pending(const struct timer_list *t) { return !list_empty(&t->entry); }

/*
 * Run every timer with expires <= now (TIMER_SOFTIRQ calls it); returns how
 * many ran.  Ends by calling clockevent_program(timer_next_expiry()), so the
 * wheel alone keeps the clock event armed.
 */
unsigned run_timers(u64 now);
/*
 * When run_timers() next has work, or UINT64_MAX when nothing is pending:
 * the earliest expiry rounded up to the granule (so within
 * [expiry, expiry + TIMER_GRANULARITY_NS)), or earlier when a coarse wheel
 * level must first be cascaded towards the fine one.  O(levels), no scan.
 */
u64 timer_next_expiry(void);
/* Start the facility at time `now`; called once by time_init() (tests: to reset). */
void timers_init(u64 now);
/* Number of pending timers (for tests and /proc). */
unsigned timers_pending(void);

#endif
