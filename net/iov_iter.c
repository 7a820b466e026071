/*
 * Message data cursors (Linux lib/iov_iter.c, the two kinds we need): copy
 * between kernel buffers and an app's iovecs (ITER_USER, every byte through
 * copy_{to,from}_user so a bad pointer is -EFAULT) or kernel segments
 * (ITER_KVEC, DHCP).  Also import_user_iovec() and put_cmsg().
 * Layer: below the socket syscalls and the transports' sendmsg/recvmsg.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/prof.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <net/socket.h>

#define UIO_MAXIOV      1024            /* segments per call (<linux/uio.h>) */
#define MAX_RW_COUNT    0x7ffff000UL    /* INT_MAX & PAGE_MASK: the most one call moves */

void iov_iter_init(struct iov_iter *i, enum iter_kind kind, const struct user_iov *iov,
                   unsigned long nr_segs, size_t count)
{
    *i = (struct iov_iter){ .kind = kind, .iov = iov, .nr_segs = nr_segs, .count = count };
}

/* Copy up to n bytes between buf and the current segments; to_iter picks the direction. */
static int iter_copy(void *buf, size_t n, struct iov_iter *i, bool to_iter)
{
    u8 *p = buf;

    while (n && i->nr_segs) {
        size_t seg = MIN(n, i->iov->len - i->iov_offset);
        void *at = (void *)(uintptr_t)(i->iov->base + i->iov_offset);
        int err = 0;

        if (i->kind == ITER_KVEC)
            memcpy(to_iter ? at : p, to_iter ? (void *)p : at, seg);
        else
            err = to_iter ? copy_to_user(at, p, seg) : copy_from_user(p, at, seg);
        if (err)
            return err;
        p += seg;
        n -= seg;
        iov_iter_advance(i, seg);
    }
    return 0;
}

int copy_to_iter(const void *src, size_t n, struct iov_iter *i)
{
    int err;

    prof_enter(PROF_COPY);
    err = iter_copy((void *)src, n, i, true);
    prof_exit();
    return err;
}

int copy_from_iter(void *dst, size_t n, struct iov_iter *i)
{
    int err;

    prof_enter(PROF_COPY);
    err = iter_copy(dst, n, i, false);
    prof_exit();
    return err;
}

void iov_iter_advance(struct iov_iter *i, size_t n)
{
    n = MIN(n, i->count);
    i->count -= n;
    while (n) {
        size_t left = i->iov->len - i->iov_offset;

        if (n < left) {
            i->iov_offset += n;
            return;
        }
        n -= left;
        i->iov++;
        i->nr_segs--;
        i->iov_offset = 0;
    }
    while (i->nr_segs && i->iov_offset == i->iov->len) {   /* empty or finished segments */
        i->iov++;
        i->nr_segs--;
        i->iov_offset = 0;
    }
}

int import_user_iovec(u64 uvec, u64 nr_segs, struct user_iov **out, struct iov_iter *i)
{
    struct user_iov *iov;
    u64 total = 0;

    if (nr_segs > UIO_MAXIOV)
        return -EMSGSIZE;
    iov = kmalloc(MAX(nr_segs, 1UL) * sizeof(*iov));
    if (!iov)
        return -ENOMEM;
    if (copy_from_user(iov, (void *)uvec, nr_segs * sizeof(*iov)))
        goto fault;
    for (u64 s = 0; s < nr_segs; s++) {
        if ((s64)iov[s].len < 0) {
            kfree(iov);
            return -EINVAL;
        }
        if (!access_ok((void *)iov[s].base, iov[s].len))
            goto fault;
        iov[s].len = MIN(iov[s].len, MAX_RW_COUNT - total);
        total += iov[s].len;
    }
    *out = iov;
    iov_iter_init(i, ITER_USER, iov, nr_segs, total);
    return 0;
fault:
    kfree(iov);
    return -EFAULT;
}

/* Linux put_cmsg(): a header and len bytes, the space aligned; too little room sets MSG_CTRUNC. */
int put_cmsg(struct msghdr *msg, int level, int type, unsigned len, const void *data)
{
    struct cmsghdr h = { CMSG_LEN(len), level, type };
    u64 space = CMSG_SPACE(len);
    int err;

    if (!msg->msg_control)
        return 0;
    if (msg->msg_controllen < sizeof(h)) {
        msg->msg_flags |= MSG_CTRUNC;
        return 0;
    }
    if (msg->msg_controllen < h.cmsg_len) {
        msg->msg_flags |= MSG_CTRUNC;
        h.cmsg_len = msg->msg_controllen;
    }
    if (msg->msg_kernel_control) {
        memcpy((void *)msg->msg_control, &h, sizeof(h));
        memcpy((u8 *)msg->msg_control + sizeof(h), data, h.cmsg_len - sizeof(h));
        err = 0;
    } else {
        err = copy_to_user((void *)msg->msg_control, &h, sizeof(h));
        if (!err)
            err = copy_to_user((u8 *)msg->msg_control + sizeof(h), data, h.cmsg_len - sizeof(h));
    }
    if (err)
        return err;
    space = MIN(space, msg->msg_controllen);
    msg->msg_control += space;
    msg->msg_controllen -= space;
    return 0;
}
