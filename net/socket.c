/*
 * Socket system calls and the socket file (Linux net/socket.c, reduced):
 * socket, bind, connect, listen, accept4, getsockname, getpeername,
 * shutdown, setsockopt, getsockopt, and the file glue (read/write/poll/
 * ioctl/release through proto_ops).  The data calls (send*, recv*) are in
 * net/socket_msg.c.  Checks run in Linux's order so a call that breaks
 * several rules gets Linux's errno.  Layer: above a family's proto_ops
 * (net/af_inet.c), below do_syscall.  Owns the family table.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/poll.h>
#include <kernel/process.h>
#include <kernel/prof.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <net/sock.h>
#include "socket_impl.h"

static const struct net_proto_family *families[AF_MAX];

int sock_register(const struct net_proto_family *ops)
{
    if (families[ops->family])
        return -EEXIST;
    families[ops->family] = ops;
    return 0;
}

static struct fdtable *files(void) { return &init_process.files; }

/* --- the socket file --------------------------------------------------- */

long sock_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
    long ret;

    prof_enter(PROF_SOCK);
    ret = sock->ops->sendmsg(sock, msg, len);
    prof_exit();
    return ret;
}

long sock_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
    long ret;

    prof_enter(PROF_SOCK);
    ret = sock->ops->recvmsg(sock, msg, len, flags);
    prof_exit();
    return ret;
}

