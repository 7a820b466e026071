/*
 * TCP output, control side: the receive window we advertise and the
 * segments that carry no new data of their own or open and close the
 * connection.  Layer: beside tcp_output.c (whose segment builder it uses),
 * called by tcp_input.c, tcp_timer.c and tcp.c.
 *   RFC 9293 §3.8.6.2.2 / RFC 1122 §4.2.3.3  receiver SWS: window edge moves by >= min(buf/2, MSS)
 *   RFC 1122 §4.2.3.2 / RFC 5681 §4.2        when to ACK (at once, per NAPI batch, delayed)
 *   RFC 9293 §3.8.6.1                        zero-window probes
 *   RFC 9293 §3.10.4, §3.10.7.1              RST on abort, FIN on close, SYN on connect
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include "tcp_impl.h"

/* ---- the receive window (RFC 1122 §4.2.3.3, RFC 9293 §3.8.6.2.2) -------- */

/*
 * Bytes of window the free receive buffer supports.  Buffer figures are
 * truesize (struct + whole RX buffer); half is set aside for that
 * overhead, as Linux's tcp_adv_win_scale = 1 did.
 */
u32 tcp_space(const struct sock *sk)
{
    int free = sk_rmem_left(sk) - (int)tcp_sk(sk)->ofo_mem;

    return free > 0 ? (u32)free / 2 : 0;
}

/* What is left of the window we last advertised (>= 0). */
u32 tcp_receive_window(const struct tcp_sock *tp)
{
    s32 win = (s32)(tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);

    return win > 0 ? (u32)win : 0;
}

/*
 * The window for the next segment, already shifted for the header.  The
 * right edge never moves left (RFC 9293 §3.8.6.2.2: shrinking is strongly
 * discouraged) and moves right only by at least min(buffer/2, MSS), the
 * receiver half of SWS avoidance.
 */
u16 tcp_select_window(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u8 ws = tp->rx_opt.rcv_wscale;
    u32 cur = tcp_receive_window(tp), free = tcp_space(sk), win;
    u32 step = sk->sk_rcvbuf / 4 < tp->advmss ? (u32)sk->sk_rcvbuf / 4 : tp->advmss;

    if (free > (u32)TCP_MAX_WINDOW << ws)
        free = (u32)TCP_MAX_WINDOW << ws;
    if (free <= cur || free - cur < step)
        win = (cur + (1u << ws) - 1) & ~((1u << ws) - 1);   /* keep the edge (round up to a unit) */
    else
        win = free & ~((1u << ws) - 1);
    tp->rcv_wnd = win;
    tp->rcv_wup = tp->rcv_nxt;
    return (u16)(win >> ws);
}

/* ---- control segments ---------------------------------------------------- */

void tcp_send_ack(struct sock *sk)
{
    if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
        return;
    tcp_xmit(sk, tcp_sk(sk)->snd_nxt, 0, NULL, 0);
}

/*
 * Queue an ACK per RFC 1122 §4.2.3.2 / RFC 5681 §4.2: at once when asked
 * (out-of-order data, a hole filled, a duplicate); for quick-ACK mode and
 * every second full-sized segment, when the NAPI batch that brought them
 * ends (one ACK per batch, as Linux acknowledges a GRO'd super-packet:
 * net/tcp_ack_batch.c); else after the delayed-ACK timeout (40-200 ms).
 */
void tcp_schedule_ack(struct sock *sk, bool now)
{
    struct inet_connection_sock *icsk = inet_csk(sk);

    icsk->icsk_ack.pending |= ICSK_ACK_SCHED;
    if (now) {
        icsk->icsk_ack.pending |= ICSK_ACK_NOW;
        return;
    }
    if (icsk->icsk_ack.quick || icsk->icsk_ack.rcv_segs >= 2) {
        if (icsk->icsk_ack.quick)
            icsk->icsk_ack.quick--;
        icsk->icsk_ack.pending |= ICSK_ACK_BATCH;
        return;
    }
    if (!timer_pending(&icsk->icsk_delack_timer))
        mod_timer(&icsk->icsk_delack_timer, ktime_get_ns() + icsk->icsk_ack.ato);
}

