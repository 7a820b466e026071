/*
 * TCP's struct proto, connection life cycle: the user calls of RFC 9293
 * §3.10 (OPEN active/passive, CLOSE, ABORT) as Linux's socket API gives
 * them: connect (blocking or EINPROGRESS), listen (backlog clamped to
 * SOMAXCONN), accept (oldest child, wake-one), shutdown, close (FIN, or RST
 * with unread data or SO_LINGER 0), disconnect; and the state changes
 * every other file goes through (tcp_set_state, tcp_done).
 * Layer: below af_inet.c's proto_ops, above tcp_output.c / tcp_ipv4.c.
 * Data transfer, poll and options are in tcp_msg.c.
 */
#include <kernel/errno.h>
#include <kernel/time.h>
#include <kernel/string.h>
#include <net/byteorder.h>
#include "tcp_impl.h"

/* ---- state ----------------------------------------------------------------------- */

void tcp_set_state(struct sock *sk, int state)
{
    int old = sk->sk_state;
    bool was = old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT;
    bool is = state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT;

    if (is && !was)
        tcp_stats.curr_estab++;
    else if (was && !is)
        tcp_stats.curr_estab--;
    sk->sk_state = (u8)state;
    if (state == TCP_CLOSE) {
        tcp_v4_unhash(sk);
        if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
            tcp_v4_put_port(sk);
    }
}

/* Drop everything queued for sending and the out-of-order data (close, reset, TIME-WAIT). */
void tcp_purge_send_state(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);

    skb_queue_purge_reason(&sk->sk_write_queue, SKB_DROP_REASON_NOT_SPECIFIED);
    tcp_ofo_purge(sk);
    tp->send_head = NULL;
    tp->packets_out = 0;
    tp->sacked_out = tp->lost_out = tp->retrans_out = 0;
}

/* An orphan's last moment (Linux inet_csk_destroy_sock): the reference close() left goes. */
static void tcp_destroy_orphan(struct sock *sk)
{
    skb_queue_purge_reason(&sk->sk_receive_queue, SKB_DROP_REASON_NOT_SPECIFIED);
    sock_put(sk);
}

void tcp_done(struct sock *sk, int err)
{
    if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
        inet_csk(sk)->icsk_ack.pending = 0;
    tcp_set_state(sk, TCP_CLOSE);
    tcp_clear_xmit_timers(sk);
    tcp_purge_send_state(sk);
    sk->sk_shutdown = SHUTDOWN_MASK;
    if (sock_flag(sk, SOCK_DEAD)) {
        tcp_destroy_orphan(sk);
        return;
    }
    if (err)
        sk_set_err(sk, err);
    sk->sk_state_change(sk);
}

/* ---- sock setup -------------------------------------------------------------------- */

int tcp_init_sock(struct sock *sk)
{
    struct inet_connection_sock *icsk = inet_csk(sk);
    struct tcp_sock *tp = tcp_sk(sk);

    sk->sk_type = SOCK_STREAM;
    sk->sk_protocol = IPPROTO_TCP;
    INIT_LIST_HEAD(&icsk->icsk_accept_queue);
    INIT_LIST_HEAD(&icsk->icsk_accept_node);
    skb_queue_head_init(&tp->out_of_order_queue);
    tcp_init_xmit_timers(sk);
    tp->mss_cache = TCP_MSS_DEFAULT;
    tp->advmss = TCP_MSS_DEFAULT;
    inet_sk(sk)->uc_ttl = inet_sk(sk)->uc_ttl ? inet_sk(sk)->uc_ttl : -1;
    return 0;
}

