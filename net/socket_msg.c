/*
 * The socket data calls (Linux net/socket.c's __sys_sendto, __sys_recvfrom,
 * ___sys_sendmsg, ___sys_recvmsg, __sys_sendmmsg, do_recvmmsg): user
 * buffers and msghdrs become a kernel struct msghdr over an iov_iter, the
 * file's O_NONBLOCK becomes MSG_DONTWAIT, and addresses are copied in and
 * out with Linux's length rules.  Layer: beside net/socket.c, above proto_ops.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <net/sock.h>
#include "socket_impl.h"

#define UIO_MAXIOV      1024
#define MAX_RW_COUNT    0x7ffff000UL

struct user_timespec { s64 tv_sec, tv_nsec; };

/* Linux import_ubuf: one user buffer; EFAULT before the fd is even looked at. */
static int import_ubuf(u64 buf, size_t len, struct user_iov *iov, struct iov_iter *i)
{
    len = MIN(len, MAX_RW_COUNT);
    if (!access_ok((void *)buf, len))
        return -EFAULT;
    iov->base = buf;
    iov->len = len;
    iov_iter_init(i, ITER_USER, iov, 1, len);
    return 0;
}

static long sys_sendto(unsigned long fd, unsigned long buf, unsigned long len,
                       unsigned long flags, unsigned long uaddr, unsigned long addrlen)
{
    u8 addr[SOCKADDR_MAX];
    struct user_iov iov;
    struct msghdr msg = { 0 };
    struct socket *sock;
    struct file *f;
    int err = import_ubuf(buf, len, &iov, &msg.msg_iter);

    if (err)
        return err;
    if (!(sock = sockfd_lookup((int)fd, &err, &f)))
        return err;
    if (uaddr) {
        err = move_addr_to_kernel(uaddr, (int)addrlen, addr);
        if (err)
            goto out;
        msg.msg_name = addr;
        msg.msg_namelen = (int)addrlen;
    }
    msg.msg_flags = (unsigned)flags | ((f->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
    err = (int)sock_sendmsg(sock, &msg, msg.msg_iter.count);
    sock_send_done();
out:
    fput(f);
    return err;
}
SYSCALL_DEFINE(sendto, sys_sendto);

static long sys_recvfrom(unsigned long fd, unsigned long buf, unsigned long len,
                         unsigned long flags, unsigned long uaddr, unsigned long ulen)
{
    u8 addr[SOCKADDR_MAX];
    struct user_iov iov;
    struct msghdr msg = { .msg_name = addr };
    struct socket *sock;
    struct file *f;
    long err = import_ubuf(buf, len, &iov, &msg.msg_iter);
    int err2;

    if (err)
        return err;
    if (!(sock = sockfd_lookup((int)fd, (int *)&err2, &f)))
        return err2;
    if (f->f_flags & O_NONBLOCK)
        flags |= MSG_DONTWAIT;
    err = sock_recvmsg(sock, &msg, msg.msg_iter.count, (int)flags);
    if (err >= 0 && uaddr && (err2 = move_addr_to_user(addr, msg.msg_namelen, uaddr, ulen)) < 0)
        err = err2;
    fput(f);
    return err;
}
SYSCALL_DEFINE(recvfrom, sys_recvfrom);

/* Linux copy_msghdr_from_user + import_iovec: *iov is the caller's to kfree on success. */
static int msg_import(u64 umsg, struct user_msghdr *um, struct msghdr *msg, struct user_iov **iov)
{
    if (copy_from_user(um, (void *)umsg, sizeof(*um)))
        return -EFAULT;
    if ((int)um->msg_namelen < 0)
        return -EINVAL;
    msg->msg_namelen = um->msg_name ? (int)MIN(um->msg_namelen, (u32)SOCKADDR_MAX) : 0;
    msg->msg_control = um->msg_control;
    msg->msg_controllen = um->msg_controllen;
    msg->msg_kernel_control = false;
    if (um->msg_iovlen > UIO_MAXIOV)
        return -EMSGSIZE;
    return import_user_iovec(um->msg_iov, um->msg_iovlen, iov, &msg->msg_iter);
}

/* One sendmsg on sock; bytes or -errno. */
static long do_sendmsg(struct socket *sock, struct file *f, u64 umsg, unsigned flags)
{
    u8 addr[SOCKADDR_MAX];
    struct user_msghdr um;
    struct msghdr msg = { .msg_name = addr };
    struct user_iov *iov;
    long err = msg_import(umsg, &um, &msg, &iov);

    if (err)
        return err;
    if (msg.msg_namelen && (err = move_addr_to_kernel(um.msg_name, msg.msg_namelen, addr)))
        goto out;
    if (!msg.msg_namelen)
        msg.msg_name = NULL;
    msg.msg_flags = flags | ((f->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
    err = sock_sendmsg(sock, &msg, msg.msg_iter.count);
    sock_send_done();
out:
    kfree(iov);
    return err;
}

/* One recvmsg on sock; writes back msg_name/namelen, msg_flags and msg_controllen. */
static long do_recvmsg(struct socket *sock, struct file *f, u64 umsg, unsigned flags)
{
    u8 addr[SOCKADDR_MAX];
    struct user_msghdr um;
    struct user_msghdr *u = (struct user_msghdr *)umsg;
    struct msghdr msg = { .msg_name = addr };
    struct user_iov *iov;
    long err = msg_import(umsg, &um, &msg, &iov), len;
    u64 control0 = um.msg_control;

    if (err)
        return err;
    msg.msg_flags = flags & MSG_CMSG_CLOEXEC;
    if (f->f_flags & O_NONBLOCK)
        flags |= MSG_DONTWAIT;
    len = err = sock_recvmsg(sock, &msg, msg.msg_iter.count, (int)flags);
    kfree(iov);
    if (err < 0)
        return err;
    if (um.msg_name && (err = move_addr_to_user(addr, msg.msg_namelen, um.msg_name,
                                                 (u64)&u->msg_namelen)) < 0)
        return err;
    if (put_user(msg.msg_flags, &u->msg_flags) ||
        put_user(msg.msg_control - control0, &u->msg_controllen))
        return -EFAULT;
    return len;
}

static long sys_sendmsg(unsigned long fd, unsigned long umsg, unsigned long flags,
                        unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct file *f;
    int err = 0;
    struct socket *sock = sockfd_lookup((int)fd, &err, &f);
    long ret;

    if (!sock)
        return err;
    ret = do_sendmsg(sock, f, umsg, (unsigned)flags);
    fput(f);
    return ret;
}
SYSCALL_DEFINE(sendmsg, sys_sendmsg);

static long sys_recvmsg(unsigned long fd, unsigned long umsg, unsigned long flags,
                        unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct file *f;
    int err = 0;
    struct socket *sock = sockfd_lookup((int)fd, &err, &f);
    long ret;

    if (!sock)
        return err;
    ret = do_recvmsg(sock, f, umsg, (unsigned)flags);
    fput(f);
    return ret;
}
SYSCALL_DEFINE(recvmsg, sys_recvmsg);

/* Linux __sys_sendmmsg: stop at the first error; datagrams sent if any, else the error. */
static long sys_sendmmsg(unsigned long fd, unsigned long umsgs, unsigned long vlen,
                         unsigned long flags, unsigned long a4, unsigned long a5)
{
    struct user_mmsghdr *m = (struct user_mmsghdr *)umsgs;
    struct file *f;
    int err = 0;
    struct socket *sock = sockfd_lookup((int)fd, &err, &f);
    long ret = 0, n = 0;

    if (!sock)
        return err;
    vlen = MIN((unsigned)vlen, UIO_MAXIOV);
    for (; (unsigned long)n < vlen; n++) {
        ret = do_sendmsg(sock, f, (u64)&m[n].msg_hdr, (unsigned)flags);
        if (ret < 0)
            break;
        if (put_user((u32)ret, &m[n].msg_len)) {
            ret = -EFAULT;
            break;
        }
    }
    fput(f);
    return n ? n : ret;
}
SYSCALL_DEFINE(sendmmsg, sys_sendmmsg);

/* Linux do_recvmmsg: MSG_WAITFORONE, the timeout checked after each datagram. */
static long recvmmsg_loop(struct socket *sock, struct file *f, struct user_mmsghdr *m,
                          unsigned vlen, unsigned flags, u64 end)
{
    long ret = 0, n = 0;

    for (; (unsigned)n < vlen; n++) {
        ret = do_recvmsg(sock, f, (u64)&m[n].msg_hdr, flags);
        if (ret < 0)
            break;
        if (put_user((u32)ret, &m[n].msg_len)) {
            ret = -EFAULT;
            break;
        }
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
        if (end && ktime_get_ns() >= end) {
            n++;
            break;
        }
    }
    if (ret >= 0 || n == 0)
        return n ? n : ret;
    if (ret != -EAGAIN)
        sock->sk->sk_err = (int)-ret;   /* reported by the next call, as Linux */
    return n;
}

static long sys_recvmmsg(unsigned long fd, unsigned long umsgs, unsigned long vlen,
                         unsigned long flags, unsigned long utimeout, unsigned long a5)
{
    struct user_timespec ts;
    struct file *f;
    struct socket *sock;
    u64 end = 0, now;
    int err = 0;
    long ret;

    if (utimeout) {
        if (copy_from_user(&ts, (void *)utimeout, sizeof(ts)))
            return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
            return -EINVAL;
        end = ktime_get_ns() + (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
    }
    if (!(sock = sockfd_lookup((int)fd, &err, &f)))
        return err;
    ret = recvmmsg_loop(sock, f, (struct user_mmsghdr *)umsgs, MIN((unsigned)vlen, UIO_MAXIOV),
                        (unsigned)flags, end);
    fput(f);
    if (utimeout && ret > 0) {
        now = ktime_get_ns();
        ts.tv_sec = now >= end ? 0 : (s64)((end - now) / NSEC_PER_SEC);
        ts.tv_nsec = now >= end ? 0 : (s64)((end - now) % NSEC_PER_SEC);
        if (copy_to_user((void *)utimeout, &ts, sizeof(ts)))
            return -EFAULT;
    }
    return ret;
}
SYSCALL_DEFINE(recvmmsg, sys_recvmmsg);
