/*
 * Shared inside TCP, not for other layers (they use <net/tcp.h>).
 *
 * Core files: tcp.c (proto ops), tcp_ipv4.c (receive entry, lookup tables,
 * RST replies), tcp_input.c (RFC 9293 §3.10.7 SEGMENT ARRIVES),
 * tcp_output.c (segmentation, windows, ACK/RST), tcp_timer.c (RTO,
 * persist, delayed ACK, TIME_WAIT), tcp_minisocks.c (request socks,
 * children, TIME_WAIT).
 * Extension files, each implementing the hooks of its section below:
 * tcp_options.c, tcp_cong.c, tcp_sack.c, tcp_ofo.c, syncookies.c,
 * tcp_isn.c, tcp_rfc5961.c, tcp_keepalive.c.  Core calls the hooks at the
 * points named; the hooks call back only the core helpers declared here.
 *
 * Units: sequence numbers host order, sizes bytes, times ns.  Context:
 * everything runs in softirq or thread context of a non-preemptive
 * uniprocessor kernel, so no locks.
 */
#ifndef NET_TCP_IMPL_H
#define NET_TCP_IMPL_H

#include <net/tcp.h>

/*
 * Per-segment state in skb->cb, valid from tcp_v4_rcv() on for received
 * segments (skb->data then at the payload, transport header set) and for
 * the whole life of an skb on sk_write_queue (payload only; headers are
 * built on a copy at each transmission).
 */
struct tcp_skb_cb {
    u32 seq;                    /* SEG.SEQ */
    u32 end_seq;                /* seq + SYN + FIN + payload bytes */
    u32 ack_seq;                /* RX: SEG.ACK */
    u32 wnd;                    /* RX: SEG.WND as sent (unscaled) */
    u64 when;                   /* TX: ns of the last transmission (RTT sample, RFC 6298) */
    u8 tcp_flags;               /* TCPHDR_* */
    u8 sacked;                  /* TX: TCPCB_* below (scoreboard, net/tcp_sack.c) */
    u32 tw_isn;                 /* RX: a SYN that reused a TIME-WAIT 4-tuple: our ISS (0: choose) */
};
SKB_CB_CHECK(struct tcp_skb_cb);
#define TCP_SKB_CB(skb) ((struct tcp_skb_cb *)(skb)->cb)

/* tcp_skb_cb.sacked bits. */
#define TCPCB_SACKED_ACKED  0x01    /* SACKed by the peer */
#define TCPCB_SACKED_RETRANS 0x02   /* retransmitted and not yet acked/SACKed */
#define TCPCB_LOST          0x04    /* deemed lost (RFC 6675 IsLost) */
#define TCPCB_EVER_RETRANS  0x08    /* retransmitted at least once: no RTT sample (Karn) */

static inline const struct tcphdr *tcp_hdr(const struct sk_buff *skb)
{
    return (const struct tcphdr *)skb_transport_header(skb);
}

/* ---- core helpers the extensions may call -------------------------------- */

/* (Re)transmit skb, which is on sk_write_queue; 0 or a negative errno.  Counts retrans_segs. */
int tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
/* Send whatever the windows (snd_wnd, cwnd), Nagle and SWS rules now allow. */
void tcp_push_pending(struct sock *sk);
/* Send a bare ACK now (window update, challenge ACK, duplicate ACK). */
void tcp_send_ack(struct sock *sk);
/*
 * Send a segment with SEG.SEQ = snd_una - 1 and no data (keepalive probe,
 * RFC 1122 §4.2.3.6; also the persist probe's shape).  0 or -errno.
 */
int tcp_xmit_probe_skb(struct sock *sk);
/*
 * Give up on the connection: sk_err = err (positive errno, 0 for none),
 * TCP_CLOSE, unhashed, timers stopped, queues purged; frees an orphan.
 * The caller must not touch sk afterwards unless it holds a reference.
 */
void tcp_done(struct sock *sk, int err);
/* Send RST for the connection (abort, RFC 9293 §3.10.4) with SEG.SEQ = snd_nxt. */
void tcp_send_active_reset(struct sock *sk);
/*
 * In-order data (TCP_SKB_CB(skb)->seq <= rcv_nxt < end_seq, or a bare FIN
 * at rcv_nxt): trim what was already received, queue the rest for the app,
 * advance rcv_nxt, process a FIN (RFC 9293 §3.10.7.4 eighth step).
 * Consumes skb.  tcp_ofo_drain() calls it for segments that became in order.
 */
