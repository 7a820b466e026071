/*
 * struct tcp_sock (Linux's include/linux/tcp.h, reduced): the RFC 9293
 * §3.3.1 Transmission Control Block on top of inet_connection_sock, plus
 * the state of the extensions (options RFC 7323/2018, congestion control
 * RFC 5681/6582, SACK recovery RFC 6675, out-of-order queue, keepalive).
 *
 * Units: sequence numbers host order; windows, cwnd and buffer figures
 * bytes; times ns on the ktime_get_ns() clock.  Which file writes which
 * field is noted where it is not net/tcp_{input,output,timer}.c.
 */
#ifndef NET_TCP_SOCK_H
#define NET_TCP_SOCK_H

#include <net/inet_connection_sock.h>
#include <net/inet_timewait_sock.h>

#define TCP_NUM_SACKS 4         /* SACK blocks kept and sent (RFC 2018 §3: 3 fit with timestamps) */

/* A SACK block [start_seq, end_seq), host order. */
struct tcp_sack_block {
    u32 start_seq;
    u32 end_seq;
};

/*
 * Options seen on a received segment (filled by tcp_parse_options() in
 * net/tcp_options.c) and, in tcp_sock.rx_opt, what was negotiated.
 */
struct tcp_options_received {
    u32 rcv_tsval;              /* TSval of this segment (host order), valid if saw_tstamp */
    u32 rcv_tsecr;              /* TSecr of this segment */
    u16 mss_clamp;              /* MSS option value (bytes), 0 when absent; tp: peer's MSS */
    u8 saw_tstamp : 1,          /* this segment carried a timestamp option */
       tstamp_ok : 1,           /* SYN: TS option present / tp: timestamps negotiated */
       sack_ok : 1,             /* SYN: SACK-permitted present / tp: SACK negotiated */
       wscale_ok : 1,           /* SYN: window scale present / tp: scaling negotiated */
       saw_mss : 1;             /* SYN: MSS option present */
    u8 snd_wscale;              /* peer's shift (clamped to TCP_MAX_WSCALE) */
    u8 rcv_wscale;              /* tp: our shift, 0 without scaling */
    u8 num_sacks;               /* SACK blocks in sacks[] from this segment */
    struct tcp_sack_block sacks[TCP_NUM_SACKS];
};

/* Nagle state (tp->nonagle bits). */
#define TCP_NAGLE_OFF   1       /* TCP_NODELAY */
#define TCP_NAGLE_CORK  2       /* TCP_CORK */
#define TCP_NAGLE_PUSH  4       /* MSG_MORE cleared / cork released: push what is queued */

/* tp->ca_state (Linux's tcp_ca_state): written by net/tcp_cong.c and net/tcp_sack.c. */
enum tcp_ca_state {
    TCP_CA_Open = 0,            /* no loss suspected */
    TCP_CA_Disorder,            /* duplicate ACKs or SACKs seen, below the threshold */
    TCP_CA_Recovery,            /* fast recovery (RFC 6582 / RFC 6675) */
    TCP_CA_Loss,                /* after an RTO */
};

struct tcp_sock {
    struct inet_connection_sock inet_conn;  /* must be first */

    /* Send sequence variables (RFC 9293 §3.3.1, Figure 4). */
    u32 snd_una;                /* oldest unacknowledged */
    u32 snd_nxt;                /* next to send */
    u32 snd_wnd;                /* peer's window, bytes, already scaled */
    u32 snd_wl1;                /* SEG.SEQ of the last window update */
    u32 snd_wl2;                /* SEG.ACK of the last window update */
    u32 iss;                    /* initial send sequence number */
    u32 write_seq;              /* sequence number after the last byte the app queued */
    u32 max_window;             /* largest window the peer ever offered (RFC 1122 §4.2.3.4, RFC 5961 §5.2) */
    u32 pushed_seq;             /* write_seq at the last MSG_MORE-less send or uncork */

    /* Receive sequence variables (RFC 9293 §3.3.1, Figure 5). */
    u32 rcv_nxt;                /* next expected */
    u32 rcv_wnd;                /* window last advertised, bytes (unscaled value << rcv_wscale) */
    u32 rcv_wup;                /* rcv_nxt when rcv_wnd was advertised: right edge = rcv_wup + rcv_wnd */
    u32 irs;                    /* initial receive sequence number */
    u32 copied_seq;             /* next byte the app will read */

    /* Segment size (RFC 9293 §3.7.1, RFC 879). */
    u16 mss_cache;              /* bytes: effective send MSS (data per segment, options excluded) */
    u16 advmss;                 /* bytes: the MSS we advertise */
    u16 user_mss;               /* bytes: TCP_MAXSEG, 0 = unset */
    u8 nonagle;                 /* TCP_NAGLE_* */
    bool fin_queued;            /* a FIN follows write_seq (close/shutdown): sent as tail's flag */

