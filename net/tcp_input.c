/*
 * TCP input for a connection: RFC 9293 §3.10.7 SEGMENT ARRIVES, one
 * helper per step, in the RFC's order:
 *   §3.10.7.3 SYN-SENT                     tcp_rcv_synsent()
 *   §3.10.7.4 first: sequence number       tcp_sequence_step()  (+ RFC 7323 PAWS)
 *             second: RST                  tcp_rst_step()       (+ RFC 5961 §3.2)
 *             third: security              nothing: no compartments
 *             fourth: SYN                  tcp_syn_step()       (RFC 5961 §4)
 *             fifth: ACK                   tcp_ack_step()       (+ RFC 5961 §5.2)
 *             sixth: URG                   ignored, as RFC 6093 §4 advises
 *             seventh: text                tcp_data_step()
 *             eighth: FIN                  tcp_fin()
 * LISTEN (§3.10.7.2), half-open requests and TIME-WAIT are in
 * tcp_minisocks.c; CLOSED (§3.10.7.1) in tcp_ipv4.c.  Layer: called by
 * tcp_v4_rcv() with a reference held; below it tcp_output.c.
 */
#include <kernel/errno.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include "tcp_impl.h"

/*
 * Step results: go on to the next step, a drop reason, or one of these two:
 * TCP_STOP (done with skb: consume it, no drop counted), TCP_QUEUED (skb
 * was handed on to a queue: hands off).
 */
#define TCP_CONTINUE    SKB_DROP_REASON_NOT_DROPPED_YET
#define TCP_STOP        SKB_DROP_REASON_MAX
#define TCP_QUEUED      (SKB_DROP_REASON_MAX + 1)

static u32 tcp_seg_wnd(const struct tcp_sock *tp, const struct sk_buff *skb)
{
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

    return (cb->tcp_flags & TCPHDR_SYN) ? cb->wnd : cb->wnd << tp->rx_opt.snd_wscale;
}

/* ---- first: sequence number (RFC 9293 §3.10.7.4, Figure "acceptability") --- */

static bool tcp_in_rcv_window(const struct tcp_sock *tp, u32 x, u32 wnd)
{
    return SEQ_GEQ(x, tp->rcv_nxt) && SEQ_LT(x, tp->rcv_nxt + wnd);
}

/*
 * The four cases of the acceptability test.  With a zero window the RFC
 * asks for "special allowance" for valid ACKs and RSTs: a segment exactly
 * at RCV.NXT passes, and its text is trimmed away later.
 */
static bool tcp_seq_acceptable(const struct tcp_sock *tp, u32 seq, u32 end_seq)
{
    u32 wnd = tcp_receive_window(tp), len = end_seq - seq;

    if (!wnd)
        return seq == tp->rcv_nxt;
    if (!len)
        return tcp_in_rcv_window(tp, seq, wnd);
    return tcp_in_rcv_window(tp, seq, wnd) || tcp_in_rcv_window(tp, end_seq - 1, wnd);
}

static enum skb_drop_reason tcp_sequence_step(struct sock *sk, struct sk_buff *skb,
                                              const struct tcp_options_received *rx)
{
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    bool rst = cb->tcp_flags & TCPHDR_RST;

    if (rx->saw_tstamp && tcp_paws_reject(sk, rx, skb)) {
        if (!rst)
            tcp_send_ack(sk);
        return SKB_DROP_REASON_TCP_RFC7323_PAWS;
    }
    if (!tcp_seq_acceptable(tcp_sk(sk), cb->seq, cb->end_seq)) {
        if (!rst)
            tcp_send_ack(sk);   /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
        return SKB_DROP_REASON_TCP_INVALID_SEQUENCE;
    }
    if (rx->saw_tstamp)
        tcp_ts_update(sk, rx, skb);
    return TCP_CONTINUE;
}

/* ---- second: RST ----------------------------------------------------------- */

/* The connection was reset: the error each state reports (Linux tcp_reset). */
void tcp_reset(struct sock *sk)
{
    int err;

    switch (sk->sk_state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RECV:
        err = ECONNREFUSED;
        break;
    case TCP_CLOSE_WAIT:
        err = EPIPE;
        break;
    case TCP_CLOSE:
        return;
    default:
        err = ECONNRESET;
    }
    if (sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_CLOSE_WAIT)
        tcp_stats.estab_resets++;
    if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
        tcp_stats.attempt_fails++;
    tcp_done(sk, sk->sk_state == TCP_TIME_WAIT ? 0 : err);
}

