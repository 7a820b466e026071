/*
 * Readiness for f_op->poll (Linux's include/linux/poll.h, the part files
 * need): the EPOLL* event bits (<linux/eventpoll.h>; poll(2)'s POLL* have
 * the same values on x86-64) and the poll table through which a waiter (poll, select,
 * epoll: issue 7) hooks itself onto the wait queues a file names.  A file's
 * poll calls poll_wait() for each queue it may be woken from, then returns
 * its current mask; wakers pass the mask that changed as the wake key.
 */
#ifndef KERNEL_POLL_H
#define KERNEL_POLL_H

#include <kernel/types.h>

struct file;
struct wait_queue_head;

/*
 * EPOLL* bits, EPOLL_CTL_*, EPOLL_CLOEXEC and struct epoll_event (packed on
 * x86-64, 12 bytes): Linux's uapi header is the spec, as for fcntl.
 */
#include <linux/eventpoll.h>
_Static_assert(sizeof(struct epoll_event) == 12, "struct epoll_event is packed on x86-64");

struct poll_table_struct;
typedef void (*poll_queue_proc)(struct file *f, struct wait_queue_head *wq,
                                struct poll_table_struct *pt);

/* What the waiter wants to hear about: its queueing function and the events it asked for. */
typedef struct poll_table_struct {
    poll_queue_proc _qproc;     /* NULL: only the mask is wanted (no queueing) */
    unsigned _key;              /* events of interest (~0 for all) */
} poll_table;

/* Register the waiter behind pt on wq (no-op without a table or a queueing function). */
static inline void poll_wait(struct file *f, struct wait_queue_head *wq, poll_table *pt)
{
    if (pt && pt->_qproc && wq)
        pt->_qproc(f, wq, pt);
}

#endif
