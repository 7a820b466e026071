/*
 * timerfd (timerfd_create(2); Linux's fs/timerfd.c): a timer as a file.
 * read(2) returns the number of expirations since the last read or
 * settime (8 bytes), blocking while there were none; poll reports EPOLLIN
 * then.  Above: read/poll through f_op, epoll and select, and the
 * timerfd_* syscalls.  Below: one kernel timer (timer_list, softirq
 * context) on the monotonic clock; REALTIME targets are converted at
 * settime (nothing here sets the wall clock, so the offset holds).
 *
 * As in Linux, a periodic timer is not re-armed by its callback, which
 * only counts one expiration: the read (or gettime) that finds it expired
 * counts the periods that passed since and re-arms it, so a fast period
 * costs nothing while nobody reads.
 */
#include <linux/time.h>
#include <linux/timerfd.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/mm.h>
#include <kernel/poll.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>
#include <kernel/wait.h>

#define TFD_CREATE_FLAGS    (TFD_CLOEXEC | TFD_NONBLOCK)
#define TFD_SETTIME_FLAGS   (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)

struct timerfd_ctx {
    struct wait_queue_head wqh;
    struct timer_list t;                /* expires = max(exp, 0) */
    int clockid;
    bool armed;                         /* a non-zero it_value was set */
    bool expired;                       /* the timer fired and was not re-armed yet */
    s64 exp;                            /* next expiry, ns on ktime_get_ns() (may be < 0 for a past REALTIME target) */
    u64 tintv;                          /* period, ns; 0 for a one-shot */
    u64 ticks;                          /* expirations not yet read */
};

/* Softirq: count, wake readers and pollers; re-arming is the reader's job (see the header). */
static void timerfd_tmrproc(struct timer_list *t)
{
    struct timerfd_ctx *ctx = container_of(t, struct timerfd_ctx, t);

    ctx->expired = true;
    ctx->ticks++;
    wake_up_poll(&ctx->wqh, EPOLLIN);
}

static void timerfd_start(struct timerfd_ctx *ctx)
{
    mod_timer(&ctx->t, ctx->exp > 0 ? (u64)ctx->exp : 0);
}

/*
 * Move a periodic timer's expiry past now and re-arm it; the periods that
 * elapsed (>= 1, Linux's hrtimer_forward_now: the expiry counted by the
 * callback is the first of them).
 */
static u64 timerfd_forward(struct timerfd_ctx *ctx)
{
    s64 now = (s64)ktime_get_ns();
    u64 orun;

    if (now < ctx->exp)
        return 0;
    orun = (u64)(now - ctx->exp) / ctx->tintv + 1;
    ctx->exp += (s64)(orun * ctx->tintv);
    timerfd_start(ctx);
    return orun;
}

/* A fired periodic timer: fold the periods missed into ticks and re-arm. */
static void timerfd_catch_up(struct timerfd_ctx *ctx)
{
    if (ctx->expired && ctx->tintv) {
        u64 periods = timerfd_forward(ctx);

        ctx->ticks += periods ? periods - 1 : 0;
        ctx->expired = false;
    }
}

static u64 timerfd_remaining(const struct timerfd_ctx *ctx)
{
    s64 left = ctx->exp - (s64)ktime_get_ns();

    return ctx->armed && left > 0 ? (u64)left : 0;
}

/* Callbacks never interrupt thread-context kernel code: ticks needs no lock here. */
static long timerfd_read(struct file *f, char *ubuf, size_t len, u64 *pos)
{
    struct timerfd_ctx *ctx = f->private_data;
    u64 ticks;

    if (len < sizeof(ticks))
        return -EINVAL;
    if (!ctx->ticks) {
        if (f->f_flags & O_NONBLOCK)
            return -EAGAIN;
        wait_event(&ctx->wqh, ctx->ticks != 0);
    }
    timerfd_catch_up(ctx);
    ticks = ctx->ticks;
    ctx->ticks = 0;
    ctx->expired = false;
    return copy_to_user(ubuf, &ticks, sizeof(ticks)) ? -EFAULT : (long)sizeof(ticks);
}

static unsigned timerfd_poll(struct file *f, poll_table *pt)
{
    struct timerfd_ctx *ctx = f->private_data;

    poll_wait(f, &ctx->wqh, pt);
    return READ_ONCE(ctx->ticks) ? EPOLLIN : 0;
}

static void timerfd_release(struct file *f)
{
    struct timerfd_ctx *ctx = f->private_data;

    del_timer(&ctx->t);
    kfree(ctx);
}

static const struct file_operations timerfd_fops = {
    .read = timerfd_read,
    .poll = timerfd_poll,
    .release = timerfd_release,
    .seekable = false,
};

/*
 * timerfd_create(2).  The alarm clocks are their plain counterparts: the
 * app runs as root (CAP_WAKE_ALARM) and nothing here suspends.
 */
