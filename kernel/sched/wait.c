/*
 * Wait queues (include/kernel/wait.h): lists of entries that wake_up*()
 * walks, calling each entry's wake function.  Above: every blocking path
 * (sockets, join, poll/epoll callbacks).  Below: only sched.h's
 * wake_up_process()/set_current_state(), so this file builds on the host
 * against a fake scheduler (tests/unit/test_wait.c).  The queue lock is the
 * interrupt flag (spinlock.h): interrupt handlers may wake.
 */
#include <kernel/wait.h>

void init_waitqueue_head(struct wait_queue_head *wq)
{
    spin_lock_init(&wq->lock);
    INIT_LIST_HEAD(&wq->head);
}

void init_wait_entry(struct wait_queue_entry *e, unsigned flags)
{
    e->flags = flags;
    e->private = current;
    e->func = autoremove_wake_function;
    INIT_LIST_HEAD(&e->entry);
}

int default_wake_function(struct wait_queue_entry *e, unsigned mode, int flags, void *key)
{
    return wake_up_process(e->private);
}

int autoremove_wake_function(struct wait_queue_entry *e, unsigned mode, int flags, void *key)
{
    int woke = default_wake_function(e, mode, flags, key);

    if (woke)
        list_del_init(&e->entry);
    return woke;
}

/* Non-exclusive waiters at the head, exclusive ones at the tail (Linux). Lock held. */
static void __add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    if (e->flags & WQ_FLAG_EXCLUSIVE)
        list_add_tail(&e->entry, &wq->head);
    else
        list_add(&e->entry, &wq->head);
}

void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    unsigned long flags;

    spin_lock_irqsave(&wq->lock, flags);
    e->flags &= ~WQ_FLAG_EXCLUSIVE;
    __add_wait_queue(wq, e);
    spin_unlock_irqrestore(&wq->lock, flags);
}

void add_wait_queue_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    unsigned long flags;

    spin_lock_irqsave(&wq->lock, flags);
    e->flags |= WQ_FLAG_EXCLUSIVE;
    __add_wait_queue(wq, e);
    spin_unlock_irqrestore(&wq->lock, flags);
}

void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    unsigned long flags;

    spin_lock_irqsave(&wq->lock, flags);
    list_del_init(&e->entry);
    spin_unlock_irqrestore(&wq->lock, flags);
}

/*
 * Queueing and the state change happen under the queue lock, so a waker
 * either sees the entry (and resets the state to TASK_RUNNING) or runs
 * before it; the caller's later check of its condition covers the latter.
 */
void prepare_to_wait_event(struct wait_queue_head *wq, struct wait_queue_entry *e, int state)
{
    unsigned long flags;

    spin_lock_irqsave(&wq->lock, flags);
    if (list_empty(&e->entry))
        __add_wait_queue(wq, e);
    set_current_state(state);
    spin_unlock_irqrestore(&wq->lock, flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *e, int state)
{
    e->flags &= ~WQ_FLAG_EXCLUSIVE;
    prepare_to_wait_event(wq, e, state);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq, struct wait_queue_entry *e, int state)
{
    e->flags |= WQ_FLAG_EXCLUSIVE;
    prepare_to_wait_event(wq, e, state);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *e)
{
    set_current_state(TASK_RUNNING);
    remove_wait_queue(wq, e);
}

/*
 * Entries may unqueue themselves (autoremove), hence the _safe walk; a
 * wake function must not remove any other entry.
 */
int __wake_up(struct wait_queue_head *wq, unsigned mode, int nr_exclusive, void *key)
{
    struct wait_queue_entry *e, *next;
    unsigned long flags;
    int woken_exclusive = 0;

    spin_lock_irqsave(&wq->lock, flags);
    list_for_each_entry_safe(e, next, &wq->head, entry) {
        unsigned eflags = e->flags;     /* e may be gone once func returns */

        if (!e->func(e, mode, 0, key) || !(eflags & WQ_FLAG_EXCLUSIVE))
            continue;
        woken_exclusive++;
        if (woken_exclusive == nr_exclusive)
            break;
    }
    spin_unlock_irqrestore(&wq->lock, flags);
    return woken_exclusive;
}