/* RFC 5961 §3.2: only an RST at exactly RCV.NXT resets; others in the window draw a challenge ACK. */
static enum skb_drop_reason tcp_rst_step(struct sock *sk, struct sk_buff *skb)
{
    if (TCP_SKB_CB(skb)->seq != tcp_sk(sk)->rcv_nxt) {
        tcp_send_challenge_ack(sk);
        return SKB_DROP_REASON_TCP_RST_CHALLENGE;
    }
    tcp_reset(sk);
    return TCP_STOP;
}

/* ---- fourth: SYN (RFC 5961 §4.2 replaces RFC 793's reset) ------------------ */

static enum skb_drop_reason tcp_syn_step(struct sock *sk)
{
    tcp_send_challenge_ack(sk);
    return SKB_DROP_REASON_TCP_SYN_CHALLENGE;
}

/* ---- fifth: ACK -------------------------------------------------------------- */

/*
 * Free write-queue skbs the peer has acked up to ack (trimming a partly
 * acked one) and take an RTT sample from the newest of them that was sent
 * once only (Karn's rule, RFC 6298 §3).
 */
static void tcp_clean_rtx_queue(struct sock *sk, u32 ack, const struct tcp_options_received *rx)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb, *tmp;
    u64 sample = 0, now = ktime_get_ns(), ts;

    skb_queue_walk_safe(&sk->sk_write_queue, skb, tmp) {
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

        if (skb == tp->send_head)
            break;
        if (SEQ_LT(ack, cb->end_seq)) {
            if (SEQ_GT(ack, cb->seq))
                tcp_trim_head(sk, skb, ack - cb->seq);     /* partly acked: keep the tail */
            break;
        }
        if (!(cb->sacked & TCPCB_EVER_RETRANS))
            sample = now - cb->when;
        tcp_sack_skb_acked(sk, skb);
        tp->packets_out--;
        skb_unlink(skb, &sk->sk_write_queue);
        consume_skb(skb);
    }
    ts = tcp_ts_rtt_sample(sk, rx);
    if (ts)
        sample = ts;
    if (sample)
        tcp_rtt_estimator(sk, sample);
    tp->retrans_stamp = 0;
    if (tp->packets_out) {
        skb = list_first_entry(&sk->sk_write_queue.head, struct sk_buff, list);
        tp->retrans_stamp = TCP_SKB_CB(skb)->when;
    }
}

/* RFC 9293 §3.10.7.4 fifth step, window update: only from a newer segment (SND.WL1/WL2). */
static bool tcp_update_window(struct sock *sk, const struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    u32 wnd = tcp_seg_wnd(tp, skb);

    if (!(SEQ_LT(tp->snd_wl1, cb->seq) || (tp->snd_wl1 == cb->seq && SEQ_LEQ(tp->snd_wl2, cb->ack_seq))))
        return false;
    bool changed = wnd != tp->snd_wnd;

    tp->snd_wnd = wnd;
    tp->snd_wl1 = cb->seq;
    tp->snd_wl2 = cb->ack_seq;
    if (wnd > tp->max_window)
        tp->max_window = wnd;
    if (wnd && inet_csk(sk)->icsk_pending == ICSK_TIME_PROBE0) {
        tcp_clear_xmit_timer(sk);   /* the window opened: push will send */
        inet_csk(sk)->icsk_backoff = 0;
        inet_csk(sk)->icsk_probes_out = 0;
    }
    return changed;
}

/* SND.UNA < SEG.ACK =< SND.NXT, or a duplicate: the send side's bookkeeping (RFC 9293, RFC 5681). */
static void tcp_ack(struct sock *sk, const struct sk_buff *skb, const struct tcp_options_received *rx)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct inet_connection_sock *icsk = inet_csk(sk);
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    u32 ack = cb->ack_seq;
    struct tcp_ack_info ai = { .prior_una = tp->snd_una, .prior_in_flight = tcp_packets_in_flight_bytes(tp) };
    bool wnd_changed;

    if (rx->num_sacks && tp->rx_opt.sack_ok)
        ai.sacked_new = tcp_sacktag(sk, rx, ack);
    wnd_changed = tcp_update_window(sk, skb);
    tp->rcv_tstamp = ktime_get_ns();
    if (SEQ_GT(ack, tp->snd_una)) {
        ai.acked = ack - tp->snd_una;
        tcp_clean_rtx_queue(sk, ack, rx);
        tp->snd_una = ack;
        icsk->icsk_retransmits = 0;
        icsk->icsk_backoff = 0;
        icsk->icsk_probes_out = 0;
        tcp_rearm_rto(sk);
    } else {
        ai.dup = ack == tp->snd_una && !skb->len && !(cb->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN)) &&
                 !wnd_changed && tp->packets_out;
    }
    tcp_cong_on_ack(sk, &ai);
}

