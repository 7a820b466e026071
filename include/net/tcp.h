/*
 * TCP (RFC 9293) for the layers above it: the struct proto the AF_INET
 * layer dispatches SOCK_STREAM to (tcp_prot), stream poll, the boot-time
 * start, TCP's option numbers (<netinet/tcp.h>), the TCP MIB counters
 * (/proc/net/snmp "Tcp:" and the TcpExt ones we keep) and the tuning
 * constants.  Everything else is inside TCP: net/tcp_impl.h.
 */
#ifndef NET_TCP_H
#define NET_TCP_H

#include <net/tcp_sock.h>
#include <net/wire/tcp.h>

/* SOL_TCP (= IPPROTO_TCP) option names, Linux <netinet/tcp.h> values. */
#define SOL_TCP             6
#define TCP_NODELAY         1
#define TCP_MAXSEG          2
#define TCP_CORK            3
#define TCP_KEEPIDLE        4
#define TCP_KEEPINTVL       5
#define TCP_KEEPCNT         6
#define TCP_SYNCNT          7
#define TCP_LINGER2         8
#define TCP_DEFER_ACCEPT    9
#define TCP_WINDOW_CLAMP    10
#define TCP_INFO            11
#define TCP_QUICKACK        12
#define TCP_USER_TIMEOUT    18

/* Sizes (bytes). */
#define TCP_MSS_DEFAULT     536     /* RFC 9293 §3.7.1: send MSS when the peer sent no MSS option */
#define TCP_MIN_MSS         88      /* Linux's floor for TCP_MAXSEG and a peer's MSS */
#define TCP_MAX_WINDOW      65535   /* largest unscaled window */

/* Times (ns).  RFC 6298 and Linux's values. */
#define TCP_RTO_MIN         (200ULL * 1000 * 1000)          /* Linux's floor (RFC 6298 says 1 s) */
#define TCP_RTO_MAX         (120ULL * 1000 * 1000 * 1000)
#define TCP_TIMEOUT_INIT    (1000ULL * 1000 * 1000)         /* RFC 6298 §2.1 */
#define TCP_DELACK_MIN      (40ULL * 1000 * 1000)           /* Linux: HZ/25 */
#define TCP_DELACK_MAX      (200ULL * 1000 * 1000)          /* RFC 1122 §4.2.3.2: < 500 ms; Linux HZ/5 */
#define TCP_RETRIES2        15      /* RTOs before ETIMEDOUT on an established connection (Linux tcp_retries2) */
#define TCP_SYN_RETRIES     6       /* Linux tcp_syn_retries */
#define TCP_SYNACK_RETRIES  5       /* Linux tcp_synack_retries */
#define TCP_ORPHAN_RETRIES  8       /* Linux tcp_orphan_retries default for a closed fd */
#define TCP_FIN_TIMEOUT     (60ULL * 1000 * 1000 * 1000)    /* orphan FIN_WAIT2 (Linux tcp_fin_timeout) */
#define TCP_KEEPALIVE_TIME  (7200ULL * 1000 * 1000 * 1000)  /* RFC 1122 §4.2.3.6: >= 2 hours */
#define TCP_KEEPALIVE_INTVL (75ULL * 1000 * 1000 * 1000)
#define TCP_KEEPALIVE_PROBES 9
#define TCP_MSL_DEFAULT_S   30      /* seconds; boot parameter tcp_msl= overrides */

/*
 * Maximum segment lifetime in ns (RFC 9293 §3.4.2); TIME_WAIT lasts twice
 * this.  Set by the boot parameter `tcp_msl=<seconds>`; tests may write it.
 */
extern u64 tcp_msl_ns;

/*
 * Most connections held in TIME-WAIT at once (Linux tcp_max_tw_buckets);
 * beyond it a connection closes without TIME-WAIT and tw_overflow counts
 * it.  Each costs a struct tcp_timewait_sock.  Boot parameter
 * `tcp_max_tw_buckets=<n>`; tests may write it.
 * Without the parameter the kernel sizes it from RAM at TCP's start, as
 * Linux does (512 at 128 MiB, 4096 at 1 GiB: tcp_timewait_init()); this
 * default is what stays where no page allocator says how much RAM there is
 * (host tests).
 */
#define TCP_MAX_TW_BUCKETS_DEFAULT 4096
extern u32 tcp_max_tw_buckets;

/*
 * Counters since boot: RFC 4022's TCP-MIB ("Tcp:" line) and the Linux
 * "TcpExt:" figures we keep.  Owned by net/tcp_ipv4.c (tcp_stats_print).
 */
