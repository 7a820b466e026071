/*
 * epoll (epoll(7), epoll_create(2), epoll_ctl(2), epoll_wait(2)): the
 * kernel-side entry points behind the syscalls, usable by tests on kernel
 * copies of the arguments.  Implementation: kernel/fs/eventpoll.c (the
 * instance, its items and the wake callback) and kernel/fs/eventpoll_wait.c
 * (harvesting ready items, the epoll file's own poll, the syscalls).
 *
 * Readiness is pushed, never scanned: EPOLL_CTL_ADD hooks a callback on
 * every wait queue the watched file's f_op->poll names (poll_wait); a wake
 * with an EPOLL* key moves the item onto the instance's ready list, and
 * epoll_wait re-polls only the items on that list.
 */
#ifndef KERNEL_EVENTPOLL_H
#define KERNEL_EVENTPOLL_H

#include <kernel/file.h>
#include <kernel/poll.h>

#define EP_MAX_NESTS    4       /* epoll-in-epoll depth limit (Linux's): deeper gives ELOOP */
#define EP_MAX_EVENTS   (0x7fffffff / (int)sizeof(struct epoll_event))  /* maxevents limit */

/* Is f an epoll instance? */
bool is_file_epoll(const struct file *f);

/* epoll_create1(2): the new fd; -EINVAL for flags other than EPOLL_CLOEXEC, -EMFILE, -ENOMEM. */
int do_epoll_create(int flags);

/*
 * epoll_ctl(2) with a kernel copy of the event (ignored for EPOLL_CTL_DEL;
 * updated: ADD/MOD add EPOLLERR|EPOLLHUP as Linux does).  0, or -EBADF (an
 * fd is not open), -EPERM (fd's file cannot be polled), -EINVAL (epfd is no
 * epoll, fd == epfd, unknown op, EPOLLEXCLUSIVE misuse), -ELOOP (a cycle or
 * nesting deeper than EP_MAX_NESTS), -EEXIST, -ENOENT, -ENOMEM.
 */
int do_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev);

/*
 * epoll_wait(2) into the user array `uevents`: the number of events (>= 1),
 * 0 when the deadline passed, or -EINVAL (maxevents <= 0 or too many, epfd
 * no epoll), -EFAULT, -EBADF.  end_ns is an absolute ktime_get_ns() deadline:
 * 0 never blocks, WAIT_FOREVER (UINT64_MAX) never times out (select.h's
 * poll_select_set_timeout() makes one).
 */
int do_epoll_wait(int epfd, struct epoll_event *uevents, int maxevents, u64 end_ns);

#endif
