/*
 * Kernel timers (Linux's timer_list shape, ns units).  add/cancel/re-arm are
 * O(1) (hierarchical timing wheel), so thousands of TCP timers cost little.
 * Callbacks run in softirq context (TIMER_SOFTIRQ): never concurrently with
 * thread-context kernel code on this non-preemptive kernel, so a callback may
 * touch the same state as syscall code without further locking.  They must
 * not block.  Portable: built on the host against a fake clock.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <kernel/list.h>

struct timer_list {
    struct list_head entry;     /* wheel slot; empty when not pending */
    u64 expires;                /* absolute ns on the ktime_get_ns() clock */
    void (*function)(struct timer_list *t);
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t));
/* Arm (or re-arm) t to fire at `expires` ns; returns 1 if it was pending, else 0. */
int mod_timer(struct timer_list *t, u64 expires);
/* Cancel; returns 1 if it was pending, else 0.  Safe on a never-armed timer. */
int del_timer(struct timer_list *t);
static inline bool timer_pending(const struct timer_list *t) { return !list_empty(&t->entry); }

/* Run every timer with expires <= now (TIMER_SOFTIRQ calls it); returns how many ran. */
unsigned run_timers(u64 now);
/* Earliest pending expiry, or UINT64_MAX when nothing is pending. */
u64 timer_next_expiry(void);
/* Start the facility at time `now`; called once by time_init(). */
void timers_init(u64 now);
/* Number of pending timers (for tests and /proc). */
unsigned timers_pending(void);

#endif