    /* Round-trip time (RFC 6298), ns. */
    u64 srtt;                   /* 0 until the first sample */
    u64 rttvar;
    u64 rtt_min;                /* smallest sample seen, for diagnostics */
    u64 retrans_stamp;          /* ns of the first unacked (re)transmission of snd_una, 0 = none */
    u64 rcv_tstamp;             /* ns of the last ACK received (keepalive, user timeout) */
    u64 lsndtime;               /* ns of the last data sent (cwnd restart after idle) */
    u64 last_oow_ack_time;      /* ns of the last challenge ACK (RFC 5961 §7 per-socket limit): net/tcp_rfc5961.c */
    u32 total_retrans;          /* segments retransmitted over the connection's life */

    /* Congestion control (RFC 5681 / 6582): net/tcp_cong.c. */
    u32 snd_cwnd;               /* bytes */
    u32 snd_ssthresh;           /* bytes; U32_MAX-ish "infinite" at start */
    u32 snd_cwnd_cnt;           /* bytes acked towards the next cwnd increment in CA */
    u32 prior_ssthresh;         /* for undo, optional */
    u32 high_seq;               /* snd_nxt when recovery started ("recover", RFC 6582) */
    u32 dup_acks;               /* consecutive duplicate ACKs (RFC 5681 §2 definition) */
    u8 ca_state;                /* enum tcp_ca_state */

    /* SACK scoreboard (RFC 6675): net/tcp_sack.c; bytes. */
    u32 sacked_out;             /* bytes SACKed above snd_una */
    u32 lost_out;               /* bytes deemed lost, not yet retransmitted */
    u32 retrans_out;            /* bytes retransmitted and not yet acked/SACKed */
    u32 high_rxt;               /* RFC 6675 HighRxt */
    u32 rescue_rxt;             /* RFC 6675 RescueRxt */

    /* Options (RFC 7323, RFC 2018): net/tcp_options.c. */
    struct tcp_options_received rx_opt;
    u32 ts_recent;              /* TS.Recent (RFC 7323 §4.3), host order */
    u64 ts_recent_stamp;        /* ns when ts_recent was stored (24-day PAWS rule) */
    u32 last_ack_sent;          /* Last.ACK.sent (RFC 7323 §4.3) */
    u8 num_sacks;               /* SACK blocks we will send (ofo queue / D-SACK) */
    u8 dsack : 1;               /* duplicate_sack[0] is a D-SACK to send (RFC 2883) */
    struct tcp_sack_block duplicate_sack[1];
    struct tcp_sack_block selective_acks[TCP_NUM_SACKS];

    /* Out-of-order queue: net/tcp_ofo.c.  Ascending seq, charged to ofo_mem (truesize bytes). */
    struct sk_buff_head out_of_order_queue;
    u32 ofo_mem;

    /* Send queue: sk_write_queue holds every unacked byte in order; send_head the first unsent skb. */
    struct sk_buff *send_head;
    u32 packets_out;            /* segments sent and not yet cumulatively acked */

    /* Timers beyond icsk's. */
    struct timer_list tw_timer;         /* orphan FIN_WAIT2 timeout (TIME-WAIT: tcp_timewait_sock) */
    struct timer_list keepalive_timer;  /* net/tcp_keepalive logic (extensions) */
    u64 keepalive_time;         /* ns idle before the first probe (TCP_KEEPIDLE), 0 = default */
    u64 keepalive_intvl;        /* ns between probes (TCP_KEEPINTVL), 0 = default */
    u8 keepalive_probes;        /* probes before ETIMEDOUT (TCP_KEEPCNT), 0 = default */
    u64 linger2;                /* ns an orphan waits in FIN_WAIT2 (TCP_LINGER2), 0 = default */

    u8 syn_retries_done;        /* active open: SYNs re-sent */
};

static inline struct tcp_sock *tcp_sk(const struct sock *sk) { return (struct tcp_sock *)sk; }

/*
 * A connection in TIME-WAIT (Linux's tcp_timewait_sock): what the rules of
 * RFC 9293 §3.10.7.4 for that state, PAWS (RFC 7323 §5) and reuse by a new
 * SYN (RFC 6191) read, taken from the tcp_sock when it was released.
 * Sequence numbers host order.
 */
struct tcp_timewait_sock {
    struct inet_timewait_sock tw_sk;    /* must be first: tcp_twsk() casts */
    u32 tw_rcv_nxt;             /* RCV.NXT, past the peer's FIN */
    u32 tw_snd_nxt;             /* SND.NXT, past our FIN: a reusing SYN-ACK's ISS goes above it */
    u32 tw_rcv_wnd;             /* bytes, the window our ACKs advertise (before scaling down) */
    u32 tw_ts_recent;           /* TS.Recent (RFC 7323 §4.3) */
    u64 tw_ts_recent_stamp;     /* ns when it was stored; 0: no timestamps on this connection */
    u32 tw_last_oow_ack_time;   /* ms (TSval clock) of the last ACK to a bare ACK or SYN; 0 none */
    u8 tw_rcv_wscale;           /* our window shift */
};

static inline struct tcp_timewait_sock *tcp_twsk(const struct inet_timewait_sock *tw)
{
    return (struct tcp_timewait_sock *)tw;
}

#endif
