/*
 * The console as the app's fds 0, 1 and 2 (struct file over kernel/console.c).
 * Above: read/write/ioctl syscalls through f_op.  Below: console_write() for
 * output; for input, the console's input sink (bytes no debug key claims,
 * in interrupt context) feeds a ring buffer that readers block on.
 *
 * Semantics are a pipe's, not a tty's (no line discipline, no echo,
 * TIOCGWINSZ -> ENOTTY): fd 0 is opened read-only, fds 1 and 2 share one
 * write-only open file (as a shell's `>out 2>&1`), so the same binary sees
 * the same behaviour here and under Linux with pipes on its stdio.
 */
#include <asm/ioctls.h>
#include <kernel/console.h>
#include <kernel/console_file.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/mm.h>
#include <kernel/poll.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/wait.h>

#define CON_RING_SIZE   1024            /* bytes of typed-ahead input kept; power of two */
#define CON_CHUNK       256             /* bytes copied per step (a stack buffer) */

/* Input ring: the interrupt handler produces, readers consume, both under `lock`. */
static struct {
    spinlock_t lock;
    char buf[CON_RING_SIZE];
    unsigned head, tail;                /* free-running; used = head - tail */
    u64 dropped;                        /* bytes lost to a full ring */
} con_in;
static DECLARE_WAIT_QUEUE_HEAD(con_wq);

static unsigned con_in_used(void) { return READ_ONCE(con_in.head) - READ_ONCE(con_in.tail); }

/*
 * A byte from the serial line (interrupt context).  A terminal's Enter sends
 * CR; it is stored as LF, as a tty's ICRNL would, so line-reading apps work.
 */
static void console_rx(char c)
{
    unsigned long flags;

    spin_lock_irqsave(&con_in.lock, flags);
    if (con_in.head - con_in.tail < CON_RING_SIZE)
        con_in.buf[con_in.head++ % CON_RING_SIZE] = c == '\r' ? '\n' : c;
    else
        con_in.dropped++;
    spin_unlock_irqrestore(&con_in.lock, flags);
    wake_up_poll(&con_wq, EPOLLIN | EPOLLRDNORM);
}

/* Copy up to len queued bytes to ubuf; consumed only if the copy succeeds (pipe_read's rule). */
static long con_take(char *ubuf, size_t len)
{
    char tmp[CON_CHUNK];
    unsigned long flags;
    unsigned n;

    spin_lock_irqsave(&con_in.lock, flags);
    n = MIN((unsigned)MIN(len, sizeof(tmp)), con_in.head - con_in.tail);
    for (unsigned i = 0; i < n; i++)
        tmp[i] = con_in.buf[(con_in.tail + i) % CON_RING_SIZE];
    spin_unlock_irqrestore(&con_in.lock, flags);
    if (copy_to_user(ubuf, tmp, n))
        return -EFAULT;
    spin_lock_irqsave(&con_in.lock, flags);
    con_in.tail += n;                   /* only this (one) reader consumes */
    spin_unlock_irqrestore(&con_in.lock, flags);
    return n;
}

/*
 * read(2): the bytes queued now (at most len, and at most CON_CHUNK per
 * call), blocking until at least one arrives; -EAGAIN under O_NONBLOCK when
 * none is queued; -EFAULT (nothing consumed) for a bad buffer.
 */
static long con_read(struct file *f, char *ubuf, size_t len, u64 *pos)
{
    if (!len)
        return 0;
    if (!con_in_used()) {
        if (f->f_flags & O_NONBLOCK)
            return -EAGAIN;
        wait_event(&con_wq, con_in_used() != 0);
    }
    return con_take(ubuf, len);
}

/*
 * write(2): every byte goes to console_write() in CON_CHUNK steps; a fault
 * ends the write with the count so far, or -EFAULT if nothing was written.
 */
static long con_write(struct file *f, const char *ubuf, size_t len, u64 *pos)
{
    char tmp[CON_CHUNK];
    size_t done = 0;

    while (done < len) {
        size_t n = MIN(len - done, sizeof(tmp));

        if (copy_from_user(tmp, ubuf + done, n))
            return done ? (long)done : -EFAULT;
        console_write(tmp, n);
        done += n;
    }
    return (long)done;
}

/* ioctl(2): FIONREAD (int, bytes queued); anything else is not for a non-tty: -ENOTTY. */
static long con_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
    if (cmd != FIONREAD)
        return -ENOTTY;
    return put_user((int)con_in_used(), (int *)arg);
}

/*
 * poll(2) as a pipe end answers (Linux's pipe_poll): the read side is
 * readable while input is queued; the write side is always writable
 * (console_write() never blocks).  No hang-up: the line never closes.
 */
static unsigned con_poll(struct file *f, poll_table *pt)
{
    unsigned acc = f->f_flags & O_ACCMODE, mask = 0;

    poll_wait(f, &con_wq, pt);
    if (acc != O_WRONLY && con_in_used())
        mask |= EPOLLIN | EPOLLRDNORM;
    if (acc != O_RDONLY)
        mask |= EPOLLOUT | EPOLLWRNORM;
    return mask;
}

static const struct file_operations console_fops = {
    .read = con_read,
    .write = con_write,
    .poll = con_poll,
    .ioctl = con_ioctl,
    .seekable = false,
};

/*
 * Install the console as fds 0-2 of `t` (before the app runs; see the header).
 * Keys bound by console_register_key() (the kernel's debug keys, e.g. 'n'
 * for network counters) keep their handlers; every other byte becomes app
 * input from now on (console_set_input_sink).  0, or -ENOMEM.
 */
int console_files_init(struct fdtable *t)
{
    struct file *in = alloc_file(&console_fops, NULL, O_RDONLY);
    struct file *out = alloc_file(&console_fops, NULL, O_WRONLY);

    if (!in || !out) {
        if (in)
            fput(in);
        if (out)
            fput(out);
        return -ENOMEM;
    }
    fd_install_lowest(t, in, 0, false);
    fd_install_lowest(t, out, 1, false);
    fd_install_lowest(t, get_file(out), 2, false);
    console_set_input_sink(console_rx);
    return 0;
}
