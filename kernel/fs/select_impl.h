/*
 * Shared by select(2)/pselect6 (kernel/fs/select.c) and poll(2)/ppoll
 * (kernel/fs/poll.c): the per-call waiter (Linux's struct poll_wqueues).
 *
 * The first pass over the fds passes a poll_table whose queueing function
 * hangs one entry per (file, wait queue) on the files' queues, each holding
 * a file reference so the queue outlives the call even if another thread
 * closes the fd.  A wake whose key matches the events asked for sets
 * `triggered` and wakes the caller; later passes only read masks
 * (_qproc = NULL).  poll_freewait() unhooks everything.
 */
#ifndef KERNEL_FS_SELECT_IMPL_H
#define KERNEL_FS_SELECT_IMPL_H

#include <kernel/file.h>
#include <kernel/poll.h>
#include <kernel/wait.h>

#define POLL_INLINE_ENTRIES 8           /* entries on the stack before allocating */
#define POLL_PAGE_ENTRIES   32          /* entries per allocated chunk */

/* Linux's DEFAULT_POLLMASK: a file without f_op->poll is always ready. */
#define DEFAULT_POLLMASK (EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM)

struct poll_table_entry {
    struct file *filp;                  /* a reference, dropped by poll_freewait() */
    unsigned key;                       /* events the caller asked for on this file */
    struct wait_queue_entry wait;       /* func = pollwake, private = the poll_wqueues */
    struct wait_queue_head *wait_address;
};

struct poll_table_page {
    struct poll_table_page *next;
    unsigned used;
    struct poll_table_entry entries[POLL_PAGE_ENTRIES];
};

struct poll_wqueues {
    poll_table pt;
    struct thread *polling_task;
    int triggered;                      /* a matching wake came since the last sleep */
    int error;                          /* -ENOMEM once an entry could not be allocated */
    unsigned inline_used;
    struct poll_table_page *pages;
    struct poll_table_entry inline_entries[POLL_INLINE_ENTRIES];
};

void poll_initwait(struct poll_wqueues *pwq);
void poll_freewait(struct poll_wqueues *pwq);
/* Sleep until a matching wake or end_ns (select.h deadline); false once the deadline passed. */
bool poll_schedule(struct poll_wqueues *pwq, u64 end_ns);
/* f's readiness (DEFAULT_POLLMASK without f_op->poll), registering through pt. */
unsigned vfs_poll(struct file *f, poll_table *pt);

/* How the remaining time goes back to the user (Linux's poll_time_type). */
enum poll_time_type { PT_TIMEVAL, PT_TIMESPEC };
/*
 * Write the time left before end_ns to the user's timeout (select, ppoll,
 * pselect6 do; not for a zero timeout, and a failed write is ignored as in
 * Linux, which would rather lose the update than fail a finished call).
 * Returns ret.
 */
long poll_select_finish(u64 end_ns, void *utime, enum poll_time_type type, long ret);

#endif
