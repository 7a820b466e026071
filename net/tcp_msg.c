/*
 * TCP data transfer for the app: RFC 9293 §3.10.2 SEND and §3.10.3
 * RECEIVE as Linux's socket calls give them (send buffer, MSG_MORE,
 * MSG_DONTWAIT, EPIPE; MSG_WAITALL, MSG_PEEK, SO_RCVLOWAT, 0 after FIN),
 * the receive-side window update after a read (RFC 1122 §4.2.3.3), stream
 * poll, ioctl and the SOL_TCP options.
 * Layer: below af_inet.c's proto_ops; above tcp_output.c.  No signals
 * exist here, so MSG_NOSIGNAL changes nothing: EPIPE is always returned.
 */
#include <asm/ioctls.h>
#include <kernel/errno.h>
#include <kernel/poll.h>
#include <kernel/uaccess.h>
#include <net/byteorder.h>
#include "tcp_impl.h"

/* ---- sending --------------------------------------------------------------------------- */

static bool tcp_sendable_state(const struct sock *sk)
{
    return sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_CLOSE_WAIT;
}

/* The unsent tail skb if it holds fewer than goal bytes (and has room), else NULL. */
static struct sk_buff *tcp_tail_for_append(struct sock *sk, unsigned goal)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *tail;

    if (!tp->send_head)
        return NULL;
    tail = list_entry(sk->sk_write_queue.head.prev, struct sk_buff, list);
    if ((TCP_SKB_CB(tail)->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN)) || tail->len >= goal ||
        !skb_tailroom(tail))
        return NULL;
    return tail;
}

/*
 * A new write-queue skb, charged to the send buffer; NULL when it is full.
 * Room for mss_cache bytes, the most a segment may carry, though it is
 * filled only to tcp_current_mss() while SACK blocks take their share.
 */
static struct sk_buff *tcp_new_tail(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb;

    if (sk->sk_wmem_alloc >= (u32)sk->sk_sndbuf || !(skb = alloc_skb(tp->mss_cache)))
        return NULL;
    skb_set_owner_w(skb, sk);
    *TCP_SKB_CB(skb) = (struct tcp_skb_cb){ .seq = tp->write_seq, .end_seq = tp->write_seq };
    skb_queue_tail(&sk->sk_write_queue, skb);
    if (!tp->send_head)
        tp->send_head = skb;
    return skb;
}

/* Wait until a send may go on: connected with buffer space, or an error.  0 or -errno. */
static int tcp_send_wait(struct sock *sk, u64 *timeo)
{
    for (;;) {
        if (sk->sk_err)
            return sock_error(sk);
        if (sk->sk_shutdown & SEND_SHUTDOWN)
            return -EPIPE;
        if (!tcp_sendable_state(sk) && sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV)
            return -EPIPE;      /* Linux sk_stream_wait_connect: never connected, or closed */
        if (tcp_sendable_state(sk) && sk->sk_wmem_alloc < (u32)sk->sk_sndbuf)
            return 0;
        tcp_push_pending(sk);
        if (!*timeo || !sk_wait_event(sk, timeo, sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN) ||
                                      (tcp_sendable_state(sk) && sk->sk_wmem_alloc < (u32)sk->sk_sndbuf) ||
                                      sk->sk_state == TCP_CLOSE))
            return -EAGAIN;
    }
}

/*
 * Skbs are filled to the size goal, tcp_current_mss() (Linux tcp_sendmsg
 * by tcp_send_mss): what one segment carries with the options it has now,
 * so that while SACK blocks go out a full skb leaves as one segment rather
 * than as 1448 bytes and a 12-byte rest.  Asked again after a wait, which
 * may have let segments in.
 */
#define TCP_PUSH_BATCH 16       /* full segments queued unsent before sendmsg pushes them */

long tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u64 timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
    size_t copied = 0;
    int err = 0;

    while (copied < len) {
        bool ready = tcp_sendable_state(sk);
        unsigned goal = ready ? tcp_current_mss(sk) : 0;
        struct sk_buff *skb = ready ? tcp_tail_for_append(sk, goal) : NULL;
        unsigned n;

        if (!skb) {
            if ((err = tcp_send_wait(sk, &timeo)))
                break;
            goal = tcp_current_mss(sk);
            if (!(skb = tcp_tail_for_append(sk, goal)) && !(skb = tcp_new_tail(sk))) {
                err = -EAGAIN;  /* memory: as a full buffer */
                break;
            }
        }
        n = goal - skb->len;
        if (n > skb_tailroom(skb))
            n = skb_tailroom(skb);
        if (n > len - copied)
            n = (unsigned)(len - copied);
        if ((err = copy_from_iter(skb_put(skb, n), n, &msg->msg_iter))) {
            skb_trim(skb, skb->len - n);
            break;
        }
        TCP_SKB_CB(skb)->end_seq += n;
        tp->write_seq += n;
        copied += n;
        /* A full skb goes at once into an idle pipe (latency); while data is
         * in flight, skbs gather until a TSO frame's worth waits
         * (TCP_PUSH_BATCH) and leave together, or go at the end of this call
         * or with the next ACK (Linux sizes its skbs for TSO instead). */
        if (skb->len >= goal && (tp->snd_nxt == tp->snd_una ||
                                 tp->write_seq - tp->snd_nxt >= TCP_PUSH_BATCH * goal))
            tcp_push_pending(sk);
    }
    if (!(msg->msg_flags & MSG_MORE))
        tp->pushed_seq = tp->write_seq;
    tcp_push_pending(sk);
    return copied ? (long)copied : err;
}

/* ---- receiving ------------------------------------------------------------------------- */

/*
 * After the app read: if the window we could offer has grown enough, tell
 * the peer now rather than waiting for its next segment (Linux
 * tcp_cleanup_rbuf; RFC 1122 §4.2.3.3 keeps the step >= one MSS).
 */
static void tcp_cleanup_rbuf(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u32 cur = tcp_receive_window(tp), space = tcp_space(sk);

    if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN || (sk->sk_shutdown & RCV_SHUTDOWN))
        return;
    if (space > cur && space - cur >= tp->advmss && (space >= 2 * cur || !cur))
        tcp_send_ack(sk);
}

/* Copy up to len bytes from sequence *seq on; dequeue what is fully read unless peeking. */
static int tcp_copy_queued(struct sock *sk, struct msghdr *msg, size_t len, u32 *seq, bool peek,
                           size_t *copied)
{
    struct sk_buff *skb, *tmp;

    skb_queue_walk_safe(&sk->sk_receive_queue, skb, tmp) {
        u32 off = *seq - TCP_SKB_CB(skb)->seq;
        size_t n = skb->len - off;

        if (off >= skb->len)
            continue;
        if (n > len - *copied)
            n = len - *copied;
        if (copy_to_iter(skb->data + off, n, &msg->msg_iter))
            return -EFAULT;
        *seq += (u32)n;
        *copied += n;
        if (!peek) {
            tcp_sk(sk)->copied_seq = *seq;
            if (off + n == skb->len) {
                skb_unlink(skb, &sk->sk_receive_queue);
                consume_skb(skb);
            }
        }
        if (*copied == len)
            break;
    }
    return 0;
}

long tcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *addr_len)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u64 timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
    bool peek = flags & MSG_PEEK;
    size_t target = (flags & MSG_WAITALL) ? len : len < (size_t)sk->sk_rcvlowat ? len : (size_t)sk->sk_rcvlowat;
    size_t copied = 0;
    u32 seq = tp->copied_seq;
    int err = 0;

    *addr_len = 0;
    if (sk->sk_state == TCP_LISTEN)
        return -ENOTCONN;
    while (copied < len) {
        if ((err = tcp_copy_queued(sk, msg, len, &seq, peek, &copied)))
            break;
        if (copied >= target && (copied == len || skb_queue_empty(&sk->sk_receive_queue) || peek))
            break;
        /* Linux's order: end of stream, then a pending error, then shutdown, then never connected. */
        if (copied >= target || sock_flag(sk, SOCK_DONE))
            break;
        if (sk->sk_err) {
            err = copied ? 0 : sock_error(sk);
            break;
        }
        if (sk->sk_shutdown & RCV_SHUTDOWN)
            break;
        if (sk->sk_state == TCP_CLOSE) {
            err = -ENOTCONN;
            break;
        }
        if (!peek)
            tcp_cleanup_rbuf(sk);
        if (!timeo || !sk_wait_event(sk, &timeo, tp->rcv_nxt != seq || sk->sk_err ||
                                     (sk->sk_shutdown & RCV_SHUTDOWN) || sk->sk_state == TCP_CLOSE)) {
            err = -EAGAIN;
            break;
        }
    }
    if (copied && !peek)
        tcp_cleanup_rbuf(sk);
    return copied ? (long)copied : err;
}

/* ---- poll and ioctl ------------------------------------------------------------------- */

unsigned tcp_poll(struct file *file, struct socket *sock, poll_table *pt)
{
    struct sock *sk = sock->sk;
    const struct tcp_sock *tp = tcp_sk(sk);
    unsigned mask = 0;

    poll_wait(file, &sk->sk_wq, pt);
    if (sk->sk_state == TCP_LISTEN)
        return list_empty(&inet_csk(sk)->icsk_accept_queue) ? 0 : EPOLLIN | EPOLLRDNORM;
    if (sk->sk_shutdown == SHUTDOWN_MASK || sk->sk_state == TCP_CLOSE)
        mask |= EPOLLHUP;
    if (sk->sk_shutdown & RCV_SHUTDOWN)
        mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
    if (sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV) {
        u32 avail = tp->rcv_nxt - tp->copied_seq - (sock_flag(sk, SOCK_DONE) ? 1 : 0);

        if (avail && avail >= (u32)(sk->sk_rcvlowat > 0 ? sk->sk_rcvlowat : 1))
            mask |= EPOLLIN | EPOLLRDNORM;
        if ((sk->sk_shutdown & SEND_SHUTDOWN) || sk->sk_wmem_alloc < (u32)sk->sk_sndbuf)
            mask |= EPOLLOUT | EPOLLWRNORM;
    }
    if (sk->sk_err)
        mask |= EPOLLERR;
    return mask;
}

int tcp_ioctl(struct sock *sk, unsigned cmd, unsigned long arg)
{
    const struct tcp_sock *tp = tcp_sk(sk);
    int v;

    if (cmd == FIONREAD) {
        if (sk->sk_state == TCP_LISTEN)
            return -EINVAL;
        v = (int)(tp->rcv_nxt - tp->copied_seq - (sock_flag(sk, SOCK_DONE) ? 1 : 0));
    } else if (cmd == TIOCOUTQ) {
        v = sk->sk_state == TCP_LISTEN ? 0 : (int)(tp->write_seq - tp->snd_una - (tp->fin_queued ? 1 : 0));
    } else {
        return -ENOIOCTLCMD;
    }
    return put_user(v, (int *)arg);
}

/* ---- SOL_TCP options (Linux do_tcp_setsockopt) ----------------------------------------- */