/* Our FIN went out and SND.UNA passed it. */
static bool tcp_fin_acked(const struct tcp_sock *tp)
{
    return tp->fin_queued && tp->snd_una == tp->write_seq;
}

/* SYN-RECEIVED: the handshake's ACK (RFC 9293 §3.10.7.4 fifth step, first bullet). */
static enum skb_drop_reason tcp_synrecv_ack(struct sock *sk, const struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

    if (!SEQ_GT(cb->ack_seq, tp->snd_una)) {
        tcp_v4_send_reset(skb);      /* <SEQ=SEG.ACK><CTL=RST> */
        return SKB_DROP_REASON_TCP_REQ_BAD;
    }
    tp->snd_wl1 = cb->seq - 1;              /* make this segment's window count */
    tcp_set_state(sk, TCP_ESTABLISHED);
    tcp_init_transfer(sk);
    if (!sock_flag(sk, SOCK_DEAD))
        sk->sk_state_change(sk);
    return TCP_CONTINUE;
}

static enum skb_drop_reason tcp_ack_step(struct sock *sk, struct sk_buff *skb,
                                         const struct tcp_options_received *rx)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u32 ack = TCP_SKB_CB(skb)->ack_seq;
    enum skb_drop_reason reason;

    if (SEQ_GT(ack, tp->snd_nxt)) {
        if (sk->sk_state == TCP_SYN_RECV) {
            tcp_v4_send_reset(skb);
            return SKB_DROP_REASON_TCP_REQ_BAD;
        }
        tcp_send_ack(sk);
        return SKB_DROP_REASON_TCP_ACK_UNSENT_DATA;
    }
    if (sk->sk_state == TCP_SYN_RECV && (reason = tcp_synrecv_ack(sk, skb)))
        return reason;
    if (tcp_ack_too_old(tp, ack)) {
        tcp_send_challenge_ack(sk);
        return SKB_DROP_REASON_TCP_TOO_OLD_ACK;
    }
    tcp_ack(sk, skb, rx);
    if (!tcp_fin_acked(tp))
        return TCP_CONTINUE;
    switch (sk->sk_state) {
    case TCP_FIN_WAIT1:
        tcp_set_state(sk, TCP_FIN_WAIT2);
        sk->sk_shutdown |= SEND_SHUTDOWN;
        if (sock_flag(sk, SOCK_DEAD))      /* nobody will read: do not wait forever for the FIN */
            tcp_tw_timer_arm(sk, tp->linger2 ? tp->linger2 : TCP_FIN_TIMEOUT);
        else
            sk->sk_state_change(sk);
        return TCP_CONTINUE;
    case TCP_CLOSING:
        tcp_time_wait(sk);
        return TCP_STOP;
    case TCP_LAST_ACK:
        tcp_done(sk, 0);
        return TCP_STOP;
    default:
        return TCP_CONTINUE;
    }
}

/* ---- seventh: segment text; eighth: FIN --------------------------------------- */

/* RFC 9293 §3.10.7.4 eighth step. */
static void tcp_fin(struct sock *sk)
{
    sk->sk_shutdown |= RCV_SHUTDOWN;
    sock_set_flag(sk, SOCK_DONE);
    switch (sk->sk_state) {
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED:
        tcp_set_state(sk, TCP_CLOSE_WAIT);
        break;
    case TCP_FIN_WAIT1:
        tcp_set_state(sk, TCP_CLOSING);     /* simultaneous close */
        break;
    case TCP_FIN_WAIT2:
        tcp_send_ack(sk);
        tcp_time_wait(sk);
        return;
    default:
        break;
    }
    tcp_ofo_purge(sk);      /* nothing can follow the FIN */
    tcp_schedule_ack(sk, true);
    if (!sock_flag(sk, SOCK_DEAD))
        sk->sk_state_change(sk);
}

