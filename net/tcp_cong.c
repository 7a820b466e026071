/*
 * Congestion control, in bytes: RFC 5681 slow start and congestion
 * avoidance (§3.1), fast retransmit / fast recovery (§3.2) with RFC 6582
 * NewReno partial ACKs, the RFC 6928 initial window (10 segments, as
 * Linux), the loss window after an RTO and restart after idle (§4.1).
 * Connections that negotiated SACK recover through RFC 6675 instead
 * (net/tcp_sack.c); window growth is shared.  Below: tcp_sock's snd_cwnd,
 * snd_ssthresh, snd_cwnd_cnt, high_seq ("recover"), dup_acks, ca_state.
 * Above: net/tcp_input.c's ACK step (tcp_cong_on_ack), net/tcp_timer.c
 * (tcp_cong_on_rto), net/tcp_output.c (tcp_cwnd_room).
 *
 * The RTO is restarted by the core on every ACK of new data (RFC 6298
 * §5.3), partial ACKs included: RFC 6582 §4's "Slow-but-Steady" variant.
 * Limited transmit (RFC 3042) lets each of the first two duplicate ACKs
 * send one new segment beyond cwnd (tcp_cwnd_room); with SACK, RFC 6675
 * §5 (3) does the same through pipe.
 */
#include <net/byteorder.h>
#include <net/tcp_ext.h>
#include "tcp_impl.h"

static u32 smss(const struct tcp_sock *tp) { return tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT; }

void tcp_cong_reset(struct tcp_sock *tp)
{
    tp->snd_cwnd = TCP_INIT_CWND * smss(tp);
    tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
    tp->snd_cwnd_cnt = 0;
    tp->high_seq = tp->iss;             /* RFC 6582 §3.2 (1): recover = ISS */
    tp->dup_acks = 0;
    tp->ca_state = TCP_CA_Open;
}

u32 tcp_cong_halve(const struct tcp_sock *tp, u32 flight)
{
    return MAX(flight / 2, 2 * smss(tp));
}

/* §3.1: slow start adds min(acked, SMSS) per ACK; CA one SMSS per cwnd of acked bytes. */
static void grow(struct tcp_sock *tp, u32 acked)
{
    u32 mss = smss(tp);

    if (tp->snd_cwnd < tp->snd_ssthresh) {
        tp->snd_cwnd += MIN(acked, mss);
        return;
    }
    tp->snd_cwnd_cnt += acked;
    if (tp->snd_cwnd_cnt >= tp->snd_cwnd) {
        tp->snd_cwnd_cnt -= tp->snd_cwnd;
        tp->snd_cwnd += mss;
    }
}

/* §3.2 (2)-(3), RFC 6582 §3.2 (2): the third duplicate ACK. */
static unsigned enter_fast_recovery(struct tcp_sock *tp)
{
    /* The ACK must cover more than "recover" (the highest seq sent when the
     * last recovery or RTO began), else these duplicates are echoes of it. */
    if (!SEQ_GEQ(tp->snd_una, tp->high_seq))
        return 0;
    tp->prior_ssthresh = tp->snd_ssthresh;
    tp->snd_ssthresh = tcp_cong_halve(tp, tp->snd_nxt - tp->snd_una);
    tp->snd_cwnd = tp->snd_ssthresh + TCP_DUPTHRESH * smss(tp);
    tp->high_seq = tp->snd_nxt;
    tp->ca_state = TCP_CA_Recovery;
    return TCP_CA_RETRANSMIT | TCP_CA_ENTERED_RECOVERY;
}

static unsigned on_dupack(struct tcp_sock *tp)
{
    tp->dup_acks++;
    if (tp->ca_state == TCP_CA_Recovery) {
        tp->snd_cwnd += smss(tp);       /* §3.2 (4): each dupack means a segment left */
        return 0;
    }
    if (tp->ca_state == TCP_CA_Open)
        tp->ca_state = TCP_CA_Disorder;
    return tp->dup_acks == TCP_DUPTHRESH ? enter_fast_recovery(tp) : 0;
}

/* RFC 6582 §3.2 (3) full ACK / (4) partial ACK during fast recovery. */
static unsigned recovery_ack(struct tcp_sock *tp, u32 acked)
{
    u32 mss = smss(tp);

    if (SEQ_GEQ(tp->snd_una, tp->high_seq)) {
        u32 flight = tp->snd_nxt - tp->snd_una;

        /* Option (1): no burst even if the window was inflated. */
        tp->snd_cwnd = MIN(tp->snd_ssthresh, MAX(flight, mss) + mss);
        tp->ca_state = TCP_CA_Open;
        tp->dup_acks = 0;
        tp->snd_cwnd_cnt = 0;
        return TCP_CA_FULL_ACK;
    }
    /* Deflate by what was acked, add back one SMSS if at least that much. */
    tp->snd_cwnd -= MIN(acked, tp->snd_cwnd);
    if (acked >= mss)
        tp->snd_cwnd += mss;
    tp->snd_cwnd = MAX(tp->snd_cwnd, mss);
    tp->dup_acks = 0;
    return TCP_CA_RETRANSMIT | TCP_CA_PARTIAL_ACK;
}

