/*
 * TCP output: everything that puts a segment on the wire.  Layer: below
 * tcp.c (sendmsg queues data, then pushes), tcp_input.c and tcp_timer.c;
 * above IPv4 (ip_route_output + ip_local_out).  Owns the send side of the
 * window rules and ACK generation:
 *   RFC 9293 §3.8.6.2.1 / RFC 1122 §4.2.3.4  sender SWS avoidance
 *   RFC 896                                  Nagle (TCP_NODELAY, TCP_CORK, MSG_MORE)
 *   RFC 9293 §3.8.6.2.2 / RFC 1122 §4.2.3.3  receiver SWS: window edge moves by >= min(buf/2, MSS)
 *   RFC 9293 §3.7.1                          segments of at most the effective MSS
 *   RFC 9293 §3.10.7.1                       RST for a segment with no connection
 * Every transmission copies the payload of the write-queue skb into a
 * fresh skb (no clones): the queue keeps the data until it is acked.  With
 * TSO, consecutive full-sized skbs go as one frame the device cuts up.
 * The receive window and the control segments (ACK, probe, RST, FIN, SYN)
 * are in tcp_output_ctl.c.
 */
#include <kernel/errno.h>
#include <kernel/prof.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include <net/checksum.h>
#include <net/ip.h>
#include "tcp_impl.h"

/* ---- building and sending one segment ---------------------------------- */

struct sk_buff *tcp_make_segment(const struct tcp_seg_hdr *h, const struct tcp_out_options *opts,
                                 unsigned optlen, const void *data, unsigned len)
{
    struct sk_buff *skb = alloc_skb(MAX_HEADER + TCP_HDR_MIN + optlen + len);
    struct tcphdr *th;

    if (!skb)
        return NULL;
    skb_reserve(skb, MAX_HEADER);
    th = (struct tcphdr *)skb_put(skb, TCP_HDR_MIN + optlen);
    *th = (struct tcphdr){
        .source = h->sport, .dest = h->dport, .seq = htonl(h->seq),
        .ack_seq = (h->flags & TCPHDR_ACK) ? htonl(h->ack) : 0,
        .doff_res = (u8)(((TCP_HDR_MIN + optlen) / 4) << 4), .flags = h->flags,
        .window = htons(h->window),
    };
    if (optlen)
        tcp_options_write((u8 *)(th + 1), opts);
    if (len && data)
        skb_put_data(skb, data, len);
    else if (len)
        skb_put(skb, len);      /* the caller fills the payload (a TSO frame) */
    skb_reset_transport_header(skb);
    return skb;
}

static void tcp_route_flow(const struct tcp_seg_route *r, struct flowi4 *fl)
{
    *fl = (struct flowi4){ .daddr = r->daddr, .saddr = r->saddr, .proto = IPPROTO_TCP,
                           .tos = r->tos, .ttl = r->ttl, .oif = r->oif, .df = true };
}

static int __tcp_v4_send(struct sk_buff *skb, const struct tcp_seg_route *r)
{
    struct tcphdr *th = (struct tcphdr *)skb->data;
    struct flowi4 fl;
    struct rtable rt;
    int err;

    tcp_route_flow(r, &fl);
    err = ip_route_output(&fl, &rt);
    if (err) {
        kfree_skb_reason(skb, SKB_DROP_REASON_IP_NOROUTE);
        return err;
    }
    /* The device (or dev_queue_xmit in software) sums the segment into the
     * pseudo-header sum left here: Linux's CHECKSUM_PARTIAL, RFC 9293 §3.1. */
    th->check = (u16)~csum_fold(csum_tcpudp_nofold(fl.saddr, fl.daddr, skb->len, IPPROTO_TCP, 0));
    skb->ip_summed = CHECKSUM_PARTIAL;
    skb->csum_start = (u16)((u8 *)th - skb->head);
    skb->csum_offset = (u16)offsetof(struct tcphdr, check);
    tcp_stats.out_segs += skb->gso_segs ? skb->gso_segs : 1u;    /* RFC 4022: wire segments */
    if (th->flags & TCPHDR_RST)
        tcp_stats.out_rsts++;
    return ip_local_out(skb, &fl, &rt);
}

/* Checksum and hand to IPv4; time in here and in the writers below is PROF_TCP_OUT. */
int tcp_v4_send(struct sk_buff *skb, const struct tcp_seg_route *r)
{
    int ret;

    prof_enter(PROF_TCP_OUT);
    ret = __tcp_v4_send(skb, r);
    prof_exit();
    return ret;
}

