/*
 * poll(2) and ppoll(2) (Linux's do_sys_poll in fs/select.c).  Above: the
 * syscalls.  Below: the per-call waiter shared with select
 * (select_impl.h) and each file's f_op->poll.
 *
 * revents are the file's mask filtered by events | POLLERR | POLLHUP;
 * POLLNVAL for an fd that is not open; 0 for a negative fd.  They are
 * written back for every entry, whatever the outcome.
 */
#include <asm/poll.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/process.h>
#include <kernel/select.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include "select_impl.h"

#define POLL_STACK_FDS  32              /* struct pollfd kept on the stack before allocating */

_Static_assert(sizeof(struct pollfd) == 8, "struct pollfd is 8 bytes");

/* One entry (Linux's do_pollfd): its revents, also returned. */
static unsigned do_pollfd(struct pollfd *pfd, poll_table *pt)
{
    unsigned mask = 0, filter;
    struct file *f;

    if (pfd->fd >= 0) {
        mask = EPOLLNVAL;
        f = fget(&init_process.files, pfd->fd);
        if (f) {
            filter = (u16)pfd->events | EPOLLERR | EPOLLHUP;
            pt->_key = filter;
            mask = vfs_poll(f, pt) & filter;
            fput(f);
        }
    }
    pfd->revents = (short)mask;
    return mask;
}

/* The entries with revents set; hooks onto queues only on the first pass. */
static int do_poll(struct pollfd *fds, unsigned nfds, struct poll_wqueues *wait, u64 end_ns)
{
    bool timed_out = end_ns == 0;
    int count;

    if (timed_out)
        wait->pt._qproc = NULL;
    for (;;) {
        count = 0;
        for (unsigned i = 0; i < nfds; i++) {
            if (do_pollfd(&fds[i], &wait->pt)) {
                count++;
                wait->pt._qproc = NULL;     /* found one: no need to hook any further queue */
            }
        }
        wait->pt._qproc = NULL;
        if (!count)
            count = wait->error;
        if (count || timed_out)
            return count;
        timed_out = !poll_schedule(wait, end_ns);
    }
}

static long do_sys_poll(struct pollfd *ufds, unsigned nfds, u64 end_ns)
{
    struct pollfd stack_fds[POLL_STACK_FDS], *fds = stack_fds;
    struct poll_wqueues table;
    long ret;

    if (nfds > init_process.files.max_fds)
        return -EINVAL;
    if (nfds > POLL_STACK_FDS && !(fds = kmalloc(nfds * sizeof(*fds))))
        return -ENOMEM;
    ret = -EFAULT;
    if (copy_from_user(fds, ufds, nfds * sizeof(*fds)))
        goto out;
    poll_initwait(&table);
    ret = do_poll(fds, nfds, &table, end_ns);
    poll_freewait(&table);
    for (unsigned i = 0; i < nfds; i++) {
        if (put_user(fds[i].revents, &ufds[i].revents)) {
            ret = -EFAULT;
            break;
        }
    }
out:
    if (fds != stack_fds)
        kfree(fds);
    return ret;
}

/* poll(2): a negative timeout waits forever; the remaining time is not reported. */
static long sys_poll(unsigned long ufds, unsigned long nfds, unsigned long timeout_ms,
                     unsigned long a3, unsigned long a4, unsigned long a5)
{
    return do_sys_poll((struct pollfd *)ufds, (unsigned)nfds, poll_deadline_ms((int)timeout_ms));
}
SYSCALL_DEFINE(poll, sys_poll);

/* ppoll(2): NULL timeout waits forever; the time left is written back (Linux does). */
static long sys_ppoll(unsigned long ufds, unsigned long nfds, unsigned long uts,
                      unsigned long umask, unsigned long sigsetsize, unsigned long a5)
{
    struct { s64 sec, nsec; } ts;
    u64 end_ns = WAIT_FOREVER, saved;
    long ret;

    if (uts) {
        if (copy_from_user(&ts, (void *)uts, sizeof(ts)))
            return -EFAULT;
        if (poll_select_set_timeout(&end_ns, ts.sec, ts.nsec))
            return -EINVAL;
    }
    ret = set_user_sigmask((const void *)umask, sigsetsize, &saved);
    if (ret)
        return ret;
    ret = do_sys_poll((struct pollfd *)ufds, (unsigned)nfds, end_ns);
    restore_saved_sigmask(saved);
    return poll_select_finish(end_ns, (void *)uts, PT_TIMESPEC, ret);
}
SYSCALL_DEFINE(ppoll, sys_ppoll);