void tcp_queue_rcv(struct sock *sk, struct sk_buff *skb);
/* Bytes of payload in flight per RFC 6675 "pipe": snd_nxt - snd_una - sacked_out - lost_out + retrans_out. */
u32 tcp_packets_in_flight_bytes(const struct tcp_sock *tp);
/* Current RTO with backoff applied, ns, clamped to TCP_RTO_MAX. */
u64 tcp_rto_backoff(const struct sock *sk);
/* Restart the RTO timer from now (after a retransmission in recovery). */
void tcp_rearm_rto(struct sock *sk);
/*
 * Payload bytes one data segment may carry now: mss_cache less the options
 * beyond the timestamp this segment would carry (SACK blocks, D-SACK), as
 * Linux's tcp_current_mss().  Every sender path sizes data segments by it.
 */
unsigned tcp_current_mss(struct sock *sk);
/*
 * skb, on sk_write_queue, had its first len bytes cumulatively acked (not
 * all): drop them and their share of sacked_out/lost_out/retrans_out
 * (Linux tcp_trim_head), so a retransmission sends only the rest.
 */
void tcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len);

/* ---- core-internal (tcp.c, tcp_msg.c, tcp_ipv4.c, tcp_input.c, tcp_output.c,
 *      tcp_timer.c, tcp_minisocks.c); extensions should not need these ---- */

/* Header fields of one segment to build; ports network order, the rest host order. */
struct tcp_seg_hdr {
    __be16_t sport, dport;
    u32 seq, ack;               /* ack used only with TCPHDR_ACK */
    u8 flags;                   /* TCPHDR_* */
    u16 window;                 /* as sent (already scaled down) */
};
/* Where a segment goes: addresses network order; ttl 0 means IPDEFTTL. */
struct tcp_seg_route {
    __be32_t saddr, daddr;
    u8 tos, ttl;
    int oif;
};

struct tcp_out_options;
/* tcp_output.c, tcp_output_ctl.c */
struct sk_buff *tcp_make_segment(const struct tcp_seg_hdr *h, const struct tcp_out_options *opts,
                                 unsigned optlen, const void *data, unsigned len);
int tcp_v4_send(struct sk_buff *skb, const struct tcp_seg_route *r);
/* Send one segment of ours at seq with flags and len bytes of data (copied); 0 or -errno. */
int tcp_xmit(struct sock *sk, u32 seq, u8 flags, const void *data, unsigned len);
/* Send write-queue skb whole (PSH if it ends what is queued), stamping cb->when. */
int tcp_transmit_skb(struct sock *sk, struct sk_buff *skb);
/* skb went out for the first time: SND.NXT, packets_out, the RTO timer. */
void tcp_sent_new(struct sock *sk, struct sk_buff *skb);
u32 tcp_space(const struct sock *sk);
u32 tcp_receive_window(const struct tcp_sock *tp);
u16 tcp_select_window(struct sock *sk);
void tcp_schedule_ack(struct sock *sk, bool now);
void tcp_output_after_input(struct sock *sk);
/* tcp_ack_batch.c */
bool tcp_ack_batch_add(struct sock *sk);
int tcp_write_wakeup(struct sock *sk);
int tcp_queue_ctl(struct sock *sk, u8 flags);
void tcp_send_fin(struct sock *sk);
int tcp_connect_send_syn(struct sock *sk);
int tcp_retransmit_syn(struct sock *sk);
struct sk_buff *tcp_write_queue_next(struct sock *sk, struct sk_buff *skb);
/* tcp_timer.c */
void tcp_rtt_estimator(struct sock *sk, u64 rtt);
void tcp_reset_xmit_timer(struct sock *sk, int what, u64 when);
void tcp_clear_xmit_timer(struct sock *sk);
void tcp_tw_timer_arm(struct sock *sk, u64 timeout);
void tcp_init_xmit_timers(struct sock *sk);
void tcp_clear_xmit_timers(struct sock *sk);
/* tcp_input.c */
void tcp_rcv_state_process(struct sock *sk, struct sk_buff *skb, const struct tcp_options_received *rx);
void tcp_reset(struct sock *sk);
/* tcp_minisocks.c */
void tcp_rcv_listen(struct sock *sk, struct sk_buff *skb, const struct tcp_options_received *rx);
/* A bare ACK for a connection with no full sock (request or TIME-WAIT); TS option when ts. */
void tcp_v4_send_ack(const struct tcp_seg_hdr *h, const struct tcp_seg_route *r, bool ts,
                     u32 tsval, u32 tsecr);