static void tcp_sk_route(const struct sock *sk, struct tcp_seg_route *r)
{
    const struct inet_sock *inet = inet_sk(sk);

    *r = (struct tcp_seg_route){ .saddr = inet->inet_saddr, .daddr = inet->inet_daddr,
                                 .tos = inet->tos, .ttl = inet_ttl(inet),
                                 .oif = sk->sk_bound_dev_if };
}

/* The route's device does TSO (Linux keeps this as sk_route_caps). */
static bool tcp_route_tso(const struct sock *sk)
{
    struct tcp_seg_route r;
    struct flowi4 fl;
    struct rtable rt;

    tcp_sk_route(sk, &r);
    tcp_route_flow(&r, &fl);
    return !ip_route_output(&fl, &rt) && (rt.dev->features & NETIF_F_TSO);
}

/* ---- transmitting queued segments --------------------------------------- */

/* An ACK goes out with this segment: whatever was owed is paid. */
static void tcp_ack_sent(struct sock *sk)
{
    struct inet_connection_sock *icsk = inet_csk(sk);

    icsk->icsk_ack.pending = 0;
    icsk->icsk_ack.rcv_segs = 0;
    del_timer(&icsk->icsk_delack_timer);
    tcp_sk(sk)->last_ack_sent = tcp_sk(sk)->rcv_nxt;
}

/*
 * Linux tcp_current_mss(): the payload one data segment may carry now.
 * RFC 9293 §3.7.1 counts the options in the header the MSS leaves room
 * for; mss_cache (tcp_sync_mss) sets aside only the timestamp option, so
 * when a segment also carries SACK blocks (RFC 2018 §4: while we hold
 * out-of-order data) or a D-SACK (RFC 2883), the payload shrinks by their
 * size and the segment still fits the path MTU.  Every path that sizes
 * data segments (new data, retransmissions) asks here; sizing leaves the
 * D-SACK owed to the segment that will carry it.
 */
unsigned tcp_current_mss(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_out_options opts = { 0 };
    u8 dsack = tp->dsack;
    unsigned fixed = tp->rx_opt.tstamp_ok ? TCPOLEN_TIMESTAMP + 2 : 0;
    unsigned optlen = tcp_established_options(sk, &opts);

    tp->dsack = dsack;
    return tp->mss_cache - (optlen - fixed);
}

/*
 * Send a segment of the connection: SEG.SEQ seq, the control bits flags
 * (ACK added in every state but SYN-SENT, RFC 9293 §3.10.7.3), payload
 * data/len.  SYNs carry the MSS option and an unscaled window (RFC 7323
 * §2.2).  0 or a negative errno.
 */
/* One segment from us with the connection's header and options; data NULL: payload left to fill. */
static struct sk_buff *tcp_xmit_build(struct sock *sk, u32 seq, u8 flags, const void *data,
                                      unsigned len)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_out_options opts = { 0 };
    struct tcp_seg_hdr h = { .sport = inet_sk(sk)->inet_sport, .dport = inet_sk(sk)->inet_dport,
                             .seq = seq, .ack = tp->rcv_nxt, .flags = flags };
    struct sk_buff *skb;
    unsigned optlen;

    if (sk->sk_state != TCP_SYN_SENT)
        h.flags |= TCPHDR_ACK;
    if (flags & TCPHDR_SYN) {
        u32 space = tcp_space(sk);

        opts.mss = tp->advmss;
        optlen = tcp_syn_options(sk, &opts);
        h.window = (u16)(space > TCP_MAX_WINDOW ? TCP_MAX_WINDOW : space);
        tp->rcv_wnd = h.window;
        tp->rcv_wup = tp->rcv_nxt;
    } else {
        optlen = tcp_established_options(sk, &opts);     /* len <= tcp_current_mss(): it fits */
        h.window = (flags & TCPHDR_RST) ? 0 : tcp_select_window(sk);
    }
    skb = tcp_make_segment(&h, &opts, optlen, data, len);
    if (skb && (h.flags & TCPHDR_ACK))
        tcp_ack_sent(sk);
    return skb;
}

static int tcp_xmit_send(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_seg_route r;

    tcp_sk_route(sk, &r);
    return tcp_v4_send(skb, &r);
}

int tcp_xmit(struct sock *sk, u32 seq, u8 flags, const void *data, unsigned len)
{
    struct sk_buff *skb = tcp_xmit_build(sk, seq, flags, data, len);

    return skb ? tcp_xmit_send(sk, skb) : -ENOBUFS;
}