static long sock_read(struct file *f, char *ubuf, size_t len, u64 *pos)
{
    struct socket *sock = f->private_data;
    struct user_iov iov = { (u64)ubuf, len };
    struct msghdr msg = { 0 };

    iov_iter_init(&msg.msg_iter, ITER_USER, &iov, 1, len);
    return sock_recvmsg(sock, &msg, len, (f->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0);
}

static long sock_write(struct file *f, const char *ubuf, size_t len, u64 *pos)
{
    struct socket *sock = f->private_data;
    struct user_iov iov = { (u64)ubuf, len };
    struct msghdr msg = { .msg_flags = (f->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0 };

    long ret;

    iov_iter_init(&msg.msg_iter, ITER_USER, &iov, 1, len);
    ret = sock_sendmsg(sock, &msg, len);
    sock_send_done();
    return ret;
}

static unsigned sock_poll(struct file *f, struct poll_table_struct *pt)
{
    struct socket *sock = f->private_data;

    return sock->ops->poll(f, sock, pt);
}

static long sock_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
    struct socket *sock = f->private_data;

    return sock->ops->ioctl(sock, cmd, arg);
}

static void sock_close(struct file *f)
{
    struct socket *sock = f->private_data;

    sock->file = NULL;
    sock_release(sock);
}

static const struct file_operations socket_file_ops = {
    .read = sock_read, .write = sock_write, .poll = sock_poll,
    .ioctl = sock_ioctl, .release = sock_close,
};

bool file_is_socket(const struct file *f)
{
    return f->f_op == &socket_file_ops;
}

void sock_release(struct socket *sock)
{
    if (sock->ops)
        sock->ops->release(sock);
    kfree(sock);
}

int sock_create(int family, int type, int protocol, struct socket **res, bool kern)
{
    struct socket *sock;
    int err = 0;

    if (family < 0 || family >= AF_MAX)
        return -EAFNOSUPPORT;
    if (type < 0 || type >= SOCK_MAX)
        return -EINVAL;
    if (!families[family])
        return -EAFNOSUPPORT;
    sock = kzalloc(sizeof(*sock));
    if (!sock)
        return -ENOMEM;
    sock->type = (short)type;
    err = families[family]->create(sock, protocol, kern);
    if (err) {
        sock->ops = NULL;
        sock_release(sock);
        return err;
    }
    *res = sock;
    return 0;
}

struct socket *sockfd_lookup(int fd, int *err, struct file **filep)
{
    struct file *f = fget(files(), fd);

    if (!f) {
        *err = -EBADF;
        return NULL;
    }
    if (!file_is_socket(f)) {
        fput(f);
        *err = -ENOTSOCK;
        return NULL;
    }
    *filep = f;
    return f->private_data;
}

/* Give sock an fd (the file takes the socket); fd or -errno (the socket is released). */
int sock_map_fd(struct socket *sock, int flags)
{
    struct file *f = alloc_file(&socket_file_ops, sock, O_RDWR | (flags & O_NONBLOCK));
    int fd;

    if (!f) {
        sock_release(sock);
        return -ENOMEM;
    }
    sock->file = f;
    fd = fd_install_lowest(files(), f, 0, flags & O_CLOEXEC);
    if (fd < 0)
        fput(f);
    return fd;
}

int move_addr_to_kernel(u64 uaddr, int ulen, void *kaddr)
{
    if (ulen < 0 || ulen > SOCKADDR_MAX)
        return -EINVAL;
    if (ulen == 0)
        return 0;
    return copy_from_user(kaddr, (void *)uaddr, (size_t)ulen);
}

int move_addr_to_user(const void *kaddr, int klen, u64 uaddr, u64 ulen)
{
    int len;

    if (get_user(len, (int *)ulen))
        return -EFAULT;
    len = MIN(len, klen);
    if (len < 0)
        return -EINVAL;
    if (len && copy_to_user((void *)uaddr, kaddr, (size_t)len))
        return -EFAULT;
    return put_user(klen, (int *)ulen);
}

/* --- syscalls ----------------------------------------------------------- */

static long sys_socket(unsigned long family, unsigned long type, unsigned long protocol,
                       unsigned long a3, unsigned long a4, unsigned long a5)
{
    int flags = (int)type & ~SOCK_TYPE_MASK;
    struct socket *sock;
    int err = 0;

    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return -EINVAL;
    err = sock_create((int)family, (int)type & SOCK_TYPE_MASK, (int)protocol, &sock, false);
    return err ? err : sock_map_fd(sock, flags);
}
SYSCALL_DEFINE(socket, sys_socket);

static long sys_socketpair(unsigned long family, unsigned long type, unsigned long protocol,
                           unsigned long usv, unsigned long a4, unsigned long a5)
{
    struct socket *sock;
    int err = 0;

    if ((int)type & ~SOCK_TYPE_MASK & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return -EINVAL;
    err = sock_create((int)family, (int)type & SOCK_TYPE_MASK, (int)protocol, &sock, false);
    if (err)
        return err;
    sock_release(sock);
    return -EOPNOTSUPP;     /* AF_INET has no socketpair (Linux sock_no_socketpair) */
}
SYSCALL_DEFINE(socketpair, sys_socketpair);

static long sys_bind(unsigned long fd, unsigned long uaddr, unsigned long addrlen,
                     unsigned long a3, unsigned long a4, unsigned long a5)
{
    u8 addr[SOCKADDR_MAX];
    struct file *f;
    int err = 0;
    struct socket *sock = sockfd_lookup((int)fd, &err, &f);

    if (!sock)
        return err;
    err = move_addr_to_kernel(uaddr, (int)addrlen, addr);
    if (!err)
        err = sock->ops->bind(sock, addr, (int)addrlen);
    fput(f);
    return err;
}
SYSCALL_DEFINE(bind, sys_bind);

static long sys_connect(unsigned long fd, unsigned long uaddr, unsigned long addrlen,
                        unsigned long a3, unsigned long a4, unsigned long a5)
{
    u8 addr[SOCKADDR_MAX];
    struct file *f;
    int err = 0;
    struct socket *sock = sockfd_lookup((int)fd, &err, &f);

    if (!sock)
        return err;
    err = move_addr_to_kernel(uaddr, (int)addrlen, addr);
    if (!err)
        err = sock->ops->connect(sock, addr, (int)addrlen, (int)f->f_flags);
    fput(f);
    return err;
}
SYSCALL_DEFINE(connect, sys_connect);

static long sys_listen(unsigned long fd, unsigned long backlog, unsigned long a2,
                       unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct file *f;
    int err = 0;
    struct socket *sock = sockfd_lookup((int)fd, &err, &f);

    if (!sock)
        return err;
    err = sock->ops->listen(sock, (int)backlog);
    fput(f);
    return err;
}
SYSCALL_DEFINE(listen, sys_listen);

/* accept4(2): a new socket of the listener's kind gets the connection, then an fd. */
static long do_accept(unsigned long fd, unsigned long uaddr, unsigned long ulen, int flags)
{
    u8 addr[SOCKADDR_MAX];
    struct socket *sock, *newsock;
    struct file *f;
    int err = 0, len;

    if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
        return -EINVAL;
    if (!(sock = sockfd_lookup((int)fd, &err, &f)))
        return err;
    err = -ENOMEM;
    newsock = kzalloc(sizeof(*newsock));
    if (!newsock)
        goto out;
    newsock->type = sock->type;
    newsock->ops = sock->ops;
    err = sock->ops->accept(sock, newsock, (int)f->f_flags | flags);
    if (!err && uaddr) {
        len = newsock->ops->getname(newsock, addr, 2);
        err = len < 0 ? -ECONNABORTED : move_addr_to_user(addr, len, uaddr, ulen);
    }
    if (err) {
        if (!newsock->sk)
            newsock->ops = NULL;
        sock_release(newsock);
    } else {
        err = sock_map_fd(newsock, flags);
    }
out:
    fput(f);
    return err;
}

static long sys_accept(unsigned long fd, unsigned long uaddr, unsigned long ulen,
                       unsigned long a3, unsigned long a4, unsigned long a5)
{
    return do_accept(fd, uaddr, ulen, 0);
}
SYSCALL_DEFINE(accept, sys_accept);

static long sys_accept4(unsigned long fd, unsigned long uaddr, unsigned long ulen,
                        unsigned long flags, unsigned long a4, unsigned long a5)
{
    return do_accept(fd, uaddr, ulen, (int)flags);
}
SYSCALL_DEFINE(accept4, sys_accept4);

static long do_getname(unsigned long fd, unsigned long uaddr, unsigned long ulen, int peer)
{
    u8 addr[SOCKADDR_MAX];
    struct file *f;
    int err = 0, len;
    struct socket *sock = sockfd_lookup((int)fd, &err, &f);

    if (!sock)
        return err;
    len = sock->ops->getname(sock, addr, peer);
    err = len < 0 ? len : move_addr_to_user(addr, len, uaddr, ulen);
    fput(f);
    return err;
}

static long sys_getsockname(unsigned long fd, unsigned long uaddr, unsigned long ulen,
                            unsigned long a3, unsigned long a4, unsigned long a5)
{
    return do_getname(fd, uaddr, ulen, 0);
}
SYSCALL_DEFINE(getsockname, sys_getsockname);

static long sys_getpeername(unsigned long fd, unsigned long uaddr, unsigned long ulen,
                            unsigned long a3, unsigned long a4, unsigned long a5)
{
    return do_getname(fd, uaddr, ulen, 1);
}
SYSCALL_DEFINE(getpeername, sys_getpeername);

static long sys_shutdown(unsigned long fd, unsigned long how, unsigned long a2,
                         unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct file *f;
    int err = 0;
    struct socket *sock = sockfd_lookup((int)fd, &err, &f);

    if (!sock)
        return err;
    err = sock->ops->shutdown(sock, (int)how);
    fput(f);
    return err;
}
SYSCALL_DEFINE(shutdown, sys_shutdown);

/* Linux __sys_setsockopt: negative optlen is EINVAL; SOL_SOCKET is the generic sock's. */
static long sys_setsockopt(unsigned long fd, unsigned long level, unsigned long optname,
                           unsigned long optval, unsigned long optlen, unsigned long a5)
{
    struct file *f;
    int err = 0;
    struct socket *sock;

    if ((int)optlen < 0)
        return -EINVAL;
    if (!(sock = sockfd_lookup((int)fd, &err, &f)))
        return err;
    if ((int)level == SOL_SOCKET)
        err = sock_setsockopt(sock->sk, (int)optname, optval, (unsigned)optlen);
    else
        err = sock->ops->setsockopt(sock, (int)level, (int)optname, optval, (unsigned)optlen);
    fput(f);
    return err;
}
SYSCALL_DEFINE(setsockopt, sys_setsockopt);

static long sys_getsockopt(unsigned long fd, unsigned long level, unsigned long optname,
                           unsigned long optval, unsigned long optlen, unsigned long a5)
{
    struct file *f;
    int err = 0;
    struct socket *sock = sockfd_lookup((int)fd, &err, &f);

    if (!sock)
        return err;
    if ((int)level == SOL_SOCKET)
        err = sock_getsockopt(sock->sk, (int)optname, optval, optlen);
    else
        err = sock->ops->getsockopt(sock, (int)level, (int)optname, optval, optlen);
    fput(f);
    return err;
}
SYSCALL_DEFINE(getsockopt, sys_getsockopt);
