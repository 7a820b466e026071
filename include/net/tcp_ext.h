/*
 * TCP extensions, the leaf layer: the algorithms behind the hooks in
 * net/tcp_impl.h, as functions that read and write tcp_sock fields (or take
 * plain values) and never call back into the core or count in tcp_stats.
 * The hooks (same files) do the calling and counting; tests drive these
 * directly on a zeroed tcp_sock.
 *
 *   net/tcp_options.c   parse/build (RFC 9293 §3.1, RFC 7323, RFC 2018), PAWS
 *   net/tcp_isn.c       RFC 6528 ISN
 *   net/syncookies.c    SYN cookies (Linux's encoding, net/ipv4/syncookies.c)
 *   net/tcp_cong.c      RFC 5681 slow start / CA, RFC 6582 NewReno (bytes)
 *   net/tcp_sack.c      SACK scoreboard on sk_write_queue, RFC 6675
 *   net/tcp_ofo.c       out-of-order queue, the SACK blocks we send
 *   net/tcp_rfc5961.c   RST/SYN/ACK checks, challenge-ACK rate limit
 *   net/tcp_keepalive.c RFC 1122 §4.2.3.6 keepalive decisions
 *
 * Units: sequence numbers and TS values host-order u32, compared only with
 * SEQ_* (net/byteorder.h); sizes bytes; times ns on ktime_get_ns().
 */
#ifndef NET_TCP_EXT_H
#define NET_TCP_EXT_H

#include <net/tcp_sock.h>
#include <net/wire/tcp.h>

struct tcp_ack_info;             /* net/tcp_impl.h */

/* ---- options ---------------------------------------------------------------- */
#define TCP_PAWS_24DAYS (24ULL * 86400 * 1000000000ULL)    /* ns, RFC 7323 §5.5 */

/* Extra facts tcp_parse_opts reports besides the options (for counters). */
struct tcp_opt_notes {
    bool wscale_clamped;        /* a window scale > 14 was read as 14 (RFC 7323 §2.3) */
};

/*
 * Parse `len` bytes of options into *o (zeroed first).  syn: the segment
 * has SYN (MSS, WS, SACK-permitted count only then, as Linux).  Returns
 * SKB_DROP_REASON_NOT_DROPPED_YET or SKB_DROP_REASON_TCP_OPTIONS: an option
 * with length 0 or 1, running past the header, or a fixed-length option
 * with another length (RFC 9293 §3.1 MUST-7; Linux instead stops parsing
 * or skips the option and keeps the segment: we drop and count).  An MSS
 * of 0 is taken as absent (Linux).  Never reads outside [opt, opt+len).
 */
enum skb_drop_reason tcp_parse_opts(const u8 *opt, unsigned len, bool syn,
                                    struct tcp_options_received *o, struct tcp_opt_notes *notes);

/*
 * Our window-scale shift (RFC 7323 §2.3): the smallest that lets the 16-bit
 * field cover the largest receive buffer sk may get (Linux
 * tcp_select_initial_window with tcp_rmem[2] = SYSCTL_RMEM_MAX).
 */
u8 tcp_select_wscale(const struct sock *sk);

/* Our TSval clock (RFC 7323 §5.4): 1 ms ticks, as Linux's tcp_time_stamp_ms. */
static inline u32 tcp_ts_clock(u64 now_ns) { return (u32)(now_ns / 1000000ULL); }

/*
 * RFC 7323 §5.3 R1: true when a segment carrying TSval must be rejected:
 * ts_recent valid (stamped within 24 days, §5.5) and TSval < TS.Recent.
 * RST segments are never rejected here (Linux; RFC 5961 handles them).
 */
bool tcp_paws_check_reject(const struct tcp_sock *tp, const struct tcp_options_received *rx,
                           bool rst, u64 now_ns);

/* ---- ISN: RFC 6528 ------------------------------------------------------------ */
/* inet_secure_hash() domains (net/inet_hashtables.c's keyed 4-tuple hash). */
#define TCP_HASH_DOMAIN_ISN     0x74637073u     /* "tcps" */
#define TCP_HASH_DOMAIN_COOKIE  0x636f0000u     /* "co" + 16 bits of (2 * minute + which) */
/* RFC 6528 §3 at time now_ns (tuple network order, local first): F(tuple, secret) + now_ns / 4000. */
u32 tcp_isn_at(__be32_t saddr, __be32_t daddr, __be16_t sport, __be16_t dport, u64 now_ns);

