/*
 * Wait queues: the one blocking primitive (Linux-shaped).
 *
 * Contract (wq is always a struct wait_queue_head *):
 *  - wait_event(wq, cond) returns once cond is true.  cond is evaluated before
 *    sleeping and again after every wake, with the waiter already queued and
 *    marked TASK_UNINTERRUPTIBLE, so a waker that makes cond true and then calls
 *    wake_up() can never be missed.
 *  - Wakers change the state first, then call wake_up*().
 *  - wake_up(wq) wakes every non-exclusive waiter and at most one exclusive
 *    waiter (the one queued first); wake_up_all(wq) wakes everyone;
 *    wake_up_nr(wq, n) wakes up to n exclusive waiters.  Exclusive waiters queue
 *    at the tail, non-exclusive at the head, as in Linux.  A waiter that a
 *    wake reached leaves the queue at once (autoremove), so the next wake_up()
 *    reaches the next exclusive waiter even before the first one has run; a
 *    woken waiter that finds cond false again re-queues at its end.
 *  - wait_event_timeout(wq, cond, timeout_ns) returns 0 if the time ran out
 *    with cond false, otherwise the ns left (at least 1).
 *  - wake_up*() may be called from interrupt context; waiting may not.
 *  - A custom wake function (struct wait_queue_entry.func) lets poll/epoll
 *    get a callback instead of a thread wake (Linux ep_poll_callback); `key`
 *    carries the event mask.  It returns nonzero when it woke something, which
 *    counts against the exclusive budget.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>

#define WQ_FLAG_EXCLUSIVE 0x01

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, unsigned mode,
                                 int flags, void *key);

struct wait_queue_entry {
    unsigned flags;
    void *private;              /* the waiting thread for default_wake_function */
    wait_queue_func_t func;
    struct list_head entry;
};

struct wait_queue_head {
    spinlock_t lock;
    struct list_head head;
};

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) { SPINLOCK_INIT, LIST_HEAD_INIT((name).head) }
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

void init_waitqueue_head(struct wait_queue_head *wq);
/*
 * Prepare an entry for the current thread: func = autoremove_wake_function,
 * so a successful wake also unqueues it (prepare_to_wait* queues it again).
 */
void init_wait_entry(struct wait_queue_entry *e, unsigned flags);
/* Wake e->private (a struct thread); 1 if it was blocked, 0 if already running. */
int default_wake_function(struct wait_queue_entry *e, unsigned mode, int flags, void *key);
/* default_wake_function, and unqueue e when it woke the thread (Linux's). */
int autoremove_wake_function(struct wait_queue_entry *e, unsigned mode, int flags, void *key);

/* Queue e at the head (non-exclusive) or the tail (exclusive); e must not be queued. */
void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e);
void add_wait_queue_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *e);
/* Unqueue e; a no-op if a wake function already removed it. */
void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e);
/* Queue e (once) and set the current state; the building block of wait_event. */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e, int state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *e, int state);
/* Back to TASK_RUNNING and unqueue e if still queued. */
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e);

/*
 * Call every entry's func in queue order until nr_exclusive exclusive entries
 * have reported a wake (nr_exclusive <= 0: no limit); returns how many
 * exclusive entries woke.  Irq-safe.
 */
int __wake_up(struct wait_queue_head *wq, unsigned mode, int nr_exclusive, void *key);
#define wake_up(wq)          __wake_up(wq, TASK_UNINTERRUPTIBLE, 1, NULL)
#define wake_up_nr(wq, nr)   __wake_up(wq, TASK_UNINTERRUPTIBLE, nr, NULL)
#define wake_up_all(wq)      __wake_up(wq, TASK_UNINTERRUPTIBLE, 0, NULL)
#define wake_up_poll(wq, m)  __wake_up(wq, TASK_UNINTERRUPTIBLE, 1, (void *)(unsigned long)(m))
/* Unlocked peek: only a hint unless the caller excludes wakers and waiters. */
static inline bool waitqueue_active(struct wait_queue_head *wq) { return !list_empty(&wq->head); }

/*
 * The body of every wait_event variant: the ns left, 0 when the time ran out
 * with cond still false, at least 1 when cond became true (even at the very
 * end of the time).  cond is checked after queueing and setting the state
 * (no lost wakeup); each schedule_timeout() consumes part of the budget.
 */
#define ___wait_event(wq, cond, excl, timeout_ns)                            \
    ({                                                                      \
        struct wait_queue_entry __we;                                       \
        u64 __left = (timeout_ns);                                          \
        init_wait_entry(&__we, (excl) ? WQ_FLAG_EXCLUSIVE : 0);             \
        for (;;) {                                                          \
            prepare_to_wait_event(wq, &__we, TASK_UNINTERRUPTIBLE);         \
            if (cond) {                                                     \
                if (__left == 0)                                            \
                    __left = 1;                                             \
                break;                                                      \
            }                                                               \
            if (__left == 0)                                                \
                break;                                                      \
            __left = schedule_timeout(__left);                              \
        }                                                                   \
        finish_wait(wq, &__we);                                             \
        __left;                                                             \
    })

/* Like prepare_to_wait[_exclusive] by the entry's own flags. */
void prepare_to_wait_event(struct wait_queue_head *wq, struct wait_queue_entry *e, int state);

/* Fast path first: a true cond costs no queueing. timeout_ns is evaluated once. */
#define __wait_event_timeout(wq, cond, excl, timeout_ns)                     \
    ({                                                                      \
        u64 __t = (timeout_ns);                                             \
        (cond) ? (__t ? __t : 1) : ___wait_event(wq, cond, excl, __t);      \
    })

#define WAIT_FOREVER UINT64_MAX
#define wait_event(wq, cond)                                                \
    do { if (!(cond)) (void)___wait_event(wq, cond, 0, WAIT_FOREVER); } while (0)
#define wait_event_exclusive(wq, cond)                                      \
    do { if (!(cond)) (void)___wait_event(wq, cond, 1, WAIT_FOREVER); } while (0)
/* u64: 0 if timeout_ns ran out with cond false, else the ns left (>= 1). */
#define wait_event_timeout(wq, cond, timeout_ns)                            \
    __wait_event_timeout(wq, cond, 0, timeout_ns)
#define wait_event_exclusive_timeout(wq, cond, timeout_ns)                  \
    __wait_event_timeout(wq, cond, 1, timeout_ns)

#endif
