/*
 * Generic socks (Linux net/core/sock.c + datagram.c, reduced): allocation
 * and reference counting, receive/send buffer accounting in truesize bytes,
 * the SOL_SOCKET options, the one blocking helper for datagrams, poll, and
 * the default callbacks that turn protocol events into wake-ups with EPOLL*
 * keys on sk_wq.  Layer: below the socket syscalls and proto_ops, above the
 * transports, which call only the callbacks.  Owns the count of live socks.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/poll.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <net/sock.h>

static unsigned socks_alive;

unsigned sock_count(void)
{
    return socks_alive;
}

struct sock *sk_alloc(int family, struct proto *prot)
{
    struct sock *sk = kzalloc(prot->obj_size);

    if (!sk)
        return NULL;
    sk->sk_family = (u16)family;
    sk->sk_prot = prot;
    sk->sk_refcnt = 1;
    socks_alive++;
    return sk;
}

void sock_init_data(struct socket *sock, struct sock *sk)
{
    skb_queue_head_init(&sk->sk_receive_queue);
    skb_queue_head_init(&sk->sk_write_queue);
    INIT_LIST_HEAD(&sk->sk_node);
    INIT_LIST_HEAD(&sk->sk_bind_node);
    init_waitqueue_head(&sk->sk_wq);
    sk->sk_rcvbuf = SYSCTL_RMEM_DEFAULT;
    sk->sk_sndbuf = SYSCTL_WMEM_DEFAULT;
    sk->sk_rcvlowat = 1;
    sk->sk_rcvtimeo = sk->sk_sndtimeo = WAIT_FOREVER;
    sk->sk_state = TCP_CLOSE;
    sk->sk_state_change = sock_def_wakeup;
    sk->sk_data_ready = sock_def_readable;
    sk->sk_write_space = sock_def_write_space;
    sk->sk_error_report = sock_def_error_report;
    sk->sk_socket = sock;
    if (sock) {
        sk->sk_type = (u16)sock->type;
        sock->sk = sk;
    }
}

void sock_put(struct sock *sk)
{
    if (--sk->sk_refcnt)
        return;
    skb_queue_purge_reason(&sk->sk_receive_queue, SKB_DROP_REASON_NOT_SPECIFIED);
    skb_queue_purge_reason(&sk->sk_write_queue, SKB_DROP_REASON_NOT_SPECIFIED);
    if (sk->sk_destruct)
        sk->sk_destruct(sk);
    if (sk->sk_prot->destroy)
        sk->sk_prot->destroy(sk);
    socks_alive--;
    kfree(sk);
}

void sock_orphan(struct sock *sk)
{
    sock_set_flag(sk, SOCK_DEAD);
    sk->sk_socket = NULL;
    sk->sk_state_change(sk);
}

/* --- buffer accounting -------------------------------------------------- */

static void sock_rfree(struct sk_buff *skb)
{
    struct sock *sk = skb->sk;

    sk->sk_rmem_alloc -= skb->truesize;
    sock_put(sk);
}

void skb_set_owner_r(struct sk_buff *skb, struct sock *sk)
{
    sock_hold(sk);
    skb->sk = sk;
    skb->destructor = sock_rfree;
    sk->sk_rmem_alloc += skb->truesize;
}

/* TX completion (or a drop) returns the space; a blocked sender may go on. */
static void sock_wfree(struct sk_buff *skb)
{
    struct sock *sk = skb->sk;

    sk->sk_wmem_alloc -= skb->truesize;
    if (!sock_flag(sk, SOCK_DEAD))
        sk->sk_write_space(sk);
    sock_put(sk);
}

void skb_set_owner_w(struct sk_buff *skb, struct sock *sk)
{
    sock_hold(sk);
    skb->sk = sk;
    skb->destructor = sock_wfree;
    sk->sk_wmem_alloc += skb->truesize;
}

struct sk_buff *skb_copy(const struct sk_buff *skb)
{
    unsigned size = (unsigned)(skb->end - skb->head);
    struct sk_buff *n = alloc_skb(size);

    if (!n)
        return NULL;
    memcpy(n->head, skb->head, size);
    n->data = n->head + (skb->data - skb->head);
    n->tail = n->data + skb->len;
    n->len = skb->len;
    n->dev = skb->dev;
    n->tstamp = skb->tstamp;
    n->protocol = skb->protocol;
    n->mac_header = skb->mac_header;
    n->network_header = skb->network_header;
    n->transport_header = skb->transport_header;
    n->pkt_type = skb->pkt_type;
    memcpy(n->cb, skb->cb, sizeof(n->cb));
    return n;
}

