/*
 * struct file lifetime and the descriptor table (fs/file.c, fs/fcntl.c in
 * Linux).  Above: the syscalls (read, close, dup*, fcntl ...).  Below: each
 * file's f_op.  Portable: tests/unit/test_fdtable.c runs it on the host.
 */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/mm.h>
#include <kernel/string.h>

#define SETFL_MASK      (O_APPEND | O_NONBLOCK)    /* what F_SETFL may change (Linux) */

struct file *alloc_file(const struct file_operations *fop, void *private_data, unsigned flags)
{
    struct file *f = kzalloc(sizeof(*f));

    if (!f)
        return NULL;
    f->refcount = 1;
    f->f_op = fop;
    f->private_data = private_data;
    f->f_flags = flags & (O_ACCMODE | SETFL_MASK);
    return f;
}

void fput(struct file *f)
{
    if (--f->refcount)
        return;
    if (f->f_watch)
        f->f_watch->release(f);
    if (f->f_op->release)
        f->f_op->release(f);
    kfree(f);
}

void fdtable_init(struct fdtable *t)
{
    memset(t, 0, sizeof(*t));
    t->max_fds = NR_OPEN_DEFAULT;
}

static bool fd_valid(const struct fdtable *t, int fd)
{
    return fd >= 0 && (unsigned)fd < t->max_fds && t->fd[fd];
}

static void set_cloexec(struct fdtable *t, int fd, bool on)
{
    if (on)
        t->cloexec[fd / 64] |= 1ULL << (fd % 64);
    else
        t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

int fd_install_lowest(struct fdtable *t, struct file *f, unsigned min, bool cloexec)
{
    if (min >= t->max_fds)
        return -EINVAL;
    for (unsigned fd = min; fd < t->max_fds; fd++) {
        if (!t->fd[fd]) {
            t->fd[fd] = f;
            set_cloexec(t, (int)fd, cloexec);
            return (int)fd;
        }
    }
    return -EMFILE;
}

struct file *fget(struct fdtable *t, int fd)
{
    return fd_valid(t, fd) ? get_file(t->fd[fd]) : NULL;
}

int fd_close(struct fdtable *t, int fd)
{
    struct file *f;

    if (!fd_valid(t, fd))
        return -EBADF;
    f = t->fd[fd];
    t->fd[fd] = NULL;
    set_cloexec(t, fd, false);
    fput(f);
    return 0;
}

int fd_dup(struct fdtable *t, int oldfd, unsigned min, bool cloexec)
{
    int fd;

    if (!fd_valid(t, oldfd))
        return -EBADF;
    fd = fd_install_lowest(t, t->fd[oldfd], min, cloexec);
    if (fd >= 0)
        get_file(t->fd[fd]);
    return fd;
}

int fd_dup3(struct fdtable *t, int oldfd, int newfd, int flags)
{
    bool dup2 = flags == -1;

    if (!dup2 && (flags & ~O_CLOEXEC))
        return -EINVAL;
    if (!fd_valid(t, oldfd))
        return -EBADF;
    if (oldfd == newfd)
        return dup2 ? newfd : -EINVAL;      /* dup3 refuses equal fds; dup2 is a no-op */
    if (newfd < 0 || (unsigned)newfd >= t->max_fds)
        return -EBADF;
    if (t->fd[newfd])
        fd_close(t, newfd);
    t->fd[newfd] = get_file(t->fd[oldfd]);
    set_cloexec(t, newfd, !dup2 && (flags & O_CLOEXEC));
    return newfd;
}

long fd_fcntl(struct fdtable *t, int fd, unsigned cmd, unsigned long arg)
{
    if (!fd_valid(t, fd))
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (arg >= t->max_fds)
            return -EINVAL;
        return fd_dup(t, fd, (unsigned)arg, cmd == F_DUPFD_CLOEXEC);
    case F_GETFD:
        return (t->cloexec[fd / 64] >> (fd % 64)) & 1 ? FD_CLOEXEC : 0;
    case F_SETFD:
        set_cloexec(t, fd, arg & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return t->fd[fd]->f_flags;
    case F_SETFL:
        t->fd[fd]->f_flags = (t->fd[fd]->f_flags & ~SETFL_MASK) | (arg & SETFL_MASK);
        return 0;
    default:
        return -EINVAL;
    }
}

void fdtable_close_all(struct fdtable *t)
{
    for (unsigned fd = 0; fd < t->max_fds; fd++)
        if (t->fd[fd])
            fd_close(t, (int)fd);
}