struct tcp_mib {
    u64 active_opens;           /* CLOSED -> SYN-SENT */
    u64 passive_opens;          /* LISTEN -> SYN-RECEIVED */
    u64 attempt_fails;          /* SYN-SENT/SYN-RECEIVED -> CLOSED, SYN-RECEIVED -> LISTEN */
    u64 estab_resets;           /* ESTABLISHED/CLOSE-WAIT -> CLOSED by RST */
    u64 curr_estab;             /* now in ESTABLISHED or CLOSE-WAIT (a gauge) */
    u64 in_segs;                /* segments received, errors included */
    u64 out_segs;               /* segments sent, retransmissions excluded */
    u64 retrans_segs;           /* segments retransmitted */
    u64 in_errs;                /* segments with a bad checksum or header */
    u64 out_rsts;               /* RSTs sent */
    u64 in_csum_errors;         /* bad checksum (also in in_errs) */
    /* TcpExt */
    u64 listen_overflows;       /* accept queue full: SYN or final ACK dropped */
    u64 listen_drops;           /* every SYN or ACK a listener dropped */
    u64 syncookies_sent;        /* net/syncookies.c */
    u64 syncookies_recv;
    u64 syncookies_failed;
    u64 challenge_acks;         /* net/tcp_rfc5961.c */
    u64 delayed_acks;           /* delayed-ACK timer expiries that sent an ACK */
    u64 timeouts;               /* RTO expiries */
    u64 persist_probes;         /* zero-window probes sent */
    u64 keepalive_probes;       /* keepalive probes sent */
    u64 tw_recycled;            /* TIME_WAIT socks reused by a new SYN */
    u64 abort_on_close;         /* RST sent at close (unread data, SO_LINGER 0) */
    u64 abort_on_timeout;       /* connections given up with ETIMEDOUT */
    u64 fast_retrans;           /* net/tcp_cong.c */
    u64 sack_recoveries;        /* net/tcp_sack.c */
    u64 ofo_queued;             /* net/tcp_ofo.c */
    u64 paws_drops;             /* net/tcp_options.c */
    u64 wscale_clamped;         /* net/tcp_options.c: window scale > 14 read as 14 (RFC 7323 §2.3) */
    u64 partial_acks;           /* net/tcp_cong.c: NewReno partial ACKs (RFC 6582) */
    u64 dsacks_recv;            /* net/tcp_sack.c: D-SACK blocks received (RFC 2883) */
    u64 sack_discards;          /* net/tcp_sack.c: SACK blocks ignored as invalid */
    u64 challenge_acks_limited; /* net/tcp_rfc5961.c: challenge ACKs the rate limits suppressed */
    u64 tw_overflow;            /* closed without TIME-WAIT: tcp_max_tw_buckets reached or no memory */
    u64 timewaited;             /* TIME-WAIT entries that ran their 2*MSL out */
    u64 tw_ack_skipped;         /* ACKs from TIME-WAIT suppressed by the 500 ms rate limit */
};
extern struct tcp_mib tcp_stats;

/* The struct proto behind every SOCK_STREAM/IPPROTO_TCP socket (net/tcp.c). */
extern struct proto tcp_prot;

/*
 * Readiness of a stream socket (Linux tcp_poll): EPOLLIN (data, FIN, a
 * child to accept), EPOLLOUT (connected and send space), EPOLLERR
 * (sk_err), EPOLLHUP (both directions shut, or reset), EPOLLRDHUP (peer's
 * FIN).  Registers on sk->sk_wq through pt.  For proto_ops.poll.
 */
unsigned tcp_poll(struct file *file, struct socket *sock, struct poll_table_struct *pt);

/*
 * listen(2) for a stream socket already bound (autobinds otherwise):
 * backlog clamped to [0, SOMAXCONN].  Called again on a listener it only
 * changes the backlog.  0, -EINVAL (connected or connecting), -EADDRINUSE.
 * For proto_ops.listen (Linux inet_listen).
 */
int tcp_listen(struct sock *sk, int backlog);

/* Register TCP with IPv4 and socket(2); inet_init calls it. */
void tcp_init(void);
/* Hook TCP's per-batch ACKs (net/tcp_ack_batch.c) to the end of each NAPI poll; inet_init calls it. */
void tcp_ack_batch_init(void);
/* Print the counters (net_stats key 'n' and poweroff). */
void tcp_stats_print(void);

#endif
