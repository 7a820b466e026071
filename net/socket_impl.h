/* Shared by net/socket.c and net/socket_msg.c (the socket syscalls); not for protocols. */
#ifndef NET_SOCKET_IMPL_H
#define NET_SOCKET_IMPL_H

#include <kernel/softirq.h>
#include <net/socket.h>

/* Copy a user sockaddr of ulen bytes into kaddr (SOCKADDR_MAX): 0, -EINVAL (ulen < 0 or too big), -EFAULT. */
int move_addr_to_kernel(u64 uaddr, int ulen, void *kaddr);
/*
 * Linux move_addr_to_user: copy min(*ulen, klen) bytes of kaddr to uaddr
 * and store klen (the full length) in *ulen.  0, -EINVAL (*ulen < 0), -EFAULT.
 */
int move_addr_to_user(const void *kaddr, int klen, u64 uaddr, u64 ulen);
/* Install sock in the lowest free fd with O_NONBLOCK/O_CLOEXEC from flags; fd or -errno (sock released). */
int sock_map_fd(struct socket *sock, int flags);

/*
 * After a send: run the softirqs it raised before returning, as Linux's
 * local_bh_enable() in dev_queue_xmit does, so a datagram to one of our own
 * addresses (lo) is already queued when sendto returns (FIONREAD, poll).
 */
static inline void sock_send_done(void)
{
    if (softirq_pending())
        do_softirq();
}

#endif
