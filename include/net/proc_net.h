/*
 * What the socket tables of /proc/net/{tcp,udp} and the console's ss-style
 * table (key 's', net/proc_net.c) need from the transports: a walk over
 * every sock each one holds.  The owner of each table implements its walk
 * (Linux's /proc iterators live beside the hashes too: udp4_seq_ops,
 * tcp4_seq_ops), so the tables stay private to their files.
 *
 * Rules for all walks: fn runs in the caller's context (thread or softirq;
 * never from a hard IRQ), must not sleep, allocate socks or change any
 * table; the order is the table's own (Linux prints listeners first, then
 * the established hash).
 */
#ifndef NET_PROC_NET_H
#define NET_PROC_NET_H

#include <net/sock.h>

struct request_sock;
struct inet_timewait_sock;

typedef void (*sock_walk_fn)(struct sock *sk, void *arg);

/* net/udp.c: every UDP sock in the bind table (kernel socks too, e.g. DHCP's). */
void udp_for_each_sock(sock_walk_fn fn, void *arg);
/*
 * net/tcp_ipv4.c: every TCP sock in the listening and established tables,
 * listeners first.  Connections in TIME_WAIT are not socks any more: they
 * have their own walk below.
 */
void tcp_for_each_sock(sock_walk_fn fn, void *arg);
/* net/tcp_ipv4.c: every TIME_WAIT entry (struct tcp_timewait_sock, <net/tcp_sock.h>). */
void tcp_for_each_timewait(void (*fn)(const struct inet_timewait_sock *tw, void *arg), void *arg);
/* net/tcp_ipv4.c: every request sock in the SYN queue (SYN_RECV rows). */
void tcp_for_each_request(void (*fn)(const struct request_sock *req, void *arg), void *arg);

/*
 * net/proc_net.c's formatters, public for the host tests that pin their
 * bytes (tests/unit/test_procfs.c).  One socket, request sock or TIME-WAIT
 * entry as /proc/net/{tcp,udp} and the ss table see it: addresses network
 * order, ports host order.
 */
struct seq_buf;

/* Linux's "tr" column: which timer is pending. */
enum { TR_NONE, TR_RETRANS, TR_KEEPALIVE, TR_TIMEWAIT, TR_PROBE0 };
/* Which of Linux's three /proc/net/tcp line formats a row takes. */
enum row_kind { ROW_FULL, ROW_REQ, ROW_TW };

struct sock_row {
    const void *obj;            /* the sock, request_sock or TIME-WAIT entry (hashed into "pointer") */
    enum row_kind kind;
    u8 proto, state;            /* IPPROTO_*, TCP_* */
    __be32_t laddr, raddr;
    u16 lport, rport;
    u32 tx_queue, rx_queue;     /* bytes; a listener's rx_queue is its accept queue */
    u8 timer;                   /* TR_* */
    u64 when_ns;                /* left on that timer */
    u32 retrans, probes, refcnt, drops;
    unsigned long inode;        /* 0 for socks without a socket (orphans, requests) */
    u64 rto_ns, ato_ns;
    u32 quick, cwnd;            /* cwnd in segments, as Linux prints it */
    int ssthresh;               /* segments; -1 in initial slow start */
    u32 syn_qlen, max_backlog;  /* listeners */
};

/* net/sock_row.c: fill r from one TCP sock, request sock, TIME-WAIT entry or UDP sock. */
void sock_row_tcp(struct sock_row *r, const struct sock *sk);
void sock_row_req(struct sock_row *r, const struct request_sock *req);
void sock_row_tw(struct sock_row *r, const struct inet_timewait_sock *tw);
void sock_row_udp(struct sock_row *r, const struct sock *sk);

/* Line `sl` of /proc/net/tcp, padded to Linux's width, with its newline. */
void proc_net_tcp_row(struct seq_buf *m, unsigned sl, const struct sock_row *r);
/* A line of /proc/net/udp ("sl" is the port's bind bucket). */
void proc_net_udp_row(struct seq_buf *m, const struct sock_row *r);

#endif