/* ---- SYN cookies -------------------------------------------------------------- */
#define SYNCOOKIE_MAX_AGE   2                       /* counter periods (Linux MAX_SYNCOOKIE_AGE) */
#define SYNCOOKIE_PERIOD_NS (60ULL * 1000000000ULL)  /* one counter period: a minute */
#define SYNCOOKIE_TSBITS    6                       /* low TSval bits that carry options */
#define SYNCOOKIE_TS_NO_WS  0xf                     /* wscale field value: no window scaling */
#define SYNCOOKIE_TS_SACK   0x10

/*
 * The cookie: our ISS for a SYN from (saddr:sport -> daddr:dport, network
 * order, the SYN's own source first as Linux) with the client's ISN and the
 * index of its MSS in syncookie_msstab.  Linux's secure_tcp_syn_cookie:
 * H1 + isn + (count << 24) + ((H2(count) + mssind) & 0xffffff).
 */
u32 syncookie_encode(__be32_t saddr, __be32_t daddr, __be16_t sport, __be16_t dport,
                     u32 client_isn, u16 mss, u64 now_ns, u16 *mss_out);
/*
 * The MSS a cookie carries (cookie = SEG.ACK - 1, client_isn = SEG.SEQ - 1
 * of the final ACK), or 0 when forged or older than SYNCOOKIE_MAX_AGE
 * periods.
 */
u16 syncookie_decode(__be32_t saddr, __be32_t daddr, __be16_t sport, __be16_t dport,
                     u32 cookie, u32 client_isn, u64 now_ns);
/*
 * TSval for a cookie SYN-ACK (Linux cookie_init_timestamp): ts_now with the
 * low 6 bits replaced by the options (peer's wscale or 0xf, SACK bit),
 * never above ts_now.
 */
u32 syncookie_tsval(bool wscale_ok, u8 snd_wscale, bool sack_ok, u32 ts_now);
/*
 * Options back from the final ACK's TSecr (Linux cookie_decode_options):
 * without a timestamp none were negotiated.  Fills the negotiated bits of
 * *rx; false when the encoding is invalid.
 */
bool syncookie_decode_opts(bool saw_tstamp, u32 tsecr, struct tcp_options_received *rx);

/* ---- congestion control: RFC 5681, RFC 6582, RFC 6928 ------------------------ */
#define TCP_INIT_CWND           10              /* segments (RFC 6928 §2, Linux TCP_INIT_CWND) */
#define TCP_INFINITE_SSTHRESH   0x7fffffffu     /* RFC 5681 §3.1 "arbitrarily high" */
#define TCP_DUPTHRESH           3               /* RFC 5681 §3.2, RFC 6675 DupThresh */

/* Actions tcp_cong_ack_event asks of the caller (bit set). */
#define TCP_CA_RETRANSMIT       1   /* retransmit the first unacked segment */
#define TCP_CA_REARM_RTO        2   /* first partial ACK: restart the RTO (RFC 6582 §3.2 (5)) */
#define TCP_CA_ENTERED_RECOVERY 4   /* fast retransmit began a recovery (count it) */
#define TCP_CA_PARTIAL_ACK      8
#define TCP_CA_FULL_ACK         16  /* recovery ended */

/* IW = TCP_INIT_CWND * mss_cache, ssthresh infinite, Open, high_seq = iss. */
void tcp_cong_reset(struct tcp_sock *tp);
/* ssthresh after a loss: max(flight / 2, 2 * SMSS) (RFC 5681 §3.1 eq. 4). */
u32 tcp_cong_halve(const struct tcp_sock *tp, u32 flight);
/*
 * The congestion response to one ACK, already applied to tp->snd_una (the
 * core updates it first; ai->prior_una is the old one).  Grows cwnd (slow
 * start, congestion avoidance with byte counting), counts dupacks, runs
 * NewReno fast retransmit/recovery, unless SACK recovery (tcp_sack.c) owns
 * the episode.  Returns TCP_CA_* bits.
 */