/* Is skb's payload a "full-sized" segment for the every-second-segment ACK rule? */
static bool tcp_full_sized(const struct tcp_sock *tp, unsigned len)
{
    u32 mss = tp->rx_opt.mss_clamp && tp->rx_opt.mss_clamp < tp->advmss ? tp->rx_opt.mss_clamp : tp->advmss;

    return len + (tp->rx_opt.tstamp_ok ? 12 : 0) >= mss;
}

void tcp_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    bool fin = cb->tcp_flags & TCPHDR_FIN;
    u32 off = tp->rcv_nxt - cb->seq;
    struct sk_buff *tail;

    skb_pull(skb, off < skb->len ? off : skb->len);
    cb->seq = tp->rcv_nxt;
    if (skb->len) {
        if (tcp_full_sized(tp, skb->len))
            inet_csk(sk)->icsk_ack.rcv_segs++;
        tp->rcv_nxt += skb->len;
        tail = skb_queue_empty(&sk->sk_receive_queue) ? NULL :
            list_entry(sk->sk_receive_queue.head.prev, struct sk_buff, list);
        if (tail && skb_tailroom(tail) >= skb->len) {
            skb_put_data(tail, skb->data, skb->len);    /* small segments share a buffer */
            TCP_SKB_CB(tail)->end_seq = tp->rcv_nxt;
            consume_skb(skb);
        } else {
            cb->end_seq = tp->rcv_nxt;
            skb_set_owner_r(skb, sk);
            skb_queue_tail(&sk->sk_receive_queue, skb);
        }
        if (!sock_flag(sk, SOCK_DEAD))
            sk->sk_data_ready(sk);
    } else {
        consume_skb(skb);
    }
    if (fin) {
        tp->rcv_nxt++;
        tcp_fin(sk);
    }
}

/* Cut text beyond the right window edge (RFC 9293 §3.10.7.4 seventh step); false if nothing is left. */
static bool tcp_trim_to_window(struct tcp_sock *tp, struct sk_buff *skb)
{
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    u32 edge = tp->rcv_nxt + tcp_receive_window(tp);

    if (!skb->len || SEQ_LEQ(cb->end_seq, edge))
        return true;    /* a bare FIN needs no window */
    cb->tcp_flags &= (u8)~TCPHDR_FIN;
    if (SEQ_LEQ(edge, cb->seq))
        return false;
    skb_trim(skb, edge - cb->seq);
    cb->end_seq = edge;
    return SEQ_GT(edge, tp->rcv_nxt);
}

static enum skb_drop_reason tcp_data_step(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    bool fin = cb->tcp_flags & TCPHDR_FIN;

    if (!skb->len && !fin)
        return TCP_CONTINUE;
    if (sk->sk_shutdown & RCV_SHUTDOWN && sock_flag(sk, SOCK_DONE))
        return SKB_DROP_REASON_TCP_DATA_AFTER_FIN;  /* CLOSE-WAIT, CLOSING, LAST-ACK */
    if (sock_flag(sk, SOCK_DEAD) && skb->len && SEQ_GT(cb->end_seq - fin, tp->rcv_nxt)) {
        tcp_send_active_reset(sk);  /* RFC 9293 §3.10.4: nobody will read it (Linux tcp_rcv_state_process) */
        tcp_done(sk, ECONNRESET);
        return SKB_DROP_REASON_TCP_ABORT_ON_DATA;
    }
    if (!tcp_trim_to_window(tp, skb)) {
        tcp_schedule_ack(sk, true);
        return SKB_DROP_REASON_TCP_ZEROWINDOW;
    }
    inet_csk(sk)->icsk_ack.lrcvtime = ktime_get_ns();
    if (SEQ_GT(cb->seq, tp->rcv_nxt)) {
        tcp_ofo_queue(sk, skb);
        tcp_schedule_ack(sk, true);     /* RFC 5681 §4.2: a duplicate ACK at once */
        return TCP_QUEUED;
    }
    bool had_ofo = !skb_queue_empty(&tp->out_of_order_queue);

    tcp_queue_rcv(sk, skb);
    if (had_ofo) {
        tcp_ofo_drain(sk);
        tcp_schedule_ack(sk, true);     /* a hole filled: tell the sender at once */
    } else if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_TIME_WAIT) {
        tcp_schedule_ack(sk, false);    /* (a FIN into TIME-WAIT was acked by tcp_fin) */
    }
    return TCP_QUEUED;
}

