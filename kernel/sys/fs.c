/*
 * File-descriptor syscalls: read, write, readv, writev, pread64, pwrite64,
 * close, dup, dup2, dup3, fcntl, ioctl (read(2), readv(2), dup(2), fcntl(2),
 * ioctl(2)).  Above: do_syscall().  Below: the descriptor table
 * (kernel/fs/file.c) and each file's f_op.  The checks run in Linux's order
 * (fs/read_write.c, fs/ioctl.c), so a call that breaks several rules gets
 * the errno Linux would give.
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <asm/ioctls.h>

#define MAX_RW_COUNT    0x7ffff000UL    /* INT_MAX & PAGE_MASK: the most one call moves */
#define UIO_MAXIOV      1024            /* iovcnt limit, readv(2) */

struct user_iovec {                     /* struct iovec, x86-64 layout */
    u64 base;
    u64 len;
};
_Static_assert(sizeof(struct user_iovec) == 16, "struct iovec is 16 bytes");

/* fd arguments are C ints in the ABI: every (int)fd below drops the register's upper half. */
static struct fdtable *files(void) { return &init_process.files; }

/*
 * May f be read (write=false) or written?  -EBADF if it was not opened for
 * it, -EINVAL if its kind cannot do it at all (vfs_read's checks).
 */
static long rw_allowed(struct file *f, bool write)
{
    unsigned acc = f->f_flags & O_ACCMODE;

    if (write ? acc == O_RDONLY : acc == O_WRONLY)
        return -EBADF;
    if (write ? !f->f_op->write : !f->f_op->read)
        return -EINVAL;
    return 0;
}

/* One transfer through f_op after Linux's checks; bytes moved or -errno. */
static long do_rw(struct file *f, bool write, unsigned long ubuf, size_t len, u64 *pos)
{
    long err = rw_allowed(f, write);

    if (err)
        return err;
    if (!access_ok((void *)ubuf, len))
        return -EFAULT;
    len = MIN(len, MAX_RW_COUNT);
    return write ? f->f_op->write(f, (const char *)ubuf, len, pos)
                 : f->f_op->read(f, (char *)ubuf, len, pos);
}

static long rw_fd(unsigned long fd, bool write, unsigned long ubuf, size_t len)
{
    struct file *f = fget(files(), (int)fd);
    long ret;

    if (!f)
        return -EBADF;
    ret = do_rw(f, write, ubuf, len, &f->f_pos);
    fput(f);
    return ret;
}

static long sys_read(unsigned long fd, unsigned long buf, unsigned long count,
                     unsigned long a3, unsigned long a4, unsigned long a5)
{
    return rw_fd(fd, false, buf, count);
}
SYSCALL_DEFINE(read, sys_read);

static long sys_write(unsigned long fd, unsigned long buf, unsigned long count,
                      unsigned long a3, unsigned long a4, unsigned long a5)
{
    return rw_fd(fd, true, buf, count);
}
SYSCALL_DEFINE(write, sys_write);

/* pread64/pwrite64: -EINVAL for a negative offset, -EBADF, -ESPIPE if not seekable. */
static long prw_fd(unsigned long fd, bool write, unsigned long ubuf, size_t len, long pos)
{
    struct file *f;
    u64 p = (u64)pos;
    long ret;

    if (pos < 0)
        return -EINVAL;
    f = fget(files(), (int)fd);
    if (!f)
        return -EBADF;
    ret = f->f_op->seekable ? do_rw(f, write, ubuf, len, &p) : -ESPIPE;
    fput(f);
    return ret;
}

static long sys_pread64(unsigned long fd, unsigned long buf, unsigned long count,
                        unsigned long pos, unsigned long a4, unsigned long a5)
{
    return prw_fd(fd, false, buf, count, (long)pos);
}
SYSCALL_DEFINE(pread64, sys_pread64);

static long sys_pwrite64(unsigned long fd, unsigned long buf, unsigned long count,
                         unsigned long pos, unsigned long a4, unsigned long a5)
{
    return prw_fd(fd, true, buf, count, (long)pos);
}
SYSCALL_DEFINE(pwrite64, sys_pwrite64);

/*
 * import_iovec(): copy in and check the vector.  -EINVAL for more than
 * UIO_MAXIOV entries or a length that is negative as ssize_t, -EFAULT for
 * an unreadable vector or a segment outside user space.  A total beyond
 * MAX_RW_COUNT is cut short, not refused.  *out is the caller's to kfree.
 */
static long import_iovec(unsigned long uvec, unsigned long n, struct user_iovec **out)
{
    struct user_iovec *iov;
    u64 total = 0;

    if (n > UIO_MAXIOV)
        return -EINVAL;
    iov = kmalloc(MAX(n, 1UL) * sizeof(*iov));
    if (!iov)
        return -ENOMEM;
    if (copy_from_user(iov, (void *)uvec, n * sizeof(*iov)))
        goto fault;
    for (unsigned long i = 0; i < n; i++) {
        if ((s64)iov[i].len < 0) {
            kfree(iov);
            return -EINVAL;
        }
        if (!access_ok((void *)iov[i].base, iov[i].len))
            goto fault;
        iov[i].len = MIN(iov[i].len, MAX_RW_COUNT - total);
        total += iov[i].len;
    }
    *out = iov;
    return 0;
fault:
    kfree(iov);
    return -EFAULT;
}