/* Transmit write-queue skb as it stands (first send or retransmission). */
/* skb's flags on the wire: PSH when it holds the last byte queued, to tell the peer to deliver. */
static u8 tcp_skb_wire_flags(const struct sock *sk, const struct sk_buff *skb)
{
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    u8 flags = cb->tcp_flags;

    if (skb->len && cb->end_seq - (flags & TCPHDR_FIN ? 1 : 0) == tcp_sk(sk)->write_seq -
                                                          (tcp_sk(sk)->fin_queued ? 1 : 0))
        flags |= TCPHDR_PSH;
    return flags;
}

int tcp_transmit_skb(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

    cb->when = ktime_get_ns();
    return tcp_xmit(sk, cb->seq, tcp_skb_wire_flags(sk, skb), skb->data, skb->len);
}

/*
 * TSO: the `n` consecutive write-queue skbs from `first` (each one full
 * segment of `mss` bytes, the last with whatever flags it has) leave as one
 * frame the device cuts into n segments identical to what n calls of
 * tcp_transmit_skb would send (Linux's tcp_write_xmit with tso_segs).  The
 * write queue keeps one skb per segment, so ACKs, SACK and retransmission
 * see no difference.  One copy, one checksum by the device, one doorbell
 * and one frame for the host instead of n.
 */
static int tcp_transmit_tso(struct sock *sk, struct sk_buff *first, unsigned n, unsigned len,
                            unsigned mss)
{
    struct sk_buff *last = first, *seg;
    u64 now = ktime_get_ns();
    u8 *p;

    for (unsigned i = 1; i < n; i++)
        last = tcp_write_queue_next(sk, last);
    seg = tcp_xmit_build(sk, TCP_SKB_CB(first)->seq, tcp_skb_wire_flags(sk, last), NULL, len);
    if (!seg)
        return -ENOBUFS;
    p = seg->tail - len;
    for (struct sk_buff *skb = first;; skb = tcp_write_queue_next(sk, skb)) {
        memcpy(p, skb->data, skb->len);
        p += skb->len;
        TCP_SKB_CB(skb)->when = now;
        if (skb == last)
            break;
    }
    seg->gso_size = (u16)mss;
    seg->gso_segs = (u16)n;
    return tcp_xmit_send(sk, seg);
}

static unsigned tcp_skb_fin(const struct sk_buff *skb)
{
    return TCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN ? 1 : 0;
}

/* Next skb on the write queue after skb, or NULL. */
struct sk_buff *tcp_write_queue_next(struct sock *sk, struct sk_buff *skb)
{
    if (skb->list.next == &sk->sk_write_queue.head)
        return NULL;
    return list_entry(skb->list.next, struct sk_buff, list);
}

/*
 * Cut skb (on the write queue) after len bytes; the rest becomes a new skb
 * right behind it (Linux tcp_fragment).  A sent skb's halves keep its
 * scoreboard bits, so the SACK byte counters, sums of sequence lengths,
 * stay right; each half counts in packets_out.  0 or -ENOMEM.
 */
static int tcp_fragment(struct sock *sk, struct sk_buff *skb, unsigned len)
{
    struct sk_buff *rest = alloc_skb(skb->len - len);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

    if (!rest)
        return -ENOMEM;
    skb_set_owner_w(rest, sk);
    skb_put_data(rest, skb->data + len, skb->len - len);
    *TCP_SKB_CB(rest) = *cb;
    TCP_SKB_CB(rest)->seq = cb->seq + len;
    cb->end_seq = cb->seq + len;
    cb->tcp_flags &= (u8)~(TCPHDR_FIN | TCPHDR_PSH);
    skb_trim(skb, len);
    list_add(&rest->list, &skb->list);
    sk->sk_write_queue.qlen++;
    if (SEQ_LT(cb->seq, tcp_sk(sk)->snd_nxt))
        tcp_sk(sk)->packets_out++;
    return 0;
}

/*
 * The peer acked the first len bytes of skb, not all of it (Linux
 * tcp_trim_head): drop them, so a retransmission carries only the
 * unacknowledged tail, and take them out of the SACK byte counters (each
 * is the sum of the sequence lengths of the skbs with its bit: net/tcp_impl.h).
 */
void tcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

    skb_pull(skb, len);
    cb->seq += len;
    if (cb->sacked & TCPCB_SACKED_ACKED)
        tp->sacked_out -= len;
    if (cb->sacked & TCPCB_LOST)
        tp->lost_out -= len;
    if (cb->sacked & TCPCB_SACKED_RETRANS)
        tp->retrans_out -= len;
}

