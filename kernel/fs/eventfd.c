/*
 * eventfd (eventfd(2); Linux's fs/eventfd.c): a 64-bit counter as a file.
 * write(2) adds, read(2) takes the whole count (or 1 with EFD_SEMAPHORE);
 * both move exactly 8 bytes.  The counter never reaches 2^64 - 1: a write
 * that would get there blocks (EAGAIN when non-blocking).  poll: EPOLLIN
 * while the count is non-zero, EPOLLOUT while a write of 1 would not block.
 * Above: read/write/poll through f_op, epoll and select.  Below: one wait
 * queue, woken with EPOLLIN after a write and EPOLLOUT after a read.
 */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/mm.h>
#include <kernel/poll.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/wait.h>

/* eventfd(2) flags (glibc's <sys/eventfd.h>; the uapi has no header for them). */
#define EFD_SEMAPHORE   1
#define EFD_CLOEXEC     O_CLOEXEC
#define EFD_NONBLOCK    O_NONBLOCK

struct eventfd_ctx {
    struct wait_queue_head wqh;         /* readers, writers, pollers */
    u64 count;                          /* < UINT64_MAX */
    bool semaphore;                     /* EFD_SEMAPHORE: reads take 1 */
};

/* The count may only change in thread context, which nothing preempts: no lock needed. */
static long eventfd_read(struct file *f, char *ubuf, size_t len, u64 *pos)
{
    struct eventfd_ctx *ctx = f->private_data;
    u64 ucnt;

    if (len < sizeof(ucnt))
        return -EINVAL;
    if (!ctx->count) {
        if (f->f_flags & O_NONBLOCK)
            return -EAGAIN;
        wait_event(&ctx->wqh, ctx->count != 0);
    }
    ucnt = ctx->semaphore ? 1 : ctx->count;
    ctx->count -= ucnt;
    if (waitqueue_active(&ctx->wqh))
        wake_up_poll(&ctx->wqh, EPOLLOUT);
    /* Consumed even if the copy fails, as in Linux (the buffer passed access_ok already). */
    return copy_to_user(ubuf, &ucnt, sizeof(ucnt)) ? -EFAULT : (long)sizeof(ucnt);
}

static long eventfd_write(struct file *f, const char *ubuf, size_t len, u64 *pos)
{
    struct eventfd_ctx *ctx = f->private_data;
    u64 ucnt;

    if (len < sizeof(ucnt))
        return -EINVAL;
    if (copy_from_user(&ucnt, ubuf, sizeof(ucnt)))
        return -EFAULT;
    if (ucnt == UINT64_MAX)
        return -EINVAL;
    if (UINT64_MAX - ctx->count <= ucnt) {
        if (f->f_flags & O_NONBLOCK)
            return -EAGAIN;
        wait_event(&ctx->wqh, UINT64_MAX - ctx->count > ucnt);
    }
    ctx->count += ucnt;
    /* Even a write of 0 wakes (Linux): edge-triggered watchers see an event. */
    if (waitqueue_active(&ctx->wqh))
        wake_up_poll(&ctx->wqh, EPOLLIN);
    return sizeof(ucnt);
}

static unsigned eventfd_poll(struct file *f, poll_table *pt)
{
    struct eventfd_ctx *ctx = f->private_data;
    u64 count;
    unsigned events = 0;

    poll_wait(f, &ctx->wqh, pt);
    count = READ_ONCE(ctx->count);
    if (count > 0)
        events |= EPOLLIN;
    if (count == UINT64_MAX)
        events |= EPOLLERR;
    if (UINT64_MAX - 1 > count)
        events |= EPOLLOUT;
    return events;
}

static void eventfd_release(struct file *f)
{
    kfree(f->private_data);
}

static const struct file_operations eventfd_fops = {
    .read = eventfd_read,
    .write = eventfd_write,
    .poll = eventfd_poll,
    .release = eventfd_release,
    .seekable = false,
};

/* eventfd2(2): the new fd, or -EINVAL (unknown flags), -ENOMEM, -EMFILE. */
static long do_eventfd(unsigned count, int flags)
{
    struct eventfd_ctx *ctx;
    struct file *f;
    int fd;

    if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
        return -EINVAL;
    ctx = kzalloc(sizeof(*ctx));
    if (!ctx)
        return -ENOMEM;
    init_waitqueue_head(&ctx->wqh);
    ctx->count = count;
    ctx->semaphore = flags & EFD_SEMAPHORE;
    f = alloc_file(&eventfd_fops, ctx, O_RDWR | (flags & EFD_NONBLOCK));
    if (!f) {
        kfree(ctx);
        return -ENOMEM;
    }
    fd = fd_install_lowest(&init_process.files, f, 0, flags & EFD_CLOEXEC);
    if (fd < 0)
        fput(f);
    return fd;
}

static long sys_eventfd2(unsigned long count, unsigned long flags, unsigned long a2,
                         unsigned long a3, unsigned long a4, unsigned long a5)
{
    return do_eventfd((unsigned)count, (int)flags);
}
SYSCALL_DEFINE(eventfd2, sys_eventfd2);

static long sys_eventfd(unsigned long count, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4, unsigned long a5)
{
    return do_eventfd((unsigned)count, 0);
}
SYSCALL_DEFINE(eventfd, sys_eventfd);
