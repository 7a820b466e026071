/*
 * SACK, sender side: the scoreboard (RFC 2018 §3 blocks received, RFC
 * 2883 D-SACK recognised) kept as TCPCB_* bits on the sk_write_queue skbs
 * plus byte totals in tcp_sock (sacked_out, lost_out, retrans_out), and
 * RFC 6675 loss recovery: IsLost (§4), entry on DupThresh or a lost head
 * (§5 (4)), NextSeg rules 1, 3 and 4 (the rescue retransmission) paced by
 * cwnd - pipe (§5 (C)), exit at RecoveryPoint (= high_seq).  Limited
 * transmit on the first duplicates (§5 (3)) needs nothing here: a SACKed
 * skb leaves pipe, which opens cwnd for new data.  pipe is the core's
 * tcp_packets_in_flight_bytes(): out - sacked - lost + retrans, RFC 6675
 * SetPipe() per skb.  The same "retransmit what is lost within the window"
 * loop serves the Loss state after an RTO, with or without SACK.
 *
 * Granularity is the skb: a block SACKs an skb only if it covers it all
 * (the core sends one skb per segment), which only errs towards resending.
 * Not done: SACK reneging detection beyond the RTO reset, D-SACK-based
 * undo.
 * Below: tcp_retransmit_skb().  Above: net/tcp_input.c's ACK step.
 */
#include <net/byteorder.h>
#include <net/tcp_ext.h>
#include "tcp_impl.h"

#define for_each_outstanding(sk, skb)                                             \
    list_for_each_entry(skb, &(sk)->sk_write_queue.head, list)                    \
        if (skb == tcp_sk(sk)->send_head) break; else

static u32 skb_seqlen(const struct sk_buff *skb) { return TCP_SKB_CB(skb)->end_seq - TCP_SKB_CB(skb)->seq; }
static u32 sat_sub(u32 a, u32 b) { return a > b ? a - b : 0; }
static struct sock *tp_sk(struct tcp_sock *tp) { return (struct sock *)tp; }
static u32 smss(const struct tcp_sock *tp) { return tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT; }

/* RFC 2883 §4: the first block reports a duplicate if below the ACK or inside the second. */
static bool is_dsack(const struct tcp_options_received *rx, u32 ack)
{
    const struct tcp_sack_block *b = rx->sacks;

    return SEQ_LT(b[0].start_seq, ack) ||
           (rx->num_sacks > 1 && SEQ_GEQ(b[0].start_seq, b[1].start_seq) &&
            SEQ_LEQ(b[0].end_seq, b[1].end_seq));
}

/* Linux tcp_is_sackblock_valid, reduced: non-empty, inside [snd_una, snd_nxt]. */
static bool block_valid(const struct tcp_sock *tp, const struct tcp_sack_block *b)
{
    return SEQ_LT(b->start_seq, b->end_seq) && SEQ_GEQ(b->start_seq, tp->snd_una) &&
           SEQ_LEQ(b->end_seq, tp->snd_nxt);
}

static u32 tag_block(struct tcp_sock *tp, const struct tcp_sack_block *b)
{
    struct sk_buff *skb;
    u32 newly = 0;

    for_each_outstanding(tp_sk(tp), skb) {
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
        u32 len = skb_seqlen(skb);

        if ((cb->sacked & TCPCB_SACKED_ACKED) || SEQ_LT(cb->seq, b->start_seq) ||
            SEQ_GT(cb->end_seq, b->end_seq))
            continue;
        if (cb->sacked & TCPCB_LOST)
            tp->lost_out = sat_sub(tp->lost_out, len);
        if (cb->sacked & TCPCB_SACKED_RETRANS)
            tp->retrans_out = sat_sub(tp->retrans_out, len);
        cb->sacked = (cb->sacked & TCPCB_EVER_RETRANS) | TCPCB_SACKED_ACKED;
        tp->sacked_out += len;
        newly += len;
    }
    return newly;
}

u32 tcp_sack_tag(struct tcp_sock *tp, const struct tcp_options_received *rx, u32 ack,
                 bool *dsack, unsigned *ignored)
{
    u32 newly = 0;

    for (unsigned i = 0; i < rx->num_sacks; i++) {
        if (i == 0 && is_dsack(rx, ack)) {
            if (dsack)
                *dsack = true;
            continue;
        }
        if (!block_valid(tp, &rx->sacks[i])) {
            if (ignored)
                (*ignored)++;
            continue;
        }
        newly += tag_block(tp, &rx->sacks[i]);
    }
    return newly;
}

/*
 * IsLost is monotone (if a seq is lost, so is every lower one), so one walk
 * from the highest outstanding skb down, counting SACKed bytes and
 * discontiguous SACKed runs above, marks them all.
 */