/* What an accepted child takes from its listener (Linux sk_clone_lock + tcp_create_openreq_child). */
void tcp_inherit_settings(struct sock *child, const struct sock *sk)
{
    const struct tcp_sock *ltp = tcp_sk(sk);
    struct tcp_sock *tp = tcp_sk(child);

    child->sk_rcvbuf = sk->sk_rcvbuf;
    child->sk_sndbuf = sk->sk_sndbuf;
    child->sk_userlocks = sk->sk_userlocks & (SOCK_SNDBUF_LOCK | SOCK_RCVBUF_LOCK | SOCK_BINDPORT_LOCK);
    child->sk_reuse = sk->sk_reuse;
    child->sk_flags = sk->sk_flags & ~(1UL << SOCK_DEAD | 1UL << SOCK_DONE);
    child->sk_lingertime = sk->sk_lingertime;
    child->sk_rcvlowat = sk->sk_rcvlowat;
    child->sk_rcvtimeo = sk->sk_rcvtimeo;
    child->sk_sndtimeo = sk->sk_sndtimeo;
    child->sk_bound_dev_if = sk->sk_bound_dev_if;
    child->sk_priority = sk->sk_priority;
    inet_sk(child)->tos = inet_sk(sk)->tos;
    inet_sk(child)->uc_ttl = inet_sk(sk)->uc_ttl;
    tp->nonagle = ltp->nonagle;
    tp->user_mss = ltp->user_mss;
    tp->keepalive_time = ltp->keepalive_time;
    tp->keepalive_intvl = ltp->keepalive_intvl;
    tp->keepalive_probes = ltp->keepalive_probes;
    tp->linger2 = ltp->linger2;
    inet_csk(child)->icsk_user_timeout = inet_csk(sk)->icsk_user_timeout;
    inet_csk(child)->icsk_syn_retries = inet_csk(sk)->icsk_syn_retries;
}

/* ---- MSS (RFC 9293 §3.7.1, RFC 879, RFC 1191) ------------------------------------------ */

u16 tcp_route_advmss(__be32_t saddr, __be32_t daddr, int oif)
{
    struct flowi4 fl = { .daddr = daddr, .saddr = saddr, .oif = oif, .proto = IPPROTO_TCP };
    struct rtable rt;

    if (ip_route_output(&fl, &rt) || !rt.dev)
        return TCP_MSS_DEFAULT;
    return (u16)(rt.dev->mtu - sizeof(struct iphdr) - TCP_HDR_MIN);
}

/* Effective send MSS from the path MTU, the peer's MSS option and TCP_MAXSEG, less fixed options. */
static void tcp_sync_mss(struct sock *sk, u32 pmtu)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u32 mss = pmtu - sizeof(struct iphdr) - TCP_HDR_MIN;
    u32 peer = tp->rx_opt.mss_clamp ? tp->rx_opt.mss_clamp : TCP_MSS_DEFAULT;

    if (peer < mss)
        mss = peer;
    if (tp->user_mss && tp->user_mss < mss)
        mss = tp->user_mss;
    if (tp->rx_opt.tstamp_ok)
        mss -= TCPOLEN_TIMESTAMP + 2;   /* every segment carries NOP NOP TS */
    if (mss < TCP_MIN_MSS - 40)
        mss = TCP_MIN_MSS - 40;
    tp->mss_cache = (u16)mss;
    inet_csk(sk)->icsk_pmtu_cookie = pmtu;
}

void tcp_mtu_reduced(struct sock *sk, u32 mtu)
{
    if (mtu >= 576 && mtu < inet_csk(sk)->icsk_pmtu_cookie)
        tcp_sync_mss(sk, mtu);
}

/* ESTABLISHED reached (either side): sizes, congestion state, keepalive (Linux tcp_init_transfer). */
void tcp_init_transfer(struct sock *sk)
{
    struct inet_sock *inet = inet_sk(sk);
    struct tcp_sock *tp = tcp_sk(sk);

    tcp_sync_mss(sk, tcp_route_advmss(inet->inet_saddr, inet->inet_daddr, sk->sk_bound_dev_if) +
                     sizeof(struct iphdr) + TCP_HDR_MIN);
    tcp_cong_init(sk);
    tp->rcv_tstamp = ktime_get_ns();
    inet_csk(sk)->icsk_ack.quick = 16;  /* ACK the first segments at once, as Linux's quick-ack mode */
    if (sock_flag(sk, SOCK_KEEPOPEN))
        tcp_set_keepalive(sk, true);
}

/* ---- active open (RFC 9293 §3.10.1) --------------------------------------------------- */

