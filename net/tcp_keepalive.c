/*
 * Keepalive (RFC 1122 §4.2.3.6, Linux's net/ipv4/tcp_timer.c
 * tcp_keepalive_timer): after TCP_KEEPIDLE of silence from the peer, send
 * a probe (SEG.SEQ = SND.UNA - 1, no data, so the peer must ACK) every
 * TCP_KEEPINTVL; after TCP_KEEPCNT unanswered, give up with ETIMEDOUT.
 * Defaults 7200 s / 75 s / 9 and ranges are Linux's.  The core resets
 * icsk_probes_out when an ACK arrives.  Below: timers, tcp_xmit_probe_skb(),
 * tcp_done().  Above: SO_KEEPALIVE / TCP_KEEP* in net/tcp.c, connection
 * set-up and close.
 */
#include <kernel/errno.h>
#include <kernel/time.h>
#include <net/tcp_ext.h>
#include "tcp_impl.h"

u64 tcp_keepalive_time_ns(const struct tcp_sock *tp)
{
    return tp->keepalive_time ? tp->keepalive_time : TCP_KEEPALIVE_TIME;
}

u64 tcp_keepalive_intvl_ns(const struct tcp_sock *tp)
{
    return tp->keepalive_intvl ? tp->keepalive_intvl : TCP_KEEPALIVE_INTVL;
}

u8 tcp_keepalive_probes(const struct tcp_sock *tp)
{
    return tp->keepalive_probes ? tp->keepalive_probes : TCP_KEEPALIVE_PROBES;
}

int tcp_keepalive_check(int optname, int val)
{
    if (optname == TCP_KEEPCNT)
        return val >= 1 && val <= TCP_KEEPCNT_MAX ? 0 : -EINVAL;
    return val >= 1 && val <= TCP_KEEPIDLE_MAX ? 0 : -EINVAL;
}

enum tcp_ka_action tcp_keepalive_decide(const struct tcp_sock *tp, u64 now_ns, bool busy,
                                        u8 probes_out, u64 *next_ns)
{
    /* Silence counts from the later of the last ACK and the last data. */
    u64 last = MAX(tp->rcv_tstamp, tp->inet_conn.icsk_ack.lrcvtime);
    u64 idle = tcp_keepalive_time_ns(tp);

    if (busy) {                         /* the RTO watches outstanding data */
        *next_ns = now_ns + idle;
        return TCP_KA_REARM;
    }
    if (now_ns - last < idle) {
        *next_ns = last + idle;
        return TCP_KA_REARM;
    }
    if (probes_out >= tcp_keepalive_probes(tp))
        return TCP_KA_ABORT;
    *next_ns = now_ns + tcp_keepalive_intvl_ns(tp);
    return TCP_KA_PROBE;
}

/* ---- hooks (net/tcp_impl.h) ---------------------------------------------------- */

/* Keepalive runs on synchronized connections only (Linux: not CLOSE, LISTEN, SYN-*). */
static bool state_applies(const struct sock *sk)
{
    return sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN &&
           sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV;
}

static void keepalive_timer(struct timer_list *t)
{
    struct tcp_sock *tp = container_of(t, struct tcp_sock, keepalive_timer);
    struct sock *sk = (struct sock *)tp;
    u64 now = ktime_get_ns(), next = 0;

    if (!sock_flag(sk, SOCK_KEEPOPEN) || !state_applies(sk))
        return;
    switch (tcp_keepalive_decide(tp, now, tp->packets_out || tp->send_head,
                                 tp->inet_conn.icsk_probes_out, &next)) {
    case TCP_KA_ABORT:
        tcp_stats.abort_on_timeout++;
        tcp_done(sk, ETIMEDOUT);
        return;
    case TCP_KA_PROBE:
        if (!tcp_xmit_probe_skb(sk)) {
            tp->inet_conn.icsk_probes_out++;
            tcp_stats.keepalive_probes++;
        }
        break;
    case TCP_KA_REARM:
        break;
    }
    mod_timer(t, next);
}

void tcp_keepalive_init(struct sock *sk)
{
    timer_setup(&tcp_sk(sk)->keepalive_timer, keepalive_timer);
}

void tcp_set_keepalive(struct sock *sk, bool on)
{
    struct tcp_sock *tp = tcp_sk(sk);

    if (on && state_applies(sk))
        mod_timer(&tp->keepalive_timer, ktime_get_ns() + tcp_keepalive_time_ns(tp));
    else
        del_timer(&tp->keepalive_timer);
}

void tcp_keepalive_stop(struct sock *sk)
{
    del_timer(&tcp_sk(sk)->keepalive_timer);
}