unsigned tcp_cong_ack_event(struct tcp_sock *tp, const struct tcp_ack_info *ai);
/* RTO: ssthresh (only for the first expiry of a segment), cwnd = 1 SMSS, Loss (RFC 5681 §3.1, RFC 6582 §4). */
void tcp_cong_rto_event(struct tcp_sock *tp, u32 flight, bool first);
/* RFC 5681 §4.1: after idle longer than an RTO, cwnd = min(cwnd, IW). */
void tcp_cong_restart_after_idle(struct tcp_sock *tp);

/* ---- SACK scoreboard (RFC 2018, RFC 2883, RFC 6675) -------------------------- */
/*
 * Tag write-queue skbs (TCP_SKB_CB seq/end_seq, sacked bits) covered
 * entirely by the blocks in rx.  Blocks outside (snd_una, snd_nxt] or
 * inverted are ignored; a first block below ack or inside the second is a
 * D-SACK (RFC 2883 §4).  Updates sacked_out/retrans_out; returns bytes newly
 * SACKed.  *dsack (may be NULL) is set when a D-SACK was seen, *ignored
 * counts invalid blocks.
 */
u32 tcp_sack_tag(struct tcp_sock *tp, const struct tcp_options_received *rx, u32 ack,
                 bool *dsack, unsigned *ignored);
/*
 * RFC 6675 §4 IsLost for every un-SACKed, un-lost skb: mark TCPCB_LOST
 * (adding to lost_out) when DupThresh discontiguous SACKed ranges, or more
 * than (DupThresh - 1) * SMSS SACKed bytes, lie above it.  Returns bytes
 * newly marked.
 */
u32 tcp_sack_mark_lost(struct tcp_sock *tp);
/*
 * RFC 6675 §4 NextSeg rules 1 and 3: the write-queue skb to retransmit next
 * (lost and not yet retransmitted; or, with rule3_ok - no new data may be
 * sent - the first un-SACKed, unretransmitted skb below the highest SACK).
 * NULL when none.  Rule 2 (new data) is the core's tcp_push_pending.
 */
struct sk_buff *tcp_sack_next_seg(struct tcp_sock *tp, bool rule3_ok);
/* Account a retransmission of skb chosen by next_seg: SACKED_RETRANS, retrans_out, high_rxt. */
void tcp_sack_mark_retransmitted(struct tcp_sock *tp, struct sk_buff *skb);
/* skb leaves the write queue (cumulatively acked): remove its bytes from the counters. */
void tcp_sack_unaccount(struct tcp_sock *tp, const struct sk_buff *skb);
/* RTO (RFC 6675 §5.1): forget SACKs (the peer may renege), mark all outstanding lost. */
void tcp_sack_reset_on_rto(struct tcp_sock *tp);

/*
 * Hook-level helpers shared by net/tcp_cong.c and net/tcp_sack.c (they call
 * the core).  Retransmit NextSeg() choices while cwnd - pipe >= SMSS
 * (RFC 6675 §5 (C); after an RTO the go-back-N of the Loss state).
 */
void tcp_sack_retransmit_lost(struct sock *sk, bool rule3_ok);
/* tcp_cong_on_ack for a SACK connection: RFC 6675 §5 entry, loop and exit. */
void tcp_sack_recovery_on_ack(struct sock *sk, const struct tcp_ack_info *ai);

/* ---- out-of-order queue -------------------------------------------------------- */
/*
 * Insert skb (TCP_SKB_CB seq/end_seq; payload at skb->data, FIN flag in
 * tcp_flags) which starts above rcv_nxt, keeping the queue sorted,
 * overlap-free (new data trimmed against what is queued) and coalesced
 * (adjacent data copied into a predecessor with tailroom).  Charges
 * truesize to tp->ofo_mem; above cap, prunes queued segments above the new
 * one (highest first, TCP_OFO_QUEUE_PRUNE, Linux tcp_prune_ofo_queue)
 * before giving up (TCP_OFO_MEMLIMIT).  Consumes skb.  Returns 0 (queued
 * or merged) or the reason it was dropped (TCP_OFOMERGE: nothing new,
 * which also sets a D-SACK, RFC 2883 §4).  Updates selective_acks.
 */
enum skb_drop_reason tcp_ofo_insert(struct tcp_sock *tp, struct sk_buff *skb, u32 cap,
                                    bool *coalesced);