/* End of input processing: send what input made possible, then the ACK if still owed now. */
void tcp_output_after_input(struct sock *sk)
{
    struct inet_connection_sock *icsk = inet_csk(sk);

    tcp_push_pending(sk);
    if (icsk->icsk_ack.pending & ICSK_ACK_NOW)
        tcp_send_ack(sk);
    else if ((icsk->icsk_ack.pending & ICSK_ACK_BATCH) && !tcp_ack_batch_add(sk))
        tcp_send_ack(sk);
}

int tcp_xmit_probe_skb(struct sock *sk)
{
    return tcp_xmit(sk, tcp_sk(sk)->snd_una - 1, 0, NULL, 0);
}

/*
 * The persist timer fired with data waiting (RFC 9293 §3.8.6.1, Linux
 * tcp_write_wakeup): if the window has room, send what fits; else probe
 * with an old sequence number, which the peer must ACK with its window.
 */
int tcp_write_wakeup(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);

    if (tp->send_head && SEQ_LT(TCP_SKB_CB(tp->send_head)->seq, tp->snd_una + tp->snd_wnd)) {
        tp->nonagle |= TCP_NAGLE_PUSH;
        tcp_push_pending(sk);
        return 0;
    }
    return tcp_xmit_probe_skb(sk);
}

void tcp_send_active_reset(struct sock *sk)
{
    tcp_xmit(sk, tcp_sk(sk)->snd_nxt, TCPHDR_RST, NULL, 0);
}

/*
 * Put a control skb (SYN or a bare FIN) at the tail of the write queue; it
 * takes one sequence number.  0 or -ENOMEM.
 */
int tcp_queue_ctl(struct sock *sk, u8 flags)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb = alloc_skb(0);

    if (!skb)
        return -ENOMEM;
    skb_set_owner_w(skb, sk);
    *TCP_SKB_CB(skb) = (struct tcp_skb_cb){ .seq = tp->write_seq, .end_seq = tp->write_seq + 1,
                                            .tcp_flags = flags };
    skb_queue_tail(&sk->sk_write_queue, skb);
    tp->write_seq++;
    if (!tp->send_head)
        tp->send_head = skb;
    return 0;
}

/*
 * Queue our FIN (close, shutdown(SHUT_WR); RFC 9293 §3.10.4): on the last
 * unsent data skb if there is one, else as its own skb, then push.  Our
 * FIN is acked when snd_una == write_seq.
 */
void tcp_send_fin(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *tail = skb_queue_empty(&sk->sk_write_queue) ? NULL :
        list_entry(sk->sk_write_queue.head.prev, struct sk_buff, list);

    if (tp->fin_queued)
        return;
    if (tail && tp->send_head && !(TCP_SKB_CB(tail)->tcp_flags & TCPHDR_SYN)) {
        TCP_SKB_CB(tail)->tcp_flags |= TCPHDR_FIN;
        TCP_SKB_CB(tail)->end_seq++;
        tp->write_seq++;
    } else if (tcp_queue_ctl(sk, TCPHDR_FIN)) {
        return;     /* out of memory: the FIN is lost like any unsendable segment; RTO cannot help */
    }
    tp->fin_queued = true;
    tp->nonagle |= TCP_NAGLE_PUSH;
    tcp_push_pending(sk);
}

/* Active open: queue and send our SYN (RFC 9293 §3.10.1). */
int tcp_connect_send_syn(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb;
    int err = tcp_queue_ctl(sk, TCPHDR_SYN);

    if (err)
        return err;
    skb = tp->send_head;
    tp->send_head = NULL;
    tcp_transmit_skb(sk, skb);
    tcp_sent_new(sk, skb);
    return 0;
}

/* Re-send our SYN (RTO in SYN-SENT) or, after a simultaneous open, our SYN,ACK. */
int tcp_retransmit_syn(struct sock *sk)
{
    struct sk_buff *skb = list_first_entry(&sk->sk_write_queue.head, struct sk_buff, list);

    return tcp_retransmit_skb(sk, skb);
}

u32 tcp_packets_in_flight_bytes(const struct tcp_sock *tp)
{
    return tp->snd_nxt - tp->snd_una - tp->sacked_out - tp->lost_out + tp->retrans_out;
}