/*
 * RFC 1122 §4.2.3.4 with RFC 896: may `len` bytes of skb (the next unsent
 * one) go now?  Full segments (mss_now: tcp_current_mss()), FINs and
 * pushed data with nothing in flight go; with TCP_NODELAY pushed small
 * segments go even while data is in flight; TCP_CORK and MSG_MORE hold a
 * partial segment until it fills or the app pushes.  As in Linux, only the
 * queue's tail can be held: a short skb with data behind it is the rest of
 * one cut to a smaller mss_now, and holding it would hold everything.
 */
static bool tcp_nagle_ok(struct sock *sk, const struct sk_buff *skb, unsigned len, unsigned mss_now)
{
    const struct tcp_sock *tp = tcp_sk(sk);
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    bool held = (tp->nonagle & TCP_NAGLE_CORK) || SEQ_GT(cb->end_seq - tcp_skb_fin(skb), tp->pushed_seq);

    if (len >= mss_now || tcp_skb_fin(skb) || tcp_write_queue_next(sk, (struct sk_buff *)skb))
        return true;
    if (held && !(tp->nonagle & TCP_NAGLE_PUSH))
        return false;
    return (tp->nonagle & TCP_NAGLE_OFF) || tp->snd_nxt == tp->snd_una;
}

/*
 * How much of skb the send window and cwnd allow now, bytes (its FIN needs
 * no window, as in Linux).  Sender SWS avoidance: less than the whole skb
 * only when that is at least half the largest window the peer offered.
 */
static unsigned tcp_send_allowance(struct sock *sk, const struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    s32 wnd = (s32)(tp->snd_una + tp->snd_wnd - TCP_SKB_CB(skb)->seq);
    u32 cwnd = tcp_cwnd_room(sk), room;

    if (wnd <= 0)
        return skb->len || !tcp_skb_fin(skb) ? 0 : 1;
    room = (u32)wnd < cwnd ? (u32)wnd : cwnd;
    if (tp->snd_nxt == tp->snd_una && !room)
        room = (u32)wnd < tp->mss_cache ? (u32)wnd : tp->mss_cache;   /* cwnd never blocks an idle pipe */
    if (room >= skb->len)
        return skb->len ? skb->len : 1;
    return room >= tp->max_window / 2 && room ? room : 0;
}

/* Segments have left: start the RTO if it is not running (RFC 6298 §5.1). */
void tcp_sent_new(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u32 end = TCP_SKB_CB(skb)->end_seq;

    if (SEQ_GT(end, tp->snd_nxt))
        tp->snd_nxt = end;
    tp->packets_out++;
    tp->lsndtime = ktime_get_ns();
    if (!tp->retrans_stamp)
        tp->retrans_stamp = tp->lsndtime;
    if (inet_csk(sk)->icsk_pending != ICSK_TIME_RETRANS)
        tcp_reset_xmit_timer(sk, ICSK_TIME_RETRANS, inet_csk(sk)->icsk_rto);
}

/* Retransmit segments marked lost (after an RTO or by SACK) and not yet resent, within cwnd. */
static void tcp_xmit_retransmit_queue(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb;

    if (!tp->lost_out)
        return;
    /* Plain walk: a retransmission may cut skb, and its rest is lost too. */
    for (skb = skb_queue_empty(&sk->sk_write_queue) ? NULL :
               list_first_entry(&sk->sk_write_queue.head, struct sk_buff, list);
         skb && skb != tp->send_head; skb = tcp_write_queue_next(sk, skb)) {
        if ((TCP_SKB_CB(skb)->sacked & (TCPCB_LOST | TCPCB_SACKED_RETRANS)) != TCPCB_LOST)
            continue;
        if (tcp_cwnd_room(sk) < skb->len && tcp_packets_in_flight_bytes(tp))
            break;
        if (tcp_retransmit_skb(sk, skb))
            break;
    }
}

static bool tcp_may_send_data(const struct sock *sk)
{
    switch (sk->sk_state) {
    case TCP_ESTABLISHED: case TCP_CLOSE_WAIT: case TCP_FIN_WAIT1:
    case TCP_CLOSING: case TCP_LAST_ACK:
        return true;
    default:
        return false;
    }
}

/* TSO frames stay within one 32 KiB allocation: payload bytes for this MSS. */
static unsigned tcp_tso_max(unsigned mss)
{
    return (32768u - MAX_HEADER - TCP_HDR_MIN - TCP_OPT_MAX - 16u) / mss * mss;
}