int tcp_v4_connect(struct sock *sk, const void *addr, int addrlen)
{
    struct inet_sock *inet = inet_sk(sk);
    struct tcp_sock *tp = tcp_sk(sk);
    struct sockaddr_in sin;
    struct flowi4 fl = { .proto = IPPROTO_TCP, .oif = sk->sk_bound_dev_if };
    struct rtable rt;
    int err = inet_addr_from(addr, addrlen, &sin);

    if (err)
        return err;
    fl.daddr = sin.sin_addr;
    fl.saddr = inet->inet_saddr;
    if ((err = ip_route_output(&fl, &rt)))
        return err;
    if (rt.rt_type == RTN_BROADCAST || rt.rt_type == RTN_MULTICAST)
        return -ENETUNREACH;
    inet->inet_daddr = sin.sin_addr;
    inet->inet_dport = sin.sin_port;
    if (!inet->inet_saddr)
        inet->inet_saddr = inet->inet_rcv_saddr = fl.saddr;
    if (!inet->inet_num ? tcp_v4_get_port(sk, 0) : tcp_v4_tuple_in_use(sk)) {
        inet->inet_daddr = 0;
        inet->inet_dport = 0;
        return -EADDRNOTAVAIL;
    }
    tcp_set_state(sk, TCP_SYN_SENT);
    tcp_v4_hash(sk);
    tp->iss = secure_tcp_seq(inet->inet_saddr, inet->inet_daddr, inet->inet_sport, inet->inet_dport);
    tp->snd_una = tp->snd_nxt = tp->write_seq = tp->pushed_seq = tp->iss;
    tp->snd_wl2 = tp->iss;
    tp->advmss = tcp_route_advmss(inet->inet_saddr, inet->inet_daddr, sk->sk_bound_dev_if);
    if (tp->user_mss && tp->user_mss < tp->advmss)
        tp->advmss = tp->user_mss;
    tcp_stats.active_opens++;
    return tcp_connect_send_syn(sk);
}

static bool tcp_connecting(const struct sock *sk)
{
    return sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV;
}

/* Linux __inet_stream_connect: EINPROGRESS, EALREADY, EISCONN, and the result through SO_ERROR. */
static int tcp_stream_connect(struct socket *sock, const void *addr, int addrlen, int flags)
{
    struct sock *sk = sock->sk;
    u64 timeo;
    int err;

    if (addrlen >= 2 && *(const u16 *)addr == AF_UNSPEC) {
        err = tcp_disconnect(sk, flags);
        sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
        return err;
    }
    switch (sock->state) {
    case SS_CONNECTED:
        return -EISCONN;
    case SS_CONNECTING:
        err = -EALREADY;
        break;
    case SS_UNCONNECTED:
        if (sk->sk_state != TCP_CLOSE)
            return -EISCONN;
        if ((err = tcp_v4_connect(sk, addr, addrlen)))
            return err;
        sock->state = SS_CONNECTING;
        err = -EINPROGRESS;
        break;
    default:
        return -EINVAL;
    }
    timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
    if (tcp_connecting(sk)) {
        if (!timeo || !sk_wait_event(sk, &timeo, !tcp_connecting(sk)))
            return timeo || (flags & O_NONBLOCK) ? err : -EINPROGRESS;
    }
    if (sk->sk_state == TCP_CLOSE) {
        err = sock_error(sk);
        sock->state = SS_UNCONNECTED;
        return err ? err : -ECONNABORTED;
    }
    sock->state = SS_CONNECTED;
    return 0;
}

/* ---- passive open ------------------------------------------------------------------------ */

int tcp_listen(struct sock *sk, int backlog)
{
    struct inet_connection_sock *icsk = inet_csk(sk);

    if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN)
        return -EINVAL;
    icsk->icsk_max_backlog = backlog < 0 ? 0 : backlog > SOMAXCONN ? SOMAXCONN : (u32)backlog;
    if (sk->sk_state == TCP_LISTEN)
        return 0;
    if (!inet_sk(sk)->inet_num && tcp_v4_get_port(sk, 0))
        return -EADDRINUSE;
    sk->sk_state = TCP_LISTEN;
    /* A port bound while CLOSED may now conflict with a listener (the bind table's rule). */
    tcp_v4_hash(sk);
    return 0;
}

void tcp_accept_enqueue(struct sock *sk, struct sock *child)
{
    list_add_tail(&inet_csk(child)->icsk_accept_node, &inet_csk(sk)->icsk_accept_queue);
    inet_csk(sk)->icsk_accept_qlen++;
    sk->sk_data_ready(sk);
}

/* The oldest completed connection; waiters are exclusive, so one connection wakes one thread. */
struct sock *tcp_accept(struct sock *sk, int flags, int *err)
{
    struct inet_connection_sock *icsk = inet_csk(sk);
    u64 timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
    struct sock *child;

