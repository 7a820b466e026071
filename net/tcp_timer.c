/*
 * TCP timers (callbacks in softirq): retransmission per RFC 6298 (SRTT,
 * RTTVAR, Karn's rule through TCPCB_EVER_RETRANS, exponential backoff,
 * ETIMEDOUT after tcp_retries2 or TCP_USER_TIMEOUT), the persist timer's
 * zero-window probes (RFC 9293 §3.8.6.1) on the same timer, delayed ACKs
 * (RFC 1122 §4.2.3.2, Linux's 40-200 ms) and TIME-WAIT's 2*MSL (RFC 9293
 * §3.4.2, MSL from the boot parameter tcp_msl=).  Layer: under tcp_input.c
 * and tcp.c, which arm them; above kernel/timer.c.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/time.h>
#include "tcp_impl.h"

u64 tcp_msl_ns = TCP_MSL_DEFAULT_S * NSEC_PER_SEC;

static int tcp_msl_set(const char *val)
{
    unsigned long s = 0;

    if (!val || !*val)
        return -EINVAL;
    for (; *val; val++) {
        if (*val < '0' || *val > '9' || s > 86400)
            return -EINVAL;
        s = s * 10 + (unsigned long)(*val - '0');
    }
    tcp_msl_ns = s * NSEC_PER_SEC;
    return 0;
}
KERNEL_PARAM("tcp_msl", tcp_msl_set);

/* ---- RTT estimation (RFC 6298 §2) ---------------------------------------- */

/*
 * Take one RTT sample (ns) from a segment never retransmitted (Karn).
 * Linux's floor is folded in as it does: RTO = SRTT + max(4 * RTTVAR,
 * TCP_RTO_MIN), so a steady path still gets 200 ms of slack.
 */
void tcp_rtt_estimator(struct sock *sk, u64 rtt)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u64 var4, rto;

    if (!rtt)
        rtt = 1;
    if (!tp->srtt) {
        tp->srtt = rtt;
        tp->rttvar = rtt / 2;
    } else {
        u64 delta = rtt > tp->srtt ? rtt - tp->srtt : tp->srtt - rtt;

        tp->rttvar = (3 * tp->rttvar + delta) / 4;
        tp->srtt = (7 * tp->srtt + rtt) / 8;
    }
    if (!tp->rtt_min || rtt < tp->rtt_min)
        tp->rtt_min = rtt;
    var4 = 4 * tp->rttvar;
    rto = tp->srtt + (var4 > TCP_RTO_MIN ? var4 : TCP_RTO_MIN);
    inet_csk(sk)->icsk_rto = rto > TCP_RTO_MAX ? TCP_RTO_MAX : rto;
}

u64 tcp_rto_backoff(const struct sock *sk)
{
    const struct inet_connection_sock *icsk = inet_csk(sk);
    u64 rto = icsk->icsk_rto;

    for (unsigned i = 0; i < icsk->icsk_backoff && rto < TCP_RTO_MAX; i++)
        rto *= 2;
    return rto > TCP_RTO_MAX ? TCP_RTO_MAX : rto;
}

void tcp_reset_xmit_timer(struct sock *sk, int what, u64 when)
{
    struct inet_connection_sock *icsk = inet_csk(sk);

    icsk->icsk_pending = (u8)what;
    mod_timer(&icsk->icsk_retransmit_timer, ktime_get_ns() + when);
}

void tcp_clear_xmit_timer(struct sock *sk)
{
    inet_csk(sk)->icsk_pending = ICSK_TIME_NONE;
    del_timer(&inet_csk(sk)->icsk_retransmit_timer);
}

void tcp_rearm_rto(struct sock *sk)
{
    if (tcp_sk(sk)->packets_out)
        tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tcp_rto_backoff(sk));
    else
        tcp_clear_xmit_timer(sk);
}

/* ---- retransmission timeout ------------------------------------------------ */

/*
 * Give up?  SYN-SENT after TCP_SYNCNT (default 6) retries; otherwise after
 * tcp_retries2 (8 for an orphan) backoffs or, with TCP_USER_TIMEOUT, once
 * that long has passed since the first unacked transmission (RFC 5482).
 */
static bool tcp_write_timeout(struct sock *sk)
{
    struct inet_connection_sock *icsk = inet_csk(sk);
    struct tcp_sock *tp = tcp_sk(sk);
    unsigned limit;

    if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
        limit = icsk->icsk_syn_retries ? icsk->icsk_syn_retries : TCP_SYN_RETRIES;
    else
        limit = sock_flag(sk, SOCK_DEAD) ? TCP_ORPHAN_RETRIES : TCP_RETRIES2;
    if (icsk->icsk_user_timeout && tp->retrans_stamp)
        return ktime_get_ns() - tp->retrans_stamp >= icsk->icsk_user_timeout;
    return icsk->icsk_retransmits >= limit;
}

/*
 * Mark everything in flight lost, so it is all sent again as cwnd reopens
 * (RFC 5681 §3.1).  The counters are sums of sequence lengths (a FIN
 * counts 1), as tcp_sack.c and tcp_output.c keep them (net/tcp_impl.h).
 */