/*
 * The next segment that reached rcv_nxt (its seq <= rcv_nxt), unlinked and
 * uncharged; segments wholly below rcv_nxt are freed as TCP_OFOMERGE on the
 * way.  NULL when the head is still beyond a hole.  Caller owns the skb.
 */
struct sk_buff *tcp_ofo_pop_ready(struct tcp_sock *tp);
/* Free every queued skb with reason; ofo_mem back to 0, SACK blocks cleared. */
void tcp_ofo_free_all(struct tcp_sock *tp, enum skb_drop_reason reason);
/* New data at seq was queued: its run becomes the first block (RFC 2018 §4). */
void tcp_sack_blocks_update(struct tcp_sock *tp, u32 seq);
/* rcv_nxt advanced: drop SACK blocks it covers (RFC 2018 §4). */
void tcp_sack_blocks_trim(struct tcp_sock *tp);
/* Remember a D-SACK [seq, end_seq) for the next ACK (RFC 2883 §4: reported once, first). */
void tcp_dsack_set(struct tcp_sock *tp, u32 seq, u32 end_seq);
/* Per-socket cap on ofo_mem, bytes: the receive buffer (Linux charges OFO data to sk_rcvbuf). */
u32 tcp_ofo_cap(const struct sock *sk);

/* ---- RFC 5961 ------------------------------------------------------------------ */
enum tcp_rst_verdict {
    TCP_RST_ACCEPT,             /* seq == rcv_nxt: reset the connection */
    TCP_RST_CHALLENGE,          /* in window, not exact: challenge ACK, drop (§3.2) */
    TCP_RST_OUTSIDE,            /* outside the window: drop without reply */
};
/* RFC 5961 §3.2 for an RST in a synchronized state; the window is [rcv_nxt, rcv_nxt + rcv_wnd). */
enum tcp_rst_verdict tcp_rst_check(u32 seq, u32 rcv_nxt, u32 rcv_wnd);
/*
 * Challenge-ACK rate limits.  Per socket: at most one per 500 ms (Linux
 * tcp_oow_rate_limited, sysctl_tcp_invalid_ratelimit = HZ/2), *last_ns the
 * socket's stamp.  Global: per second a budget drawn at random in
 * [500, 1500) (Linux 4.7-5.19's tcp_challenge_ack_limit 1000, randomised
 * against CVE-2016-5696's side channel; RFC 5961 §7 asks for a system-wide
 * limit).  True when the ACK may go; *global_limited tells which refused.
 */
#define TCP_INVALID_RATELIMIT_NS    (500ULL * 1000000ULL)
#define TCP_CHALLENGE_ACK_LIMIT     1000
bool tcp_challenge_allowed(u64 *last_ns, u64 now_ns, bool *global_limited);
/* Tests: forget the global budget. */
void tcp_challenge_reset(void);

/* ---- keepalive ----------------------------------------------------------------- */
#define TCP_KEEPIDLE_MAX    32767   /* s, Linux MAX_TCP_KEEPIDLE (and KEEPINTVL) */
#define TCP_KEEPCNT_MAX     127     /* Linux MAX_TCP_KEEPCNT */

enum tcp_ka_action {
    TCP_KA_REARM,               /* nothing due: re-arm at *next_ns */
    TCP_KA_PROBE,               /* send a probe, re-arm at *next_ns */
    TCP_KA_ABORT,               /* unanswered probes reached TCP_KEEPCNT: ETIMEDOUT */
};
/*
 * The keepalive timer fired (Linux tcp_keepalive_timer): idle time counts
 * from the last segment received (tp->rcv_tstamp); busy: unacked or unsent
 * data (the RTO covers it: just re-arm).  probes_out is the count so far.
 */
enum tcp_ka_action tcp_keepalive_decide(const struct tcp_sock *tp, u64 now_ns, bool busy,
                                        u8 probes_out, u64 *next_ns);
/* Effective settings with Linux's defaults for 0, ns and count. */
u64 tcp_keepalive_time_ns(const struct tcp_sock *tp);
u64 tcp_keepalive_intvl_ns(const struct tcp_sock *tp);
u8 tcp_keepalive_probes(const struct tcp_sock *tp);
/* Range checks for TCP_KEEPIDLE/KEEPINTVL (1..32767 s) and TCP_KEEPCNT (1..127): 0 or -EINVAL. */
int tcp_keepalive_check(int optname, int val);

#endif