/* ---- SYN-SENT (RFC 9293 §3.10.7.3) --------------------------------------------- */

/* Our SYN was acked by a SYN: the connection is open. */
static void tcp_synsent_established(struct sock *sk, struct sk_buff *skb,
                                    const struct tcp_options_received *rx)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u32 ack = TCP_SKB_CB(skb)->ack_seq;

    tcp_clean_rtx_queue(sk, ack, rx);
    tp->snd_una = ack;
    tp->snd_wnd = TCP_SKB_CB(skb)->wnd;     /* never scaled on a SYN (RFC 7323 §2.2) */
    tp->max_window = tp->snd_wnd;
    tp->snd_wl1 = TCP_SKB_CB(skb)->seq;
    tp->snd_wl2 = ack;
    tcp_rearm_rto(sk);
    inet_csk(sk)->icsk_retransmits = 0;
    inet_csk(sk)->icsk_backoff = 0;
    tcp_set_state(sk, TCP_ESTABLISHED);
    tcp_init_transfer(sk);
    sk->sk_state_change(sk);
}

static enum skb_drop_reason tcp_rcv_synsent(struct sock *sk, struct sk_buff *skb,
                                            const struct tcp_options_received *rx)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    u8 fl = cb->tcp_flags;
    bool ack = fl & TCPHDR_ACK;

    if (ack && (SEQ_LEQ(cb->ack_seq, tp->iss) || SEQ_GT(cb->ack_seq, tp->snd_nxt))) {
        if (!(fl & TCPHDR_RST))
            tcp_v4_send_reset(skb);
        return SKB_DROP_REASON_TCP_SYNSENT_BAD_ACK;
    }
    if (fl & TCPHDR_RST) {
        if (!ack)
            return SKB_DROP_REASON_TCP_RESET;   /* RFC 9293: drop an RST without an acceptable ACK */
        tcp_reset(sk);
        return TCP_STOP;
    }
    if (!(fl & TCPHDR_SYN))
        return SKB_DROP_REASON_TCP_FLAGS;
    tp->irs = cb->seq;
    tp->rcv_nxt = tp->copied_seq = tp->rcv_wup = cb->seq + 1;
    tcp_options_from_synack(sk, rx);
    if (!ack) {     /* simultaneous open: SYN-RECEIVED, our SYN again with an ACK */
        tp->snd_wnd = cb->wnd;
        tp->max_window = tp->snd_wnd;
        tp->snd_wl1 = cb->seq;
        tcp_set_state(sk, TCP_SYN_RECV);
        tcp_retransmit_syn(sk);
        return TCP_STOP;
    }
    tcp_synsent_established(sk, skb, rx);
    cb->seq++;                      /* the SYN is consumed; text (rare) and FIN follow */
    tcp_schedule_ack(sk, true);
    return tcp_data_step(sk, skb);
}

/* ---- the top: SEGMENT ARRIVES for a sock past LISTEN ------------------------------- */

void tcp_rcv_state_process(struct sock *sk, struct sk_buff *skb, const struct tcp_options_received *rx)
{
    u8 fl = TCP_SKB_CB(skb)->tcp_flags;
    enum skb_drop_reason reason;

    if (sk->sk_state == TCP_SYN_SENT) {
        reason = tcp_rcv_synsent(sk, skb, rx);
        goto out;
    }
    if ((reason = tcp_sequence_step(sk, skb, rx)))
        goto out;
    if (fl & TCPHDR_RST) {
        reason = tcp_rst_step(sk, skb);
        goto out;
    }
    if (fl & TCPHDR_SYN) {
        reason = tcp_syn_step(sk);
        goto out;
    }
    if (!(fl & TCPHDR_ACK)) {
        reason = SKB_DROP_REASON_TCP_NO_ACK;
        goto out;
    }
    if ((reason = tcp_ack_step(sk, skb, rx)))
        goto out;
    reason = tcp_data_step(sk, skb);
out:
    if (sk->sk_state != TCP_CLOSE)
        tcp_output_after_input(sk);
    if (reason == TCP_STOP || reason == TCP_CONTINUE)
        consume_skb(skb);
    else if (reason != TCP_QUEUED)
        kfree_skb_reason(skb, reason);
}