    if (sk->sk_state != TCP_LISTEN) {
        *err = -EINVAL;
        return NULL;
    }
    if (list_empty(&icsk->icsk_accept_queue)) {
        if (!timeo || !wait_event_exclusive_timeout(&sk->sk_wq, !list_empty(&icsk->icsk_accept_queue) ||
                                                    sk->sk_state != TCP_LISTEN, timeo)) {
            *err = -EAGAIN;
            return NULL;
        }
        if (sk->sk_state != TCP_LISTEN) {
            *err = -EINVAL;
            return NULL;
        }
    }
    child = (struct sock *)list_first_entry(&icsk->icsk_accept_queue, struct inet_connection_sock,
                                            icsk_accept_node);
    list_del_init(&inet_csk(child)->icsk_accept_node);
    icsk->icsk_accept_qlen--;
    *err = 0;
    return child;
}

/* Close a listener: half-open requests vanish, queued children are reset (Linux inet_csk_listen_stop). */
static void tcp_listen_stop(struct sock *sk)
{
    struct inet_connection_sock *icsk = inet_csk(sk);

    tcp_reqsk_purge_listener(sk);
    while (!list_empty(&icsk->icsk_accept_queue)) {
        struct sock *child = (struct sock *)list_first_entry(&icsk->icsk_accept_queue,
                                                             struct inet_connection_sock, icsk_accept_node);

        list_del_init(&inet_csk(child)->icsk_accept_node);
        icsk->icsk_accept_qlen--;
        sock_set_flag(child, SOCK_DEAD);
        if (child->sk_state != TCP_CLOSE) {
            tcp_send_active_reset(child);
            tcp_stats.abort_on_close++;
        }
        if (child->sk_state == TCP_CLOSE)
            tcp_destroy_orphan(child);
        else
            tcp_done(child, 0);
    }
}

/* ---- close and shutdown (RFC 9293 §3.10.4) -------------------------------------------- */

/* Move to the state a FIN takes us to; true if a FIN must be sent (Linux tcp_close_state). */
static bool tcp_close_state(struct sock *sk)
{
    switch (sk->sk_state) {
    case TCP_ESTABLISHED:
    case TCP_SYN_RECV:
        tcp_set_state(sk, TCP_FIN_WAIT1);
        return true;
    case TCP_CLOSE_WAIT:
        tcp_set_state(sk, TCP_LAST_ACK);
        return true;
    case TCP_SYN_SENT:
        tcp_done(sk, 0);
        return false;
    default:
        return false;
    }
}

void tcp_shutdown(struct sock *sk, int how)
{
    if ((how & SEND_SHUTDOWN) && tcp_close_state(sk))
        tcp_send_fin(sk);
}

/* Bytes received and not read (what close() with unread data answers with RST). */
static u32 tcp_unread(const struct tcp_sock *tp)
{
    return tp->rcv_nxt - tp->copied_seq - (sock_flag(&tp->inet_conn.icsk_inet.sk, SOCK_DONE) ? 1 : 0);
}

void tcp_close(struct sock *sk, u64 timeout)
{
    bool abort = tcp_unread(tcp_sk(sk)) || (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime);

    sk->sk_shutdown = SHUTDOWN_MASK;
    if (sk->sk_state == TCP_LISTEN) {
        tcp_set_state(sk, TCP_CLOSE);
        tcp_listen_stop(sk);
    } else if (abort && sk->sk_state != TCP_CLOSE) {
        /* RFC 9293 §3.10.4 / RFC 2525 §2.17: unread data is lost, say so with RST. */
        skb_queue_purge_reason(&sk->sk_receive_queue, SKB_DROP_REASON_NOT_SPECIFIED);
        if (sk->sk_state != TCP_SYN_SENT)
            tcp_send_active_reset(sk);
        tcp_stats.abort_on_close++;
        tcp_done(sk, 0);
    } else if (tcp_close_state(sk)) {
        tcp_send_fin(sk);
    }
    if (timeout && sk->sk_state != TCP_CLOSE) {    /* SO_LINGER: wait for the FIN to be acked */
        sock_hold(sk);
        sk_wait_event(sk, &timeout, sk->sk_state != TCP_FIN_WAIT1 && sk->sk_state != TCP_CLOSING &&
                                    sk->sk_state != TCP_LAST_ACK);
        sock_put(sk);
    }
    sock_orphan(sk);
    if (sk->sk_state == TCP_CLOSE)
        tcp_destroy_orphan(sk);
    else if (sk->sk_state == TCP_FIN_WAIT2)
        tcp_tw_timer_arm(sk, tcp_sk(sk)->linger2 ? tcp_sk(sk)->linger2 : TCP_FIN_TIMEOUT);
}