unsigned tcp_cong_ack_event(struct tcp_sock *tp, const struct tcp_ack_info *ai)
{
    if (!ai->acked)
        return ai->dup ? on_dupack(tp) : 0;
    if (tp->ca_state == TCP_CA_Recovery)
        return recovery_ack(tp, ai->acked);
    tp->dup_acks = 0;
    if (tp->ca_state == TCP_CA_Disorder ||
        (tp->ca_state == TCP_CA_Loss && SEQ_GEQ(tp->snd_una, tp->high_seq)))
        tp->ca_state = TCP_CA_Open;
    grow(tp, ai->acked);
    return 0;
}

void tcp_cong_rto_event(struct tcp_sock *tp, u32 flight, bool first)
{
    /* §3.1 eq. 4: ssthresh is held when the same segment times out again. */
    if (first || tp->ca_state != TCP_CA_Loss) {
        tp->prior_ssthresh = tp->snd_ssthresh;
        tp->snd_ssthresh = tcp_cong_halve(tp, flight);
    }
    tp->snd_cwnd = smss(tp);            /* loss window, LW = 1 SMSS */
    tp->snd_cwnd_cnt = 0;
    tp->dup_acks = 0;
    tp->high_seq = tp->snd_nxt;         /* RFC 6582 §3.2: recover after an RTO */
    tp->ca_state = TCP_CA_Loss;
}

void tcp_cong_restart_after_idle(struct tcp_sock *tp)
{
    tp->snd_cwnd = MIN(tp->snd_cwnd, TCP_INIT_CWND * smss(tp));
}

/* ---- hooks (net/tcp_impl.h) ------------------------------------------------- */

void tcp_cong_init(struct sock *sk)
{
    tcp_cong_reset(tcp_sk(sk));
}

/* The first unacked segment, or NULL. */
static struct sk_buff *write_queue_head(struct sock *sk)
{
    if (skb_queue_empty(&sk->sk_write_queue) || tcp_sk(sk)->send_head ==
        list_first_entry(&sk->sk_write_queue.head, struct sk_buff, list))
        return NULL;
    return list_first_entry(&sk->sk_write_queue.head, struct sk_buff, list);
}

void tcp_cong_on_ack(struct sock *sk, const struct tcp_ack_info *ai)
{
    struct tcp_sock *tp = tcp_sk(sk);
    unsigned act;

    if (tp->rx_opt.sack_ok) {           /* RFC 6675 owns loss recovery */
        tcp_sack_recovery_on_ack(sk, ai);
        return;
    }
    act = tcp_cong_ack_event(tp, ai);
    if (act & TCP_CA_ENTERED_RECOVERY)
        tcp_stats.fast_retrans++;
    if (act & TCP_CA_PARTIAL_ACK)
        tcp_stats.partial_acks++;
    if (act & TCP_CA_RETRANSMIT) {
        struct sk_buff *skb = write_queue_head(sk);

        if (skb)
            tcp_retransmit_skb(sk, skb);
    }
    if (tp->ca_state == TCP_CA_Loss)    /* go on resending what the RTO declared lost */
        tcp_sack_retransmit_lost(sk, false);
}

void tcp_cong_on_rto(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);

    tcp_cong_rto_event(tp, tp->snd_nxt - tp->snd_una, inet_csk(sk)->icsk_retransmits == 0);
}

/*
 * RFC 3042 §2: on the first and second duplicate ACK (cwnd unchanged) the
 * sender may send new data as long as FlightSize <= cwnd + 2 * SMSS, one
 * segment per duplicate: cwnd + dup_acks * SMSS.  Only without SACK: there
 * the duplicates SACK data, which leaves pipe (RFC 6675 §5 (3)).
 */
u32 tcp_cong_limited_transmit(const struct tcp_sock *tp)
{
    if (tp->rx_opt.sack_ok || tp->ca_state != TCP_CA_Disorder || tp->dup_acks >= TCP_DUPTHRESH)
        return 0;
    return tp->dup_acks * smss(tp);
}

u32 tcp_cwnd_room(const struct sock *sk)
{
    const struct tcp_sock *tp = tcp_sk(sk);
    u32 pipe = tcp_packets_in_flight_bytes(tp), cwnd = tp->snd_cwnd + tcp_cong_limited_transmit(tp);

    return cwnd > pipe ? cwnd - pipe : 0;
}