void tcp_check_req(struct sock *sk, struct request_sock *req, struct sk_buff *skb,
                   const struct tcp_options_received *rx);
void reqsk_drop(struct request_sock *req);
/* tcp_timewait.c */
/*
 * sk enters TIME-WAIT: a tcp_timewait_sock takes its 4-tuple and port
 * (or none past tcp_max_tw_buckets), then tcp_done(sk): the full sock is
 * closed and, if orphaned, freed once the caller's reference goes.
 */
void tcp_time_wait(struct sock *sk);
/* What tcp_timewait_state_process() leaves to the caller (Linux enum tcp_tw_status). */
enum tcp_tw_status {
    TCP_TW_SUCCESS,             /* skb consumed, nothing more to do */
    TCP_TW_SYN,                 /* an acceptable new SYN: cb->tw_isn set; see tcp_v4_dispatch */
};
/* A segment for a TIME-WAIT entry (RFC 9293 §3.10.7.4, RFC 7323 §5, RFC 6191). */
enum tcp_tw_status tcp_timewait_state_process(struct inet_timewait_sock *tw, struct sk_buff *skb,
                                              const struct tcp_options_received *rx);
/* ACK skb from tw (a SYN with no listener to reuse the tuple) and consume it. */
void tcp_timewait_ack_consume(struct inet_timewait_sock *tw, struct sk_buff *skb);
/* End tw now (reset, reuse): out of the tables, timer stopped, freed. */
void inet_twsk_deschedule_put(struct inet_timewait_sock *tw);
/* TIME-WAIT entries alive; the slab cache is made by tcp_timewait_init() (tcp_init). */
unsigned tcp_tw_count(void);
void tcp_timewait_init(void);
/* tcp_ipv4.c */
int tcp_v4_hash(struct sock *sk);
void tcp_v4_unhash(struct sock *sk);
bool tcp_v4_tuple_in_use(const struct sock *sk);
/* Enter / leave the established hash's TIME-WAIT chains and the bind table. */
void tcp_tw_hash(struct inet_timewait_sock *tw);
void tcp_tw_unhash(struct inet_timewait_sock *tw);
void tcp_reqsk_hash_add(struct request_sock *req);
void tcp_reqsk_unlink(struct request_sock *req);
void tcp_reqsk_purge_listener(struct sock *sk);
int tcp_v4_get_port(struct sock *sk, u16 snum);
void tcp_v4_put_port(struct sock *sk);
void tcp_inherit_port(struct sock *sk, struct sock *child);
/* RST answering skb per RFC 9293 §3.10.7.1 (never to an RST). */
void tcp_v4_send_reset(const struct sk_buff *skb);
/* tcp.c */
void tcp_set_state(struct sock *sk, int state);
void tcp_purge_send_state(struct sock *sk);
int tcp_init_sock(struct sock *sk);
void tcp_inherit_settings(struct sock *child, const struct sock *sk);
u16 tcp_route_advmss(__be32_t saddr, __be32_t daddr, int oif);
void tcp_mtu_reduced(struct sock *sk, u32 mtu);
void tcp_init_transfer(struct sock *sk);
int tcp_v4_connect(struct sock *sk, const void *addr, int addrlen);
void tcp_accept_enqueue(struct sock *sk, struct sock *child);
struct sock *tcp_accept(struct sock *sk, int flags, int *err);
void tcp_shutdown(struct sock *sk, int how);
void tcp_close(struct sock *sk, u64 timeout);
int tcp_disconnect(struct sock *sk, int flags);
void tcp_register_protosw(void);
/* tcp_msg.c */
long tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t len);
long tcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *addr_len);
int tcp_ioctl(struct sock *sk, unsigned cmd, unsigned long arg);
int tcp_setsockopt(struct sock *sk, int level, int optname, u64 optval, unsigned optlen);
int tcp_getsockopt(struct sock *sk, int level, int optname, u64 optval, u64 optlen);
int tcp_set_keepalive_opt(struct sock *sk, int optname, int val);

/* ---- options (net/tcp_options.c: RFC 9293 §3.2 MSS, RFC 7323, RFC 2018) --- */