/*
 * Linux's do_loop_readv_writev(): one f_op call per segment, stopping at the
 * first short transfer or error (an error after some bytes returns the
 * bytes).  Once a read has got data, later segments take only what is
 * already there: the read must not block for more (as pipe_read never does).
 */
static long loop_rw(struct file *f, bool write, struct user_iovec *iov, unsigned long n)
{
    long done = 0, r = 0;
    unsigned nonblock = 0;
    bool forced = false;

    for (unsigned long i = 0; i < n; i++) {
        if (!iov[i].len)
            continue;
        r = write ? f->f_op->write(f, (const char *)iov[i].base, iov[i].len, &f->f_pos)
                  : f->f_op->read(f, (char *)iov[i].base, iov[i].len, &f->f_pos);
        if (r < 0 || (done += r, (u64)r != iov[i].len))
            break;
        if (!write && !forced) {        /* no blocking from here on, so no one sees the flag */
            nonblock = f->f_flags & O_NONBLOCK;
            f->f_flags |= O_NONBLOCK;
            forced = true;
        }
    }
    if (forced)
        f->f_flags = (f->f_flags & ~O_NONBLOCK) | nonblock;
    return done ? done : r;
}

static long rwv_fd(unsigned long fd, bool write, unsigned long uvec, unsigned long n)
{
    struct file *f = fget(files(), (int)fd);
    struct user_iovec *iov;
    long ret;

    if (!f)
        return -EBADF;
    ret = rw_allowed(f, write);
    if (!ret)
        ret = import_iovec(uvec, n, &iov);
    if (!ret) {
        ret = loop_rw(f, write, iov, n);
        kfree(iov);
    }
    fput(f);
    return ret;
}

static long sys_readv(unsigned long fd, unsigned long vec, unsigned long vlen,
                      unsigned long a3, unsigned long a4, unsigned long a5)
{
    return rwv_fd(fd, false, vec, vlen);
}
SYSCALL_DEFINE(readv, sys_readv);

static long sys_writev(unsigned long fd, unsigned long vec, unsigned long vlen,
                       unsigned long a3, unsigned long a4, unsigned long a5)
{
    return rwv_fd(fd, true, vec, vlen);
}
SYSCALL_DEFINE(writev, sys_writev);

static long sys_close(unsigned long fd, unsigned long a1, unsigned long a2,
                      unsigned long a3, unsigned long a4, unsigned long a5)
{
    return fd_close(files(), (int)fd);
}
SYSCALL_DEFINE(close, sys_close);

static long sys_dup(unsigned long fd, unsigned long a1, unsigned long a2,
                    unsigned long a3, unsigned long a4, unsigned long a5)
{
    return fd_dup(files(), (int)fd, 0, false);
}
SYSCALL_DEFINE(dup, sys_dup);

static long sys_dup2(unsigned long oldfd, unsigned long newfd, unsigned long a2,
                     unsigned long a3, unsigned long a4, unsigned long a5)
{
    return fd_dup3(files(), (int)oldfd, (int)newfd, -1);
}
SYSCALL_DEFINE(dup2, sys_dup2);

/* Linux's ksys_dup3 refuses equal fds (-EINVAL) before it looks at oldfd. */
static long sys_dup3(unsigned long oldfd, unsigned long newfd, unsigned long flags,
                     unsigned long a3, unsigned long a4, unsigned long a5)
{
    if ((int)oldfd == (int)newfd && !((unsigned)flags & ~O_CLOEXEC))
        return -EINVAL;
    return fd_dup3(files(), (int)oldfd, (int)newfd, (int)flags);
}
SYSCALL_DEFINE(dup3, sys_dup3);

static long sys_fcntl(unsigned long fd, unsigned long cmd, unsigned long arg,
                      unsigned long a3, unsigned long a4, unsigned long a5)
{
    return fd_fcntl(files(), (int)fd, (unsigned)cmd, arg);
}
SYSCALL_DEFINE(fcntl, sys_fcntl);

/*
 * ioctl(2): the generic commands any fd takes (do_vfs_ioctl: FIOCLEX,
 * FIONCLEX, FIONBIO), the rest to f_op->ioctl; -ENOTTY if it has none.
 */
static long sys_ioctl(unsigned long fd, unsigned long cmd, unsigned long arg,
                      unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct file *f = fget(files(), (int)fd);
    long ret = 0;
    int on;

    if (!f)
        return -EBADF;
    switch ((unsigned)cmd) {
    case FIOCLEX:
    case FIONCLEX:
        ret = fd_fcntl(files(), (int)fd, F_SETFD, (unsigned)cmd == FIOCLEX ? FD_CLOEXEC : 0);
        break;
    case FIONBIO:
        ret = get_user(on, (int *)arg);
        if (!ret)
            f->f_flags = on ? f->f_flags | O_NONBLOCK : f->f_flags & ~O_NONBLOCK;
        break;
    default:
        ret = f->f_op->ioctl ? f->f_op->ioctl(f, (unsigned)cmd, arg) : -ENOTTY;
    }
    fput(f);
    return ret;
}
SYSCALL_DEFINE(ioctl, sys_ioctl);