u32 tcp_sack_mark_lost(struct tcp_sock *tp)
{
    struct sock *sk = tp_sk(tp);
    struct list_head *pos = tp->send_head ? &tp->send_head->list : &sk->sk_write_queue.head;
    u32 above = 0, runs = 0, newly = 0;
    bool in_run = false;

    for (pos = pos->prev; pos != &sk->sk_write_queue.head; pos = pos->prev) {
        struct sk_buff *skb = list_entry(pos, struct sk_buff, list);
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

        if (cb->sacked & TCPCB_SACKED_ACKED) {
            runs += !in_run;
            in_run = true;
            above += skb_seqlen(skb);
            continue;
        }
        in_run = false;
        if ((cb->sacked & TCPCB_LOST) ||
            (runs < TCP_DUPTHRESH && above <= (TCP_DUPTHRESH - 1) * smss(tp)))
            continue;
        cb->sacked |= TCPCB_LOST;
        tp->lost_out += skb_seqlen(skb);
        newly += skb_seqlen(skb);
    }
    return newly;
}

struct sk_buff *tcp_sack_next_seg(struct tcp_sock *tp, bool rule3_ok)
{
    struct sk_buff *skb, *cand = NULL, *rule3 = NULL;

    for_each_outstanding(tp_sk(tp), skb) {
        u8 s = TCP_SKB_CB(skb)->sacked;

        if (s & TCPCB_SACKED_ACKED) {
            if (cand && !rule3)
                rule3 = cand;                   /* a hole with SACKed data above it */
            continue;
        }
        if (s & TCPCB_SACKED_RETRANS)
            continue;
        if (s & TCPCB_LOST)
            return skb;                         /* rule 1 */
        if (!cand)
            cand = skb;
    }
    return rule3_ok ? rule3 : NULL;             /* rule 3 */
}

/*
 * RFC 6675 §4 NextSeg rule 4: the highest unSACKed outstanding skb (it
 * holds the highest unSACKed sequence number), once per recovery: only
 * while HighACK > RescueRxt.  RescueRxt and HighACK are kept as sequence
 * numbers one past the byte, so the test is the same.  Rule 4 is there so
 * a lost tail does not wait for the RTO; a tail this recovery already
 * resent (rule 1 or 3) is not resent again.
 */
struct sk_buff *tcp_sack_rescue_seg(struct tcp_sock *tp)
{
    struct sk_buff *skb, *last = NULL;

    if (tp->ca_state != TCP_CA_Recovery || !SEQ_GT(tp->snd_una, tp->rescue_rxt))
        return NULL;
    for_each_outstanding(tp_sk(tp), skb)
        if (!(TCP_SKB_CB(skb)->sacked & TCPCB_SACKED_ACKED))
            last = skb;
    return last && !(TCP_SKB_CB(last)->sacked & TCPCB_SACKED_RETRANS) ? last : NULL;
}

void tcp_sack_mark_retransmitted(struct tcp_sock *tp, struct sk_buff *skb)
{
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

    if (!(cb->sacked & TCPCB_SACKED_RETRANS))
        tp->retrans_out += skb_seqlen(skb);
    cb->sacked |= TCPCB_SACKED_RETRANS | TCPCB_EVER_RETRANS;
    if (SEQ_GT(cb->end_seq, tp->high_rxt))
        tp->high_rxt = cb->end_seq;
}

void tcp_sack_unaccount(struct tcp_sock *tp, const struct sk_buff *skb)
{
    u8 s = TCP_SKB_CB(skb)->sacked;
    u32 len = skb_seqlen(skb);

    if (s & TCPCB_SACKED_ACKED)
        tp->sacked_out = sat_sub(tp->sacked_out, len);
    if (s & TCPCB_LOST)
        tp->lost_out = sat_sub(tp->lost_out, len);
    if (s & TCPCB_SACKED_RETRANS)
        tp->retrans_out = sat_sub(tp->retrans_out, len);
}

/* Every outstanding skb lost and unSACKed; the head counted as being resent by the core. */
void tcp_sack_reset_on_rto(struct tcp_sock *tp)
{
    struct sk_buff *skb;
    bool head = true;

    tp->sacked_out = tp->lost_out = tp->retrans_out = 0;
    for_each_outstanding(tp_sk(tp), skb) {
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

        cb->sacked = (cb->sacked & TCPCB_EVER_RETRANS) | TCPCB_LOST;
        tp->lost_out += skb_seqlen(skb);
        if (head)
            tcp_sack_mark_retransmitted(tp, skb);
        head = false;
    }
    tp->high_rxt = tp->snd_una;
}

/* ---- hooks and recovery (net/tcp_impl.h) --------------------------------------- */

bool tcp_sacktag(struct sock *sk, const struct tcp_options_received *rx, u32 ack)
{
    bool dsack = false;
    unsigned ignored = 0;
    u32 newly;

    if (!tcp_sk(sk)->rx_opt.sack_ok || !rx->num_sacks)
        return false;
    newly = tcp_sack_tag(tcp_sk(sk), rx, ack, &dsack, &ignored);
    tcp_stats.dsacks_recv += dsack;
    tcp_stats.sack_discards += ignored;
    return newly != 0;
}

void tcp_sack_skb_acked(struct sock *sk, const struct sk_buff *skb)
{
    tcp_sack_unaccount(tcp_sk(sk), skb);
}

