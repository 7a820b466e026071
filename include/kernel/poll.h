/*
 * Readiness for f_op->poll (Linux's include/linux/poll.h, the part files
 * need): the EPOLL* event bits (uapi eventpoll.h values, which poll(2)'s
 * POLL* share) and the poll table through which a waiter (poll, select,
 * epoll: issue 7) hooks itself onto the wait queues a file names.  A file's
 * poll calls poll_wait() for each queue it may be woken from, then returns
 * its current mask; wakers pass the mask that changed as the wake key.
 */
#ifndef KERNEL_POLL_H
#define KERNEL_POLL_H

#include <kernel/types.h>

struct file;
struct wait_queue_head;

#define EPOLLIN         0x00000001u
#define EPOLLPRI        0x00000002u
#define EPOLLOUT        0x00000004u
#define EPOLLERR        0x00000008u
#define EPOLLHUP        0x00000010u
#define EPOLLNVAL       0x00000020u
#define EPOLLRDNORM     0x00000040u
#define EPOLLRDBAND     0x00000080u
#define EPOLLWRNORM     0x00000100u
#define EPOLLWRBAND     0x00000200u
#define EPOLLMSG        0x00000400u
#define EPOLLRDHUP      0x00002000u

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