int sock_queue_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
    /* Linux __sock_queue_rcv_skb: refuse once the buffer is full (one datagram may overshoot). */
    if (sk->sk_rmem_alloc >= (u32)sk->sk_rcvbuf) {
        sk->sk_drops++;
        return -ENOMEM;
    }
    skb_set_owner_r(skb, sk);
    skb_queue_tail(&sk->sk_receive_queue, skb);
    if (!sock_flag(sk, SOCK_DEAD))
        sk->sk_data_ready(sk);
    return 0;
}

void sk_set_err(struct sock *sk, int err)
{
    sk->sk_err = err;
    sk->sk_error_report(sk);
}

struct sk_buff *sock_alloc_send_skb(struct sock *sk, unsigned size, bool nonblock, int *err)
{
    u64 timeo = sock_sndtimeo(sk, nonblock);
    struct sk_buff *skb;

    for (;;) {
        if ((*err = sock_error(sk)))
            return NULL;
        if (sk->sk_shutdown & SEND_SHUTDOWN) {
            *err = -EPIPE;
            return NULL;
        }
        if (sk->sk_wmem_alloc < (u32)sk->sk_sndbuf)
            break;
        if (!timeo || !sk_wait_event(sk, &timeo, sk->sk_wmem_alloc < (u32)sk->sk_sndbuf ||
                                                 sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))) {
            *err = -EAGAIN;
            return NULL;
        }
    }
    skb = alloc_skb(size);
    if (!skb) {
        *err = -ENOMEM;
        return NULL;
    }
    skb_set_owner_w(skb, sk);
    return skb;
}

/* --- receiving ---------------------------------------------------------- */

struct sk_buff *skb_recv_datagram(struct sock *sk, unsigned flags, bool nonblock, int *err)
{
    u64 timeo = sock_rcvtimeo(sk, nonblock || (flags & MSG_DONTWAIT));
    struct sk_buff *skb;

    for (;;) {
        if (!skb_queue_empty(&sk->sk_receive_queue))
            break;
        if ((*err = sock_error(sk)))
            return NULL;
        if (sk->sk_shutdown & RCV_SHUTDOWN) {
            *err = 0;
            return NULL;
        }
        if (!timeo || !sk_wait_event(sk, &timeo, !skb_queue_empty(&sk->sk_receive_queue) ||
                                                 sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN))) {
            *err = -EAGAIN;
            return NULL;
        }
    }
    skb = list_first_entry(&sk->sk_receive_queue.head, struct sk_buff, list);
    if (flags & MSG_PEEK)
        return skb_get(skb);
    skb_unlink(skb, &sk->sk_receive_queue);
    return skb;
}

unsigned datagram_poll(struct file *file, struct socket *sock, poll_table *pt)
{
    struct sock *sk = sock->sk;
    unsigned mask = 0;

    poll_wait(file, &sk->sk_wq, pt);
    if (sk->sk_err)
        mask |= EPOLLERR;
    if (sk->sk_shutdown & RCV_SHUTDOWN)
        mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
    if (sk->sk_shutdown == SHUTDOWN_MASK)
        mask |= EPOLLHUP;
    if (!skb_queue_empty(&sk->sk_receive_queue))
        mask |= EPOLLIN | EPOLLRDNORM;
    if (sock_writeable(sk))
        mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
    return mask;
}

/* --- default callbacks -------------------------------------------------- */

void sock_def_readable(struct sock *sk)
{
    wake_up_poll(&sk->sk_wq, EPOLLIN | EPOLLRDNORM);
}

void sock_def_write_space(struct sock *sk)
{
    if (sock_writeable(sk) || waitqueue_active(&sk->sk_wq))
        wake_up_poll(&sk->sk_wq, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
}

void sock_def_wakeup(struct sock *sk)
{
    __wake_up(&sk->sk_wq, TASK_UNINTERRUPTIBLE, 0, NULL);
}

void sock_def_error_report(struct sock *sk)
{
    __wake_up(&sk->sk_wq, TASK_UNINTERRUPTIBLE, 0, (void *)(unsigned long)EPOLLERR);
}