/* connect(AF_UNSPEC) and shutdown of a connecting sock (Linux tcp_disconnect): abort, back to CLOSED. */
int tcp_disconnect(struct sock *sk, int flags)
{
    struct tcp_sock *tp = tcp_sk(sk);
    int old = sk->sk_state;

    if (old == TCP_LISTEN) {
        tcp_set_state(sk, TCP_CLOSE);
        tcp_listen_stop(sk);
    } else if (old != TCP_CLOSE && old != TCP_SYN_SENT && old != TCP_TIME_WAIT) {
        tcp_send_active_reset(sk);
    }
    if (old != TCP_CLOSE)
        tcp_done(sk, old == TCP_LISTEN || old == TCP_SYN_SENT ? 0 : ECONNRESET);
    skb_queue_purge_reason(&sk->sk_receive_queue, SKB_DROP_REASON_NOT_SPECIFIED);
    sk->sk_shutdown = 0;
    sock_reset_flag(sk, SOCK_DONE);
    inet_sk(sk)->inet_daddr = 0;
    inet_sk(sk)->inet_dport = 0;
    if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
        inet_sk(sk)->inet_saddr = inet_sk(sk)->inet_rcv_saddr = 0;
    tp->fin_queued = false;
    tp->srtt = tp->rttvar = 0;
    inet_csk(sk)->icsk_rto = TCP_TIMEOUT_INIT;
    inet_csk(sk)->icsk_backoff = inet_csk(sk)->icsk_retransmits = 0;
    memset(&tp->rx_opt, 0, sizeof(tp->rx_opt));
    return 0;
}

/* The last reference went (sock_put): nothing may still point at sk. */
static void tcp_v4_destroy_sock(struct sock *sk)
{
    tcp_clear_xmit_timers(sk);
    tcp_ofo_purge(sk);
    tcp_v4_unhash(sk);
    tcp_v4_put_port(sk);
}

struct proto tcp_prot = {
    .name = "TCP",
    .obj_size = sizeof(struct tcp_sock),
    .close = tcp_close,
    .connect = tcp_v4_connect,
    .disconnect = tcp_disconnect,
    .accept = tcp_accept,
    .ioctl = tcp_ioctl,
    .init = tcp_init_sock,
    .destroy = tcp_v4_destroy_sock,
    .shutdown = tcp_shutdown,
    .setsockopt = tcp_setsockopt,
    .keepalive = tcp_set_keepalive,
    .getsockopt = tcp_getsockopt,
    .sendmsg = tcp_sendmsg,
    .recvmsg = tcp_recvmsg,
    .hash = tcp_v4_hash,
    .unhash = tcp_v4_unhash,
    .get_port = tcp_v4_get_port,
};

/* ---- AF_INET stream glue (Linux inet_stream_ops) ---------------------------------------- */

/* listen(2): a stream socket not connected or connecting (Linux inet_listen). */
static int tcp_stream_listen(struct socket *sock, int backlog)
{
    if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM)
        return -EINVAL;
    return tcp_listen(sock->sk, backlog);
}

/* accept(2): graft the oldest child onto newsock (Linux inet_accept + sock_graft). */
static int tcp_stream_accept(struct socket *sock, struct socket *newsock, int flags)
{
    int err;
    struct sock *child = tcp_accept(sock->sk, flags, &err);

    if (!child)
        return err;
    child->sk_socket = newsock;
    child->sk_type = (u16)newsock->type;
    newsock->sk = child;
    newsock->state = SS_CONNECTED;
    return 0;
}

/* TCP never autobinds on send (Linux's no_autobind): unconnected sends fail with EPIPE. */
static long tcp_stream_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
    return tcp_sendmsg(sock->sk, msg, len);
}

static const struct proto_ops inet_stream_ops = {
    .family = AF_INET, .release = inet_release, .bind = inet_bind,
    .connect = tcp_stream_connect, .accept = tcp_stream_accept, .getname = inet_getname,
    .poll = tcp_poll, .ioctl = inet_ioctl, .listen = tcp_stream_listen,
    .shutdown = inet_shutdown, .setsockopt = inet_setsockopt, .getsockopt = inet_getsockopt,
    .sendmsg = tcp_stream_sendmsg, .recvmsg = inet_recvmsg,
};

static struct inet_protosw tcp_protosw = {
    .type = SOCK_STREAM, .protocol = IPPROTO_TCP, .prot = &tcp_prot, .ops = &inet_stream_ops,
};

void tcp_register_protosw(void)
{
    inet_register_protosw(&tcp_protosw);
}