static void tcp_enter_loss(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb, *tmp;

    tcp_cong_on_rto(sk);
    tcp_sack_on_rto(sk);
    skb_queue_walk_safe(&sk->sk_write_queue, skb, tmp) {
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

        if (skb == tp->send_head)
            break;
        if (cb->sacked & TCPCB_SACKED_RETRANS) {
            cb->sacked &= (u8)~TCPCB_SACKED_RETRANS;
            tp->retrans_out -= cb->end_seq - cb->seq;
        }
        if (!(cb->sacked & (TCPCB_LOST | TCPCB_SACKED_ACKED))) {
            cb->sacked |= TCPCB_LOST;
            tp->lost_out += cb->end_seq - cb->seq;
        }
    }
}

static void tcp_retransmit_timer(struct sock *sk)
{
    struct inet_connection_sock *icsk = inet_csk(sk);
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *head;

    if (!tp->packets_out)
        return;
    if (tcp_write_timeout(sk)) {
        tcp_stats.abort_on_timeout++;
        tcp_done(sk, sk->sk_err_soft ? sk->sk_err_soft : ETIMEDOUT);
        return;
    }
    tcp_stats.timeouts++;
    head = list_first_entry(&sk->sk_write_queue.head, struct sk_buff, list);
    if (sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV)
        tcp_enter_loss(sk);
    tcp_retransmit_skb(sk, head);   /* a failed send (no route, no memory) counts as a try too */
    icsk->icsk_retransmits++;
    icsk->icsk_backoff++;
    tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, tcp_rto_backoff(sk));
}

/* Zero-window probe (Linux tcp_probe_timer): the peer answers with its window. */
static void tcp_probe_timer(struct sock *sk)
{
    struct inet_connection_sock *icsk = inet_csk(sk);
    struct tcp_sock *tp = tcp_sk(sk);

    if (tp->packets_out || !tp->send_head) {
        icsk->icsk_probes_out = 0;
        return;
    }
    if (icsk->icsk_probes_out >= (sock_flag(sk, SOCK_DEAD) ? TCP_ORPHAN_RETRIES : TCP_RETRIES2) ||
        (icsk->icsk_user_timeout && ktime_get_ns() - tp->rcv_tstamp >= icsk->icsk_user_timeout)) {
        tcp_stats.abort_on_timeout++;
        tcp_done(sk, ETIMEDOUT);
        return;
    }
    tcp_stats.persist_probes++;
    icsk->icsk_probes_out++;
    tcp_write_wakeup(sk);
    if (icsk->icsk_backoff < 15)
        icsk->icsk_backoff++;
    if (!tp->packets_out)
        tcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0, tcp_rto_backoff(sk));
}

static void tcp_write_timer(struct timer_list *t)
{
    struct sock *sk = (struct sock *)container_of(t, struct inet_connection_sock, icsk_retransmit_timer);
    u8 what = inet_csk(sk)->icsk_pending;

    inet_csk(sk)->icsk_pending = ICSK_TIME_NONE;
    if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
        return;
    if (what == ICSK_TIME_RETRANS)
        tcp_retransmit_timer(sk);
    else if (what == ICSK_TIME_PROBE0)
        tcp_probe_timer(sk);
}

/* ---- delayed ACK ------------------------------------------------------------- */

static void tcp_delack_timer(struct timer_list *t)
{
    struct sock *sk = (struct sock *)container_of(t, struct inet_connection_sock, icsk_delack_timer);
    struct inet_connection_sock *icsk = inet_csk(sk);

    if (!(icsk->icsk_ack.pending & ICSK_ACK_SCHED))
        return;
    /* An ACK that had to wait this long: the sender is not keeping two segments in flight. */
    icsk->icsk_ack.ato = icsk->icsk_ack.ato * 2 > TCP_DELACK_MAX ? TCP_DELACK_MAX : icsk->icsk_ack.ato * 2;
    tcp_stats.delayed_acks++;
    tcp_send_ack(sk);
}

/* ---- TIME-WAIT and orphaned FIN-WAIT-2 ---------------------------------------- */

static void tcp_tw_timer(struct timer_list *t)
{
    struct sock *sk = (struct sock *)container_of(t, struct tcp_sock, tw_timer);

    tcp_done(sk, 0);
}

void tcp_tw_timer_arm(struct sock *sk, u64 timeout)
{
    mod_timer(&tcp_sk(sk)->tw_timer, ktime_get_ns() + timeout);
}

void tcp_init_xmit_timers(struct sock *sk)
{
    struct inet_connection_sock *icsk = inet_csk(sk);

    timer_setup(&icsk->icsk_retransmit_timer, tcp_write_timer);
    timer_setup(&icsk->icsk_delack_timer, tcp_delack_timer);
    timer_setup(&tcp_sk(sk)->tw_timer, tcp_tw_timer);
    tcp_keepalive_init(sk);
    icsk->icsk_rto = TCP_TIMEOUT_INIT;
    icsk->icsk_ack.ato = TCP_DELACK_MIN;
}

void tcp_clear_xmit_timers(struct sock *sk)
{
    struct inet_connection_sock *icsk = inet_csk(sk);

    tcp_clear_xmit_timer(sk);
    del_timer(&icsk->icsk_delack_timer);
    icsk->icsk_ack.pending = 0;
    del_timer(&tcp_sk(sk)->tw_timer);
    tcp_keepalive_stop(sk);
}