/*
 * Options sent on one segment.  The core sets mss (SYN, SYN-ACK: our
 * advertised MSS) and then calls tcp_*_options(), which add the rest and
 * return the total option bytes (a multiple of 4, <= TCP_OPT_MAX).
 */
#define OPTION_SACK_ADVERTISE   0x01
#define OPTION_TS               0x02
#define OPTION_WSCALE           0x04
struct tcp_out_options {
    u16 mss;                    /* bytes; 0: no MSS option */
    u8 options;                 /* OPTION_* */
    u8 ws;                      /* our shift, with OPTION_WSCALE */
    u8 num_sack_blocks;
    u32 tsval, tsecr;           /* with OPTION_TS, host order */
    const struct tcp_sack_block *sack;  /* num_sack_blocks blocks (tp storage) */
};

/*
 * Parse the options of a received segment (th validated: its data offset
 * lies inside the segment) into *opt (zeroed first).  MSS, window scale and
 * SACK-permitted count only on a SYN.  Returns
 * SKB_DROP_REASON_NOT_DROPPED_YET, or a drop reason for malformed options
 * (length 0 or 1, an option overrunning the header, bad fixed lengths).
 * Called by tcp_v4_rcv() for every segment.
 */
enum skb_drop_reason tcp_parse_options(const struct tcphdr *th, struct tcp_options_received *opt);
/* Our SYN (active open): sets window scale/TS/SACK-permitted offers and tp->rx_opt.rcv_wscale. */
unsigned tcp_syn_options(struct sock *sk, struct tcp_out_options *opts);
/*
 * A SYN-ACK for req: answers what the SYN offered (req fields, filled by
 * tcp_openreq_init_options()).
 */
unsigned tcp_synack_options(const struct request_sock *req, struct tcp_out_options *opts);
/* Any other segment of a connection: TS and SACK blocks as negotiated. */
unsigned tcp_established_options(struct sock *sk, struct tcp_out_options *opts);
/* Write opts at ptr (exactly the size the tcp_*_options call returned). */
void tcp_options_write(u8 *ptr, const struct tcp_out_options *opts);
/* Record the SYN's offers in req (wscale_ok, snd/rcv_wscale, tstamp_ok, sack_ok, ts_recent). */
void tcp_openreq_init_options(struct request_sock *req, const struct tcp_options_received *rx,
                              const struct sock *listener);
/*
 * Negotiated options for a new connection: the child from req, or an
 * active opener from the SYN-ACK's rx (tp->rx_opt updated).
 */
void tcp_options_from_req(struct sock *child, const struct request_sock *req);
void tcp_options_from_synack(struct sock *sk, const struct tcp_options_received *rx);
/*
 * RFC 7323 §5.3 PAWS: true if the segment must be discarded (an ACK is
 * then sent unless RST).  Called before the sequence check.
 */
bool tcp_paws_reject(struct sock *sk, const struct tcp_options_received *rx, const struct sk_buff *skb);
/* RFC 7323 §4.3: after the segment passed the sequence check, update TS.Recent. */
void tcp_ts_update(struct sock *sk, const struct tcp_options_received *rx, const struct sk_buff *skb);
/* RTT sample from the echoed timestamp (RFC 7323 §4.2), ns; 0 when none. */
u64 tcp_ts_rtt_sample(const struct sock *sk, const struct tcp_options_received *rx);

/* ---- congestion control (net/tcp_cong.c: RFC 5681, RFC 6582) -------------- */

/* What one ACK did, computed by the core's ACK step (RFC 9293 §3.10.7.4 fifth). */
struct tcp_ack_info {
    u32 prior_una;              /* snd_una before this ACK */
    u32 acked;                  /* bytes newly cumulatively acknowledged */
    u32 prior_in_flight;        /* tcp_packets_in_flight_bytes() before the ACK */
    bool dup;                   /* a duplicate ACK by RFC 5681 §2's definition */
    bool sacked_new;            /* net/tcp_sack.c marked new SACKed data */
};
/* Connection established: initial cwnd (RFC 5681 §3.1 IW) and ssthresh. */
void tcp_cong_init(struct sock *sk);
/*
 * After the core updated snd_una/snd_wnd and freed acked skbs: grow cwnd
 * (slow start / congestion avoidance), count duplicate ACKs, enter/leave
 * fast recovery and retransmit through tcp_retransmit_skb().  The core
 * calls tcp_push_pending() afterwards.
 */