void tcp_sack_on_rto(struct sock *sk)
{
    tcp_sack_reset_on_rto(tcp_sk(sk));
}

void tcp_sack_retransmit_lost(struct sock *sk, bool rule3_ok)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb;

    while (tcp_cwnd_room(sk) >= smss(tp) && (skb = tcp_sack_next_seg(tp, rule3_ok))) {
        if (tcp_retransmit_skb(sk, skb))
            break;
        tcp_sack_mark_retransmitted(tp, skb);
    }
}

/*
 * RFC 6675 NextSeg rule 2: unsent data exists and the peer's window takes
 * some of it.  (The cwnd test is §5 (C)'s, made by the caller.)
 */
static bool new_data_ok(const struct tcp_sock *tp)
{
    return tp->send_head && SEQ_LT(TCP_SKB_CB(tp->send_head)->seq, tp->snd_una + tp->snd_wnd);
}

/*
 * §5 (C) in recovery: rules 1 and 3 through tcp_sack_retransmit_lost (3
 * only when rule 2 cannot send); rule 2 is left to the core's push that
 * follows; when none applies, rule 4's one rescue retransmission, which
 * sets RescueRxt = RecoveryPoint and leaves HighRxt alone (§4).
 */
static void sack_recovery_xmit(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    bool rule2 = new_data_ok(tp);
    struct sk_buff *skb;

    tcp_sack_retransmit_lost(sk, !rule2);
    if (rule2 || tcp_cwnd_room(sk) < smss(tp) || tcp_sack_next_seg(tp, true) ||
        !(skb = tcp_sack_rescue_seg(tp)))
        return;
    tp->rescue_rxt = tp->high_seq;
    tcp_retransmit_skb(sk, skb);
}

/* RFC 6675 §5 (4): enter at DupThresh duplicates or when the head is lost. */
static void sack_enter_recovery(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *head = list_first_entry(&sk->sk_write_queue.head, struct sk_buff, list);

    tp->prior_ssthresh = tp->snd_ssthresh;
    tp->snd_ssthresh = tp->snd_cwnd = tcp_cong_halve(tp, tp->snd_nxt - tp->snd_una);
    tp->high_seq = tp->snd_nxt;         /* RecoveryPoint = HighData */
    tp->high_rxt = tp->snd_una;
    tp->ca_state = TCP_CA_Recovery;
    tcp_stats.sack_recoveries++;
    tcp_stats.fast_retrans++;
    if (!(TCP_SKB_CB(head)->sacked & (TCPCB_LOST | TCPCB_SACKED_ACKED))) {
        TCP_SKB_CB(head)->sacked |= TCPCB_LOST;     /* (4.3): HighACK + 1 is presumed lost */
        tp->lost_out += skb_seqlen(head);
    }
    if (!tcp_retransmit_skb(sk, head))
        tcp_sack_mark_retransmitted(tp, head);
    tp->rescue_rxt = tp->high_rxt;      /* (4.3): no rescue before HighACK passes the head */
}

void tcp_sack_recovery_on_ack(struct sock *sk, const struct tcp_ack_info *ai)
{
    struct tcp_sock *tp = tcp_sk(sk);
    bool outstanding = tp->send_head != list_first_entry(&sk->sk_write_queue.head, struct sk_buff, list) &&
                       !skb_queue_empty(&sk->sk_write_queue);

    if (tp->ca_state == TCP_CA_Recovery && SEQ_GEQ(tp->snd_una, tp->high_seq)) {
        tp->snd_cwnd = tp->snd_ssthresh;            /* §5 (A): recovery over */
        tp->ca_state = TCP_CA_Open;
        tp->dup_acks = 0;
        return;
    }
    if (!ai->acked && (ai->dup || ai->sacked_new))  /* §2's duplicate: SACKs new data */
        tp->dup_acks++;
    if (ai->acked && tp->ca_state != TCP_CA_Recovery) {
        tp->dup_acks = 0;
        tcp_cong_ack_event(tp, ai);                 /* growth, Loss -> Open */
    }
    if (!outstanding)
        return;
    tcp_sack_mark_lost(tp);
    if ((tp->ca_state == TCP_CA_Open || tp->ca_state == TCP_CA_Disorder) &&
        SEQ_GEQ(tp->snd_una, tp->high_seq) &&
        (tp->dup_acks >= TCP_DUPTHRESH ||
         (TCP_SKB_CB(list_first_entry(&sk->sk_write_queue.head, struct sk_buff, list))->sacked &
          TCPCB_LOST)))
        sack_enter_recovery(sk);
    else if (tp->ca_state == TCP_CA_Open && tp->dup_acks)
        tp->ca_state = TCP_CA_Disorder;
    if (tp->ca_state == TCP_CA_Recovery)
        sack_recovery_xmit(sk);
    else if (tp->ca_state == TCP_CA_Loss)
        tcp_sack_retransmit_lost(sk, !new_data_ok(tp));
}