static long sys_timerfd_create(unsigned long clockid, unsigned long flags, unsigned long a2,
                               unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct timerfd_ctx *ctx;
    struct file *f;
    int fd, id = (int)clockid;

    if (((int)flags & ~TFD_CREATE_FLAGS) ||
        (id != CLOCK_MONOTONIC && id != CLOCK_REALTIME && id != CLOCK_REALTIME_ALARM &&
         id != CLOCK_BOOTTIME && id != CLOCK_BOOTTIME_ALARM))
        return -EINVAL;
    ctx = kzalloc(sizeof(*ctx));
    if (!ctx)
        return -ENOMEM;
    init_waitqueue_head(&ctx->wqh);
    timer_setup(&ctx->t, timerfd_tmrproc);
    ctx->clockid = id;
    f = alloc_file(&timerfd_fops, ctx, O_RDWR | ((int)flags & TFD_NONBLOCK));
    if (!f) {
        kfree(ctx);
        return -ENOMEM;
    }
    fd = fd_install_lowest(&init_process.files, f, 0, (int)flags & TFD_CLOEXEC);
    if (fd < 0)
        fput(f);
    return fd;
}
SYSCALL_DEFINE(timerfd_create, sys_timerfd_create);

/* The timerfd at fd with a reference, or NULL with *err = -EBADF / -EINVAL (another kind of file). */
static struct file *timerfd_fget(int fd, long *err)
{
    struct file *f = fget(&init_process.files, fd);

    *err = f ? -EINVAL : -EBADF;
    if (f && f->f_op != &timerfd_fops) {
        fput(f);
        return NULL;
    }
    return f;
}

/* The current setting as an itimerspec: time left (0 when disarmed or past) and period. */
static struct __kernel_itimerspec timerfd_value(const struct timerfd_ctx *ctx)
{
    u64 left = timerfd_remaining(ctx);

    return (struct __kernel_itimerspec){
        .it_interval = { (s64)(ctx->tintv / NSEC_PER_SEC), (s64)(ctx->tintv % NSEC_PER_SEC) },
        .it_value = { (s64)(left / NSEC_PER_SEC), (s64)(left % NSEC_PER_SEC) },
    };
}

/* Arm (value != 0) or disarm; pending expirations are dropped (Linux's timerfd_setup). */
static void timerfd_setup(struct timerfd_ctx *ctx, int flags, u64 value, u64 interval)
{
    s64 now = (s64)ktime_get_ns();

    ctx->expired = false;
    ctx->ticks = 0;
    ctx->tintv = interval;
    ctx->armed = value != 0;
    if (!ctx->armed)
        return;
    if (!(flags & TFD_TIMER_ABSTIME))
        ctx->exp = now + (s64)MIN(value, (u64)INT64_MAX - (u64)now);
    else if (ctx->clockid == CLOCK_REALTIME || ctx->clockid == CLOCK_REALTIME_ALARM)
        ctx->exp = (s64)MIN(value, (u64)INT64_MAX) - ((s64)ktime_get_real_ns() - now);
    else
        ctx->exp = (s64)MIN(value, (u64)INT64_MAX);
    timerfd_start(ctx);
}

/*
 * timerfd_settime(2): both times are checked (-EFAULT, -EINVAL) before the
 * flags and the fd, as in Linux; the old setting is written after the new
 * one took effect.  TFD_TIMER_CANCEL_ON_SET is accepted: the wall clock is
 * never set here, so it never cancels.
 */
static long sys_timerfd_settime(unsigned long ufd, unsigned long flags, unsigned long unew,
                                unsigned long uold, unsigned long a4, unsigned long a5)
{
    struct __kernel_itimerspec old;
    struct timerfd_ctx *ctx;
    u64 value, interval;
    struct file *f;
    long err;

    err = get_timespec_ns(unew + offsetof(struct __kernel_itimerspec, it_interval), &interval);
    if (!err)
        err = get_timespec_ns(unew + offsetof(struct __kernel_itimerspec, it_value), &value);
    if (err)
        return err;
    if ((int)flags & ~TFD_SETTIME_FLAGS)
        return -EINVAL;
    f = timerfd_fget((int)ufd, &err);
    if (!f)
        return err;
    ctx = f->private_data;
    timerfd_catch_up(ctx);              /* so the old value reports the next expiry */
    old = timerfd_value(ctx);
    del_timer(&ctx->t);
    timerfd_setup(ctx, (int)flags, value, interval);
    fput(f);
    if (uold && copy_to_user((void *)uold, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(timerfd_settime, sys_timerfd_settime);

static long sys_timerfd_gettime(unsigned long ufd, unsigned long ucur, unsigned long a2,
                                unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct __kernel_itimerspec cur;
    struct timerfd_ctx *ctx;
    struct file *f;
    long err;

    f = timerfd_fget((int)ufd, &err);
    if (!f)
        return err;
    ctx = f->private_data;
    timerfd_catch_up(ctx);
    cur = timerfd_value(ctx);
    fput(f);
    return copy_to_user((void *)ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}
SYSCALL_DEFINE(timerfd_gettime, sys_timerfd_gettime);
