/*
 * Stand-ins for the extension hooks of net/tcp_impl.h until their real
 * implementations land (tcp_options.c, tcp_cong.c, tcp_sack.c, tcp_ofo.c,
 * syncookies.c, tcp_isn.c, tcp_rfc5961.c, tcp_keepalive.c).  Every one is
 * weak, so a real definition replaces it with no other change; delete this
 * file once all of them exist.  The behaviour is the minimum that is still
 * correct TCP: the MSS option only (RFC 9293 §3.2), Reno growth without
 * fast retransmit (RFC 5681 §3.1; losses recover by RTO), out-of-order
 * segments dropped (the sender retransmits), an ISN from the keyed hash
 * plus a 4 µs clock (RFC 6528), unlimited challenge ACKs, no keepalive.
 */
#include <kernel/random.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include "tcp_impl.h"

#define WEAK __attribute__((weak))

WEAK enum skb_drop_reason tcp_parse_options(const struct tcphdr *th, struct tcp_options_received *opt)
{
    const u8 *p = (const u8 *)(th + 1), *end = (const u8 *)th + tcp_hdrlen(th);

    *opt = (struct tcp_options_received){ 0 };
    while (p < end && *p != TCPOPT_EOL) {
        if (*p == TCPOPT_NOP) {
            p++;
            continue;
        }
        if (end - p < 2 || p[1] < 2 || p[1] > end - p)
            return SKB_DROP_REASON_TCP_OPTIONS;
        if (*p == TCPOPT_MSS && (th->flags & TCPHDR_SYN)) {
            if (p[1] != TCPOLEN_MSS)
                return SKB_DROP_REASON_TCP_OPTIONS;
            opt->mss_clamp = (u16)(p[2] << 8 | p[3]);
            opt->saw_mss = 1;
        }
        p += p[1];
    }
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

WEAK unsigned tcp_syn_options(struct sock *sk, struct tcp_out_options *opts) { return opts->mss ? TCPOLEN_MSS : 0; }
WEAK unsigned tcp_synack_options(const struct request_sock *req, struct tcp_out_options *opts)
{
    return opts->mss ? TCPOLEN_MSS : 0;
}
WEAK unsigned tcp_established_options(struct sock *sk, struct tcp_out_options *opts) { return 0; }

WEAK void tcp_options_write(u8 *ptr, const struct tcp_out_options *opts)
{
    if (!opts->mss)
        return;
    ptr[0] = TCPOPT_MSS;
    ptr[1] = TCPOLEN_MSS;
    ptr[2] = (u8)(opts->mss >> 8);
    ptr[3] = (u8)opts->mss;
}

WEAK void tcp_openreq_init_options(struct request_sock *req, const struct tcp_options_received *rx,
                                   const struct sock *listener) {}
WEAK void tcp_options_from_req(struct sock *child, const struct request_sock *req) {}
WEAK void tcp_options_from_synack(struct sock *sk, const struct tcp_options_received *rx)
{
    tcp_sk(sk)->rx_opt.mss_clamp = rx->mss_clamp;
}
WEAK bool tcp_paws_reject(struct sock *sk, const struct tcp_options_received *rx, const struct sk_buff *skb)
{
    return false;
}
WEAK void tcp_ts_update(struct sock *sk, const struct tcp_options_received *rx, const struct sk_buff *skb) {}
WEAK u64 tcp_ts_rtt_sample(const struct sock *sk, const struct tcp_options_received *rx) { return 0; }

WEAK void tcp_cong_init(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);

    tp->snd_cwnd = 10u * tp->mss_cache;     /* RFC 6928 */
    tp->snd_ssthresh = 0x7fffffff;
}

WEAK void tcp_cong_on_ack(struct sock *sk, const struct tcp_ack_info *ai)
{
    struct tcp_sock *tp = tcp_sk(sk);

    if (!ai->acked)
        return;
    if (tp->snd_cwnd < tp->snd_ssthresh)
        tp->snd_cwnd += ai->acked < tp->mss_cache ? ai->acked : tp->mss_cache;
    else
        tp->snd_cwnd += tp->mss_cache * tp->mss_cache / tp->snd_cwnd + 1;
}

WEAK void tcp_cong_on_rto(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u32 half = (tp->snd_nxt - tp->snd_una) / 2;

    tp->snd_ssthresh = half > 2u * tp->mss_cache ? half : 2u * tp->mss_cache;
    tp->snd_cwnd = tp->mss_cache;
}

WEAK u32 tcp_cwnd_room(const struct sock *sk)
{
    const struct tcp_sock *tp = tcp_sk(sk);
    u32 flight = tcp_packets_in_flight_bytes(tp);

    return tp->snd_cwnd > flight ? tp->snd_cwnd - flight : 0;
}

WEAK bool tcp_sacktag(struct sock *sk, const struct tcp_options_received *rx, u32 ack) { return false; }

WEAK void tcp_sack_skb_acked(struct sock *sk, const struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u8 s = TCP_SKB_CB(skb)->sacked;

    if (s & TCPCB_SACKED_ACKED)
        tp->sacked_out -= skb->len;
    if (s & TCPCB_SACKED_RETRANS)
        tp->retrans_out -= skb->len;
    if (s & TCPCB_LOST)
        tp->lost_out -= skb->len;
}

WEAK void tcp_sack_on_rto(struct sock *sk) {}

WEAK void tcp_ofo_queue(struct sock *sk, struct sk_buff *skb)
{
    kfree_skb_reason(skb, SKB_DROP_REASON_TCP_OFO_MEMLIMIT);
}
WEAK void tcp_ofo_drain(struct sock *sk) {}
WEAK void tcp_ofo_purge(struct sock *sk)
{
    skb_queue_purge_reason(&tcp_sk(sk)->out_of_order_queue, SKB_DROP_REASON_NOT_SPECIFIED);
    tcp_sk(sk)->ofo_mem = 0;
}

WEAK u32 cookie_v4_init_sequence(const struct sock *sk, const struct sk_buff *skb, u16 *mss)
{
    u32 isn;

    get_random_bytes(&isn, sizeof(isn));
    return isn;
}
WEAK struct request_sock *cookie_v4_check(struct sock *sk, const struct sk_buff *skb) { return NULL; }

WEAK u32 secure_tcp_seq(__be32_t saddr, __be32_t daddr, __be16_t sport, __be16_t dport)
{
    return inet_secure_hash(0x74637073 /* "tcps" */, saddr, daddr, sport, dport) +
           (u32)(ktime_get_ns() / 4000);
}

WEAK void tcp_send_challenge_ack(struct sock *sk)
{
    tcp_stats.challenge_acks++;
    tcp_send_ack(sk);
}
WEAK bool tcp_ack_too_old(const struct tcp_sock *tp, u32 ack) { return SEQ_LT(ack, tp->snd_una - tp->max_window); }

static void tcp_keepalive_noop(struct timer_list *t) {}
WEAK void tcp_keepalive_init(struct sock *sk) { timer_setup(&tcp_sk(sk)->keepalive_timer, tcp_keepalive_noop); }
WEAK void tcp_set_keepalive(struct sock *sk, bool on) {}
WEAK void tcp_keepalive_stop(struct sock *sk) { del_timer(&tcp_sk(sk)->keepalive_timer); }