/*
 * How many write-queue skbs from skb (cleared to go whole, mss bytes, no
 * SYN or FIN) leave together in one TSO frame: the following full-sized
 * plain skbs that still fit the send window, cwnd and tcp_tso_max().
 * Sets *len to their payload bytes.
 */
static unsigned tcp_tso_segs(struct sock *sk, struct sk_buff *skb, unsigned mss, unsigned *len)
{
    const struct tcp_sock *tp = tcp_sk(sk);
    u32 wnd = tp->snd_una + tp->snd_wnd - TCP_SKB_CB(skb)->seq;
    u32 max = MIN(MIN(wnd, tcp_cwnd_room(sk)), tcp_tso_max(mss));
    unsigned n = 1;

    *len = skb->len;
    while ((skb = tcp_write_queue_next(sk, skb)) && skb->len == mss && *len + mss <= max &&
           !(TCP_SKB_CB(skb)->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN))) {
        *len += mss;
        n++;
    }
    return n;
}

/*
 * Send skb (cleared to go whole), and with TSO the full-sized skbs after it
 * in the same frame.  Returns how many skbs went (0: nothing; stop).  When
 * the big frame finds no memory the segment still goes alone.
 */
static unsigned tcp_write_skbs(struct sock *sk, struct sk_buff *skb, bool tso, unsigned mss_now)
{
    unsigned len, n = 1;

    if (tso && skb->len == mss_now && !(TCP_SKB_CB(skb)->tcp_flags & (TCPHDR_SYN | TCPHDR_FIN)))
        n = tcp_tso_segs(sk, skb, mss_now, &len);
    if (n > 1 && !tcp_transmit_tso(sk, skb, n, len, mss_now))
        return n;
    return tcp_transmit_skb(sk, skb) ? 0 : 1;
}

static void __tcp_push_pending(struct sock *sk)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct sk_buff *skb;
    unsigned len, mss_now, n;
    bool tso;

    if (!tcp_may_send_data(sk))
        return;
    tcp_xmit_retransmit_queue(sk);
    mss_now = tp->send_head ? tcp_current_mss(sk) : 0;
    tso = tp->send_head && tcp_route_tso(sk);
    while ((skb = tp->send_head)) {
        len = tcp_send_allowance(sk, skb);
        if (len > mss_now && skb->len > mss_now)
            len = mss_now;
        if (!len || !tcp_nagle_ok(sk, skb, len, mss_now))
            break;
        if (len < skb->len && tcp_fragment(sk, skb, len))
            break;
        n = tcp_write_skbs(sk, skb, tso, mss_now);
        if (!n)
            break;
        while (n--) {
            tp->send_head = tcp_write_queue_next(sk, skb);
            tcp_sent_new(sk, skb);
            skb = tp->send_head;
        }
    }
    tp->nonagle &= (u8)~TCP_NAGLE_PUSH;
    /* Data waits on a window too small to use with nothing in flight: probe it (RFC 9293 §3.8.6.1). */
    if (tp->send_head && tp->snd_nxt == tp->snd_una && !timer_pending(&inet_csk(sk)->icsk_retransmit_timer))
        tcp_reset_xmit_timer(sk, ICSK_TIME_PROBE0, tcp_rto_backoff(sk));
}

void tcp_push_pending(struct sock *sk)
{
    prof_enter(PROF_TCP_OUT);
    dev_xmit_batch_begin();     /* the burst's segments share one doorbell */
    __tcp_push_pending(sk);
    dev_xmit_batch_end();
    prof_exit();
}

/*
 * Resend skb, at most tcp_current_mss() of it (the rest is cut off and
 * stays on the queue with the same marks, as Linux's tcp_retransmit_skb).
 * A lost skb stays lost once resent (Linux): RFC 6675 SetPipe counts a
 * lost, retransmitted octet once, and pipe = out - sacked - lost + retrans
 * does just that.  The counters move by sequence length, as
 * net/tcp_sack.c's do.
 */
int tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    unsigned mss_now = tcp_current_mss(sk);
    int err;

    if (skb->len > mss_now && (err = tcp_fragment(sk, skb, mss_now)))
        return err;
    err = tcp_transmit_skb(sk, skb);
    if (err)
        return err;
    tcp_stats.retrans_segs++;
    tcp_stats.out_segs--;   /* RFC 4022: OutSegs excludes retransmissions */
    tp->total_retrans++;
    if (!(cb->sacked & TCPCB_SACKED_RETRANS)) {
        cb->sacked |= TCPCB_SACKED_RETRANS;
        tp->retrans_out += cb->end_seq - cb->seq;
    }
    cb->sacked |= TCPCB_EVER_RETRANS;
    return 0;
}
