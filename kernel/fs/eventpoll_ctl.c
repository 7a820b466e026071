/*
 * epoll_create(2), epoll_create1 and epoll_ctl(2) (Linux's do_epoll_ctl):
 * the argument checks in Linux's order, so a call breaking several rules
 * gets Linux's errno, and the loop check for epoll inside epoll.  Above:
 * the syscalls.  Below: the instance and its items (eventpoll.c).
 */
#include <kernel/errno.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include "eventpoll_impl.h"

/* Events EPOLLEXCLUSIVE may come with (Linux's EPOLLEXCLUSIVE_OK_BITS). */
#define EPOLLEXCLUSIVE_OK_BITS (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | \
                                EPOLLET | EPOLLEXCLUSIVE)

static struct fdtable *files(void) { return &init_process.files; }

/* --- epoll of epoll: loops and depth (Linux's ep_loop_check) -------------- */

/* How deep below `ep` the nesting goes (0: it watches no epoll), or -1 if it reaches `target`. */
static int ep_depth_below(struct eventpoll *ep, struct eventpoll *target, int depth)
{
    struct epitem *epi;
    int max = 0;

    list_for_each_entry(epi, &ep->nested, nestlink) {
        struct eventpoll *sub = epi->file->private_data;
        int d;

        if (sub == target || depth > EP_MAX_NESTS)
            return -1;
        d = ep_depth_below(sub, target, depth + 1);
        if (d < 0)
            return -1;
        max = MAX(max, d + 1);
    }
    return max;
}

/* How many epolls are stacked above ep, through the watch list of its own file. */
static int ep_depth_above(struct eventpoll *ep)
{
    struct file_watch *w = ep->file->f_watch;
    struct epitem *epi;
    int max = 0;

    if (!w)
        return 0;
    list_for_each_entry(epi, &container_of(w, struct ep_file_watch, w)->items, fllink)
        max = MAX(max, 1 + ep_depth_above(epi->ep));
    return max;
}

/* -ELOOP if ep watching `to` would close a cycle or nest deeper than EP_MAX_NESTS. */
static int ep_loop_check(struct eventpoll *ep, struct eventpoll *to)
{
    int below = ep_depth_below(to, ep, 0);

    if (below < 0 || below + 1 + ep_depth_above(ep) > EP_MAX_NESTS)
        return -ELOOP;
    return 0;
}

int do_epoll_create(int flags)
{
    struct file *f;
    int fd;

    if (flags & ~EPOLL_CLOEXEC)
        return -EINVAL;
    f = ep_file_create();
    if (!f)
        return -ENOMEM;
    fd = fd_install_lowest(files(), f, 0, flags & EPOLL_CLOEXEC);
    if (fd < 0)
        fput(f);
    return fd;
}

/* The checks of do_epoll_ctl that need no item, in Linux's order: 0 or -EINVAL/-ELOOP. */
static int ep_ctl_check(struct file *f, struct file *tf, int op, const struct epoll_event *ev)
{
    bool has_event = op != EPOLL_CTL_DEL;

    if (f == tf || !is_file_epoll(f))
        return -EINVAL;
    if (has_event && (ev->events & EPOLLEXCLUSIVE)) {
        /* The exclusive entry is queued at ADD time only; nested exclusive wakes are unsupported (Linux). */
        if (op == EPOLL_CTL_MOD)
            return -EINVAL;
        if (op == EPOLL_CTL_ADD && (is_file_epoll(tf) || (ev->events & ~EPOLLEXCLUSIVE_OK_BITS)))
            return -EINVAL;
    }
    if (op == EPOLL_CTL_ADD && is_file_epoll(tf))
        return ep_loop_check(f->private_data, tf->private_data);
    return 0;
}

static int ep_ctl_op(struct eventpoll *ep, int op, struct file *tf, int fd, struct epoll_event *ev)
{
    struct epitem *epi = ep_find(ep, tf, fd);

    switch (op) {
    case EPOLL_CTL_ADD:
        if (epi)
            return -EEXIST;
        ev->events |= EPOLLERR | EPOLLHUP;
        return ep_insert(ep, ev, tf, fd);
    case EPOLL_CTL_DEL:
        if (!epi)
            return -ENOENT;
        ep_remove(ep, epi);
        return 0;
    case EPOLL_CTL_MOD:
        if (!epi)
            return -ENOENT;
        if (epi->event.events & EPOLLEXCLUSIVE)
            return -EINVAL;
        ev->events |= EPOLLERR | EPOLLHUP;
        return ep_modify(ep, epi, ev);
    default:
        return -EINVAL;
    }
}

int do_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
    struct file *f = fget(files(), epfd), *tf;
    int err = -EBADF;

    if (!f)
        return -EBADF;
    tf = fget(files(), fd);
    if (!tf)
        goto out;
    err = -EPERM;                       /* the target must support poll */
    if (!tf->f_op->poll)
        goto out_tf;
    if (op != EPOLL_CTL_DEL)
        ev->events &= ~EPOLLWAKEUP;     /* needs CAP_BLOCK_SUSPEND; nothing suspends here */
    err = ep_ctl_check(f, tf, op, ev);
    if (!err)
        err = ep_ctl_op(f->private_data, op, tf, fd, ev);
out_tf:
    fput(tf);
out:
    fput(f);
    return err;
}

/* --- syscalls --------------------------------------------------------------- */

static long sys_epoll_create1(unsigned long flags, unsigned long a1, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    return do_epoll_create((int)flags);
}
SYSCALL_DEFINE(epoll_create1, sys_epoll_create1);

/* size is only a hint since Linux 2.6.8, but must be positive. */
static long sys_epoll_create(unsigned long size, unsigned long a1, unsigned long a2,
                             unsigned long a3, unsigned long a4, unsigned long a5)
{
    return (int)size <= 0 ? -EINVAL : do_epoll_create(0);
}
SYSCALL_DEFINE(epoll_create, sys_epoll_create);

static long sys_epoll_ctl(unsigned long epfd, unsigned long op, unsigned long fd,
                          unsigned long uevent, unsigned long a4, unsigned long a5)
{
    struct epoll_event ev = { 0 };

    if ((int)op != EPOLL_CTL_DEL && copy_from_user(&ev, (void *)uevent, sizeof(ev)))
        return -EFAULT;
    return do_epoll_ctl((int)epfd, (int)op, (int)fd, &ev);
}
SYSCALL_DEFINE(epoll_ctl, sys_epoll_ctl);