int tcp_setsockopt(struct sock *sk, int level, int optname, u64 optval, unsigned optlen)
{
    struct tcp_sock *tp = tcp_sk(sk);
    int val, err;

    if (level != SOL_TCP)
        return -ENOPROTOOPT;
    if ((err = sockopt_get_int(optval, optlen, &val)))
        return err;
    switch (optname) {
    case TCP_NODELAY:
        tp->nonagle = val ? tp->nonagle | TCP_NAGLE_OFF | TCP_NAGLE_PUSH : tp->nonagle & ~TCP_NAGLE_OFF;
        tcp_push_pending(sk);
        return 0;
    case TCP_CORK:
        if (val) {
            tp->nonagle |= TCP_NAGLE_CORK;
            return 0;
        }
        tp->nonagle = (tp->nonagle & ~TCP_NAGLE_CORK) | TCP_NAGLE_PUSH;
        tp->pushed_seq = tp->write_seq;
        tcp_push_pending(sk);
        return 0;
    case TCP_MAXSEG:
        if (val && (val < TCP_MIN_MSS || val > 65535 - 40))
            return -EINVAL;
        tp->user_mss = (u16)val;
        return 0;
    case TCP_USER_TIMEOUT:
        if (val < 0)
            return -EINVAL;
        inet_csk(sk)->icsk_user_timeout = (u64)val * NSEC_PER_MSEC;
        return 0;
    case TCP_SYNCNT:
        if (val < 1 || val > 127)
            return -EINVAL;
        inet_csk(sk)->icsk_syn_retries = (u8)val;
        return 0;
    case TCP_LINGER2:
        tp->linger2 = val <= 0 ? 0 : (u64)val * NSEC_PER_SEC;
        return 0;
    case TCP_KEEPIDLE:
    case TCP_KEEPINTVL:
    case TCP_KEEPCNT:
        return tcp_set_keepalive_opt(sk, optname, val);
    case TCP_QUICKACK:
        if (val)
            inet_csk(sk)->icsk_ack.quick = 16;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

int tcp_getsockopt(struct sock *sk, int level, int optname, u64 optval, u64 optlen)
{
    const struct tcp_sock *tp = tcp_sk(sk);
    int val;

    if (level != SOL_TCP)
        return -ENOPROTOOPT;
    switch (optname) {
    case TCP_NODELAY: val = !!(tp->nonagle & TCP_NAGLE_OFF); break;
    case TCP_CORK: val = !!(tp->nonagle & TCP_NAGLE_CORK); break;
    case TCP_MAXSEG:
        val = tp->user_mss && sk->sk_state == TCP_CLOSE ? tp->user_mss : tp->mss_cache;
        break;
    case TCP_USER_TIMEOUT: val = (int)(inet_csk(sk)->icsk_user_timeout / NSEC_PER_MSEC); break;
    case TCP_SYNCNT:
        val = inet_csk(sk)->icsk_syn_retries ? inet_csk(sk)->icsk_syn_retries : TCP_SYN_RETRIES;
        break;
    case TCP_LINGER2: val = (int)((tp->linger2 ? tp->linger2 : TCP_FIN_TIMEOUT) / NSEC_PER_SEC); break;
    case TCP_KEEPIDLE:
        val = (int)((tp->keepalive_time ? tp->keepalive_time : TCP_KEEPALIVE_TIME) / NSEC_PER_SEC);
        break;
    case TCP_KEEPINTVL:
        val = (int)((tp->keepalive_intvl ? tp->keepalive_intvl : TCP_KEEPALIVE_INTVL) / NSEC_PER_SEC);
        break;
    case TCP_KEEPCNT: val = tp->keepalive_probes ? tp->keepalive_probes : TCP_KEEPALIVE_PROBES; break;
    case TCP_QUICKACK: val = inet_csk(sk)->icsk_ack.quick > 0; break;
    default:
        return -ENOPROTOOPT;
    }
    return sockopt_put_int(optval, optlen, val);
}

/* TCP_KEEPIDLE/INTVL (1..32767 s) and TCP_KEEPCNT (1..127), Linux's ranges; the timer re-arms. */
int tcp_set_keepalive_opt(struct sock *sk, int optname, int val)
{
    struct tcp_sock *tp = tcp_sk(sk);

    if (val < 1 || val > (optname == TCP_KEEPCNT ? 127 : 32767))
        return -EINVAL;
    if (optname == TCP_KEEPIDLE)
        tp->keepalive_time = (u64)val * NSEC_PER_SEC;
    else if (optname == TCP_KEEPINTVL)
        tp->keepalive_intvl = (u64)val * NSEC_PER_SEC;
    else
        tp->keepalive_probes = (u8)val;
    if (sock_flag(sk, SOCK_KEEPOPEN) && tcp_sendable_state(sk))
        tcp_set_keepalive(sk, true);
    return 0;
}
