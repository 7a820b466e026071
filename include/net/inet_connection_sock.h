/*
 * Connection-oriented inet socks (Linux's include/net/inet_connection_sock.h
 * and request_sock.h, reduced): struct inet_connection_sock embeds
 * inet_sock and holds what a listener needs (SYN queue accounting, accept
 * queue) and what any connection needs from its timers (retransmit/persist
 * and delayed-ACK timers, backoff, MSS).  struct request_sock is one
 * half-open connection (RFC 9293 SYN-RECEIVED before a sock is committed).
 * TCP is the only user; net/tcp_minisocks.c and net/tcp_ipv4.c own the
 * queues, net/tcp_timer.c the timers.
 * Byte order: addresses and ports network order, as in inet_sock.
 */
#ifndef NET_INET_CONNECTION_SOCK_H
#define NET_INET_CONNECTION_SOCK_H

#include <kernel/timer.h>
#include <net/inet_sock.h>

/* listen() backlog is clamped to this (Linux net.core.somaxconn). */
#define SOMAXCONN 4096

/* icsk_pending: what the shared retransmit timer is armed for. */
enum {
    ICSK_TIME_NONE = 0,
    ICSK_TIME_RETRANS,          /* RTO (RFC 6298) */
    ICSK_TIME_PROBE0,           /* zero-window probe (RFC 9293 §3.8.6.1) */
};

/* icsk_ack.pending bits. */
enum {
    ICSK_ACK_SCHED = 1,         /* an ACK is owed */
    ICSK_ACK_TIMER = 2,         /* the delayed-ACK timer is armed */
    ICSK_ACK_NOW = 4,           /* send it with the next output, do not delay */
    ICSK_ACK_BATCH = 8,         /* send it when this NAPI batch ends (net/tcp_ack_batch.c) */
};

/*
 * A half-open passive connection (SYN received, SYN-ACK sent).  Lives in
 * the SYN-queue hash of net/tcp_ipv4.c, keyed by its 4-tuple, and counts
 * against its listener's icsk_syn_qlen.  Commits no more memory than this
 * struct (RFC 4987 §3.1); the full tcp_sock is made only when the
 * handshake completes.  Sequence numbers host order.
 */
struct request_sock {
    struct list_head node;      /* SYN-queue hash chain */
    struct sock *rsk_listener;  /* not a reference: a closing listener drops its requests first */
    __be32_t loc_addr, rmt_addr;
    __be16_t loc_port, rmt_port;
    u32 snt_isn;                /* our ISS */
    u32 rcv_isn;                /* peer's IRS */
    u32 snd_wnd;                /* peer's window from the SYN (unscaled, RFC 7323 §2.2) */
    u16 mss;                    /* peer's MSS option (host order), or TCP_MSS_DEFAULT when absent */
    u8 num_retrans;             /* SYN-ACKs re-sent */
    u8 snd_wscale : 4,          /* peer's shift (RFC 7323 §2.3) */
       rcv_wscale : 4;          /* our shift */
    u8 wscale_ok : 1,           /* both sides sent window scale */
       tstamp_ok : 1,           /* both sides sent timestamps */
       sack_ok : 1,             /* both sides sent SACK-permitted */
       cookie : 1;              /* rebuilt from a SYN cookie: never hashed, no timer */
    u32 ts_recent;              /* peer's TSval from the SYN (host order) */
    u64 syn_time;               /* ns when the SYN-ACK was first sent (RTT sample) */
    struct timer_list rsk_timer;    /* SYN-ACK retransmission (net/tcp_minisocks.c) */
};

struct inet_connection_sock {
    struct inet_sock icsk_inet;     /* must be first */

    /* Listener (TCP_LISTEN) side. */
    struct list_head icsk_accept_queue; /* completed children, oldest first (icsk_accept_node) */
    u32 icsk_accept_qlen;           /* children queued */
    u32 icsk_syn_qlen;              /* request socks in the SYN queue for this listener */
    u32 icsk_max_backlog;           /* listen() backlog after clamping to [0, SOMAXCONN] */
    /* Child side: link on the parent's accept queue (empty when not queued). */
    struct list_head icsk_accept_node;

    /* Timers (callbacks in softirq, net/tcp_timer.c). */
    struct timer_list icsk_retransmit_timer;    /* RTO or zero-window probe, per icsk_pending */
    struct timer_list icsk_delack_timer;        /* delayed ACK (RFC 1122 §4.2.3.2) */
    u8 icsk_pending;                /* ICSK_TIME_* */
    u8 icsk_retransmits;            /* consecutive RTO expiries for the head segment (backoff) */
    u8 icsk_backoff;                /* exponent of the current backoff (RTO or probe) */
    u8 icsk_probes_out;             /* zero-window or keepalive probes unanswered */
    u8 icsk_syn_retries;            /* TCP_SYNCNT, 0 = default */
    u64 icsk_rto;                   /* ns: current RTO before backoff (RFC 6298) */
    u64 icsk_user_timeout;          /* ns: TCP_USER_TIMEOUT, 0 = off */

    struct {
        u8 pending;                 /* ICSK_ACK_* */
        u8 quick;                   /* segments still to ACK at once (after idle/ofo) */
        u16 rcv_segs;               /* full-sized segments received since the last ACK sent */
        u64 ato;                    /* ns: delayed-ACK timeout in use */
        u64 lrcvtime;               /* ns of the last data segment received */
    } icsk_ack;

    u32 icsk_pmtu_cookie;           /* bytes: path MTU the MSS was computed from */
};

static inline struct inet_connection_sock *inet_csk(const struct sock *sk)
{
    return (struct inet_connection_sock *)sk;
}

static inline bool inet_csk_acceptq_is_full(const struct sock *sk)
{
    return inet_csk(sk)->icsk_accept_qlen > inet_csk(sk)->icsk_max_backlog;
}

#endif