void tcp_cong_on_ack(struct sock *sk, const struct tcp_ack_info *ai);
/* An RTO fired (before the core retransmits the head): RFC 5681 §3.1 (4), loss window. */
void tcp_cong_on_rto(struct sock *sk);
/* Bytes the congestion window (with RFC 3042's allowance) lets us send now (0 when full). */
u32 tcp_cwnd_room(const struct sock *sk);
/* Leaf: RFC 3042's extra bytes beyond cwnd now (dup_acks * SMSS on the first two duplicates, no SACK). */
u32 tcp_cong_limited_transmit(const struct tcp_sock *tp);

/* ---- SACK (net/tcp_sack.c: RFC 2018, RFC 6675, RFC 2883) ------------------ */

/* Mark skbs on sk_write_queue from rx->sacks; true if new data was SACKed. */
bool tcp_sacktag(struct sock *sk, const struct tcp_options_received *rx, u32 ack);
/*
 * Cumulative ACK advanced past skb (about to be freed): subtract its bytes
 * from sacked_out / retrans_out / lost_out by its TCPCB_* bits.  Invariant:
 * each counter is the sum of skb->len over write-queue skbs with that bit;
 * whoever flips a bit (core: tcp_retransmit_skb, the RTO's loss marking;
 * extensions: SACK tagging) adjusts the counter.
 */
void tcp_sack_skb_acked(struct sock *sk, const struct sk_buff *skb);
/* An RTO: clear SACK state (RFC 6675 §5.1) and mark everything outstanding lost. */
void tcp_sack_on_rto(struct sock *sk);
/*
 * Leaf (beside those in <net/tcp_ext.h>): RFC 6675 §4 NextSeg rule 4, the
 * rescue retransmission: in Recovery with snd_una past rescue_rxt, the
 * highest unSACKed outstanding skb; else NULL.  The caller sets rescue_rxt
 * to RecoveryPoint when it sends it.
 */
struct sk_buff *tcp_sack_rescue_seg(struct tcp_sock *tp);

/* ---- out-of-order queue (net/tcp_ofo.c) ----------------------------------- */

/*
 * Keep a segment that arrived beyond rcv_nxt (inside the window), within
 * the per-socket cap (drop with a reason otherwise); update the SACK
 * blocks we send.  Consumes skb.
 */
void tcp_ofo_queue(struct sock *sk, struct sk_buff *skb);
/* rcv_nxt advanced: pass now-in-order segments to tcp_queue_rcv(), drop covered ones. */
void tcp_ofo_drain(struct sock *sk);
/* Free everything queued (close, reset, destroy). */
void tcp_ofo_purge(struct sock *sk);

/* ---- SYN cookies (net/syncookies.c) and ISN (net/tcp_isn.c) -------------- */

/*
 * ISS for a SYN-ACK answering skb (a SYN to listener sk) when the SYN queue
 * is full; encodes *mss (rounded down to a table value).  Counts
 * syncookies_sent.
 */
u32 cookie_v4_init_sequence(const struct sock *sk, const struct sk_buff *skb, u16 *mss);
/*
 * An ACK to listener sk that matches no request sock: a request sock
 * (kmalloc'ed, cookie = 1, not hashed) rebuilt from a valid cookie, or NULL.
 * The core completes it like any other request (and frees it).
 */
struct request_sock *cookie_v4_check(struct sock *sk, const struct sk_buff *skb);
/* RFC 6528 ISN: keyed hash of the 4-tuple (network order) plus a 4 µs clock. */
u32 secure_tcp_seq(__be32_t saddr, __be32_t daddr, __be16_t sport, __be16_t dport);

/* ---- RFC 5961 (net/tcp_rfc5961.c) ----------------------------------------- */

/* Send a challenge ACK unless over the rate limit; counts challenge_acks. */
void tcp_send_challenge_ack(struct sock *sk);
/* RFC 5961 §5.2: true if ack < snd_una - max_window (too old: challenge ACK and drop). */
bool tcp_ack_too_old(const struct tcp_sock *tp, u32 ack);

/* ---- keepalive (net/tcp_keepalive.c: RFC 1122 §4.2.3.6) ------------------- */

/* timer_setup for tp->keepalive_timer (sock creation). */
void tcp_keepalive_init(struct sock *sk);
/* SO_KEEPALIVE changed, or the connection became established: arm or stop the timer. */
void tcp_set_keepalive(struct sock *sk, bool on);
/* Connection closing: stop the timer. */
void tcp_keepalive_stop(struct sock *sk);

#endif
