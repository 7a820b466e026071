/*
 * TCP over IPv4: the receive entry registered with IPv4 (header and
 * checksum validation, RFC 9293 §3.1), the lookup tables this file alone
 * owns (4-tuple hash of connections, with a second chain per bucket for
 * TIME-WAIT entries as Linux 2.6's twchain, listeners by port, half-open
 * request socks, the TCP bind table), RST for segments
 * with no connection (§3.10.7.1), ICMP errors (RFC 5927, RFC 1122
 * §4.2.3.9), the MIB counters and TCP's start.
 * Layer: above IPv4 (inet_add_protocol), below tcp_input.c and
 * tcp_minisocks.c, which it dispatches to.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <net/byteorder.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/proc_net.h>
#include <net/inet_timewait_sock.h>
#include "tcp_impl.h"

struct tcp_mib tcp_stats;

#define TCP_EHASH_SIZE  1024    /* chains of connections, by 4-tuple */
#define TCP_LHASH_SIZE  32      /* chains of listeners, by local port */
#define TCP_RHASH_SIZE  256     /* chains of request socks, by 4-tuple */

static struct list_head tcp_ehash[TCP_EHASH_SIZE];
static struct list_head tcp_tw_ehash[TCP_EHASH_SIZE];   /* inet_timewait_sock.tw_node */
static struct list_head tcp_tw_bhash[INET_BIND_BUCKETS]; /* tcp_bind_table.tw_buckets */
static struct list_head tcp_lhash[TCP_LHASH_SIZE];
static struct list_head tcp_rhash[TCP_RHASH_SIZE];
static struct inet_bind_table tcp_bind_table;

static unsigned tcp_tuple_bucket(__be32_t laddr, __be16_t lport, __be32_t raddr, __be16_t rport, unsigned n)
{
    u32 h = laddr ^ (raddr * 0x9e3779b1u) ^ ((u32)lport << 16 | rport);

    h ^= h >> 15;
    return (h * 0x85ebca6bu) >> 7 & (n - 1);
}

/* ---- lookup tables ------------------------------------------------------------- */

int tcp_v4_hash(struct sock *sk)
{
    struct inet_sock *inet = inet_sk(sk);

    if (!list_empty(&sk->sk_node))
        return 0;
    if (sk->sk_state == TCP_LISTEN)
        list_add(&sk->sk_node, &tcp_lhash[inet->inet_num % TCP_LHASH_SIZE]);
    else
        list_add(&sk->sk_node, &tcp_ehash[tcp_tuple_bucket(inet->inet_rcv_saddr, inet->inet_sport,
                                                           inet->inet_daddr, inet->inet_dport,
                                                           TCP_EHASH_SIZE)]);
    return 0;
}

void tcp_v4_unhash(struct sock *sk)
{
    list_del_init(&sk->sk_node);
}

/* A connection (any state but LISTEN) for the 4-tuple of a received segment, or NULL. */
static struct sock *tcp_v4_lookup_established(__be32_t laddr, __be16_t lport, __be32_t raddr, __be16_t rport)
{
    struct sock *sk;

    list_for_each_entry(sk, &tcp_ehash[tcp_tuple_bucket(laddr, lport, raddr, rport, TCP_EHASH_SIZE)], sk_node) {
        const struct inet_sock *inet = inet_sk(sk);

        if (inet->inet_sport == lport && inet->inet_dport == rport &&
            inet->inet_daddr == raddr && inet->inet_rcv_saddr == laddr)
            return sk;
    }
    return NULL;
}

/* The TIME-WAIT entry for a received segment's 4-tuple, or NULL (looked up after live socks). */
static struct inet_timewait_sock *tcp_v4_lookup_timewait(__be32_t laddr, __be16_t lport, __be32_t raddr,
                                                         __be16_t rport)
{
    struct inet_timewait_sock *tw;

    list_for_each_entry(tw, &tcp_tw_ehash[tcp_tuple_bucket(laddr, lport, raddr, rport, TCP_EHASH_SIZE)],
                        tw_node)
        if (tw->tw_sport == lport && tw->tw_dport == rport && tw->tw_daddr == raddr &&
            tw->tw_rcv_saddr == laddr)
            return tw;
    return NULL;
}

void tcp_tw_hash(struct inet_timewait_sock *tw)
{
    list_add(&tw->tw_node, &tcp_tw_ehash[tcp_tuple_bucket(tw->tw_rcv_saddr, tw->tw_sport, tw->tw_daddr,
                                                          tw->tw_dport, TCP_EHASH_SIZE)]);
    inet_twsk_bind_add(&tcp_bind_table, tw);
}

void tcp_tw_unhash(struct inet_timewait_sock *tw)
{
    list_del_init(&tw->tw_node);
    inet_twsk_bind_del(tw);
}

/* The listener for (laddr, lport): one bound to laddr beats a wildcard one. */
static struct sock *tcp_v4_lookup_listener(__be32_t laddr, __be16_t lport, int ifindex)
{
    struct sock *sk, *wild = NULL;
    u16 port = ntohs(lport);

    list_for_each_entry(sk, &tcp_lhash[port % TCP_LHASH_SIZE], sk_node) {
        const struct inet_sock *inet = inet_sk(sk);

        if (inet->inet_num != port || (sk->sk_bound_dev_if && sk->sk_bound_dev_if != ifindex))
            continue;
        if (inet->inet_rcv_saddr == laddr)
            return sk;
        if (!inet->inet_rcv_saddr)
            wild = sk;
    }
    return wild;
}

/*
 * True if another connection, or a TIME-WAIT entry, already uses sk's
 * 4-tuple (connect after bind: EADDRNOTAVAIL, as Linux with tcp_tw_reuse off).
 */
bool tcp_v4_tuple_in_use(const struct sock *sk)
{
    const struct inet_sock *inet = inet_sk(sk);
    struct sock *other = tcp_v4_lookup_established(inet->inet_saddr, inet->inet_sport,
                                                   inet->inet_daddr, inet->inet_dport);

    return (other && other != sk) ||
           tcp_v4_lookup_timewait(inet->inet_saddr, inet->inet_sport, inet->inet_daddr, inet->inet_dport);
}

void tcp_reqsk_hash_add(struct request_sock *req)
{
    list_add(&req->node, &tcp_rhash[tcp_tuple_bucket(req->loc_addr, req->loc_port, req->rmt_addr,
                                                     req->rmt_port, TCP_RHASH_SIZE)]);
}

void tcp_reqsk_unlink(struct request_sock *req)
{
    list_del_init(&req->node);
}

static struct request_sock *tcp_reqsk_lookup(__be32_t laddr, __be16_t lport, __be32_t raddr, __be16_t rport)
{
    struct request_sock *req;

    list_for_each_entry(req, &tcp_rhash[tcp_tuple_bucket(laddr, lport, raddr, rport, TCP_RHASH_SIZE)], node)
        if (req->loc_port == lport && req->rmt_port == rport && req->rmt_addr == raddr &&
            req->loc_addr == laddr)
            return req;
    return NULL;
}

void tcp_reqsk_purge_listener(struct sock *sk)
{
    for (unsigned i = 0; i < TCP_RHASH_SIZE && inet_csk(sk)->icsk_syn_qlen; i++) {
        struct request_sock *req, *tmp;

        list_for_each_entry_safe(req, tmp, &tcp_rhash[i], node)
            if (req->rsk_listener == sk)
                reqsk_drop(req);
    }
}

/* /proc/net/tcp and the console table (<net/proc_net.h>): listeners, then connections. */
void tcp_for_each_sock(sock_walk_fn fn, void *arg)
{
    struct sock *sk;

    for (unsigned i = 0; i < TCP_LHASH_SIZE; i++)
        list_for_each_entry(sk, &tcp_lhash[i], sk_node)
            fn(sk, arg);
    for (unsigned i = 0; i < TCP_EHASH_SIZE; i++)
        list_for_each_entry(sk, &tcp_ehash[i], sk_node)
            fn(sk, arg);
}

void tcp_for_each_timewait(void (*fn)(const struct inet_timewait_sock *tw, void *arg), void *arg)
{
    struct inet_timewait_sock *tw;

    for (unsigned i = 0; i < TCP_EHASH_SIZE; i++)
        list_for_each_entry(tw, &tcp_tw_ehash[i], tw_node)
            fn(tw, arg);
}

void tcp_for_each_request(void (*fn)(const struct request_sock *req, void *arg), void *arg)
{
    struct request_sock *req;

    for (unsigned i = 0; i < TCP_RHASH_SIZE; i++)
        list_for_each_entry(req, &tcp_rhash[i], node)
            fn(req, arg);
}

/* ---- the bind table (Linux inet_csk_bind_conflict) ------------------------------ */

/* Two socks may share a port only if both asked (SO_REUSEADDR) and the other is not listening. */
static bool tcp_bind_conflict(const struct sock *sk, const struct sock *sk2)
{
    if (sk->sk_reuseport && sk2->sk_reuseport)
        return false;
    return !(sk->sk_reuse && sk2->sk_reuse && sk2->sk_state != TCP_LISTEN);
}

int tcp_v4_get_port(struct sock *sk, u16 snum)
{
    return inet_bind_port(&tcp_bind_table, sk, snum);
}

void tcp_v4_put_port(struct sock *sk)
{
    inet_unbind_port(&tcp_bind_table, sk);
}

/* An accepted child holds its listener's port without a conflict check (Linux __inet_inherit_port). */
void tcp_inherit_port(struct sock *sk, struct sock *child)
{
    list_add_tail(&child->sk_bind_node, &sk->sk_bind_node);
    tcp_bind_table.count++;
}

/* ---- RST for a segment with no connection (RFC 9293 §3.10.7.1) ------------------- */

void tcp_v4_send_reset(const struct sk_buff *skb)
{
    const struct tcphdr *th = tcp_hdr(skb);
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    struct tcp_seg_hdr h = { .sport = th->dest, .dport = th->source, .flags = TCPHDR_RST };
    struct tcp_seg_route r = { .saddr = ip_hdr(skb)->daddr, .daddr = ip_hdr(skb)->saddr };
    struct sk_buff *rst;

    if (cb->tcp_flags & TCPHDR_RST)
        return;     /* never answer an RST */
    if (cb->tcp_flags & TCPHDR_ACK) {
        h.seq = cb->ack_seq;                    /* <SEQ=SEG.ACK><CTL=RST> */
    } else {
        h.ack = cb->end_seq;                    /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
        h.flags |= TCPHDR_ACK;
    }
    rst = tcp_make_segment(&h, NULL, 0, NULL, 0);
    if (rst)
        tcp_v4_send(rst, &r);
}

/* ---- receive ------------------------------------------------------------------------ */

/*
 * RFC 9293 §3.1 checks: a full header, data offset 5..15 inside the
 * segment, the pseudo-header checksum, a unicast destination, and no
 * SYN+RST or SYN+FIN (Linux drops those too).
 */
static enum skb_drop_reason tcp_v4_check(struct sk_buff *skb)
{
    const struct iphdr *iph = ip_hdr(skb);
    const struct tcphdr *th = (const struct tcphdr *)skb->data;

    if (IPCB(skb)->rt_type != RTN_LOCAL)
        return SKB_DROP_REASON_TCP_NOT_UNICAST;
    if (!pskb_may_pull(skb, TCP_HDR_MIN) || tcp_hdrlen(th) < TCP_HDR_MIN ||
        !pskb_may_pull(skb, tcp_hdrlen(th)))
        return SKB_DROP_REASON_TCP_HDR;
    if (!skb_csum_unnecessary(skb) &&
        csum_fold(csum_tcpudp_nofold(iph->saddr, iph->daddr, skb->len, IPPROTO_TCP,
                                     csum_partial(skb->data, skb->len, 0)))) {
        tcp_stats.in_csum_errors++;
        return SKB_DROP_REASON_TCP_CSUM;
    }
    if ((th->flags & TCPHDR_SYN) && (th->flags & (TCPHDR_RST | TCPHDR_FIN)))
        return SKB_DROP_REASON_TCP_FLAGS;
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

/* Fill TCP_SKB_CB from the header and pull it: skb->data at the payload. */
static void tcp_v4_fill_cb(struct sk_buff *skb)
{
    const struct tcphdr *th = (const struct tcphdr *)skb->data;
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

    skb_reset_transport_header(skb);
    skb_pull(skb, tcp_hdrlen(th));
    *cb = (struct tcp_skb_cb){
        .seq = ntohl(th->seq), .ack_seq = ntohl(th->ack_seq), .wnd = ntohs(th->window),
        .tcp_flags = th->flags,
    };
    cb->end_seq = cb->seq + skb->len + !!(th->flags & TCPHDR_SYN) + !!(th->flags & TCPHDR_FIN);
}

/* No connection, request or listener: RFC 9293 §3.10.7.1 (CLOSED). */
static int tcp_v4_no_socket(struct sk_buff *skb)
{
    tcp_v4_send_reset(skb);
    kfree_skb_reason(skb, SKB_DROP_REASON_TCP_NO_SOCKET);
    return -ECONNREFUSED;
}

/*
 * A segment for a TIME-WAIT entry.  A new SYN that may reuse the 4-tuple
 * goes to the listener, if any, in place of the entry (Linux tcp_v4_rcv's
 * TCP_TW_SYN): returned, tw gone.  Otherwise NULL and skb consumed (with no
 * listener the SYN is ACKed from TIME-WAIT, as Linux).
 */
static struct sock *tcp_v4_timewait(struct inet_timewait_sock *tw, struct sk_buff *skb,
                                    const struct tcp_options_received *rx)
{
    const struct iphdr *iph = ip_hdr(skb);
    struct sock *listener;

    if (tcp_timewait_state_process(tw, skb, rx) != TCP_TW_SYN)
        return NULL;
    listener = tcp_v4_lookup_listener(iph->daddr, tcp_hdr(skb)->dest, IPCB(skb)->iif);
    if (!listener) {
        tcp_timewait_ack_consume(tw, skb);
        return NULL;
    }
    tcp_stats.tw_recycled++;
    inet_twsk_deschedule_put(tw);
    return listener;
}

/* Dispatch one validated segment to its connection, TIME-WAIT entry, half-open request or listener. */
static int tcp_v4_dispatch(struct sk_buff *skb, const struct tcp_options_received *rx)
{
    const struct iphdr *iph = ip_hdr(skb);
    const struct tcphdr *th = tcp_hdr(skb);
    struct request_sock *req = NULL;
    struct inet_timewait_sock *tw;
    struct sock *sk = tcp_v4_lookup_established(iph->daddr, th->dest, iph->saddr, th->source);

    if (sk) {
        sock_hold(sk);          /* input may close it: free only when done */
        tcp_rcv_state_process(sk, skb, rx);
        sock_put(sk);
        return 0;
    }
    tw = tcp_v4_lookup_timewait(iph->daddr, th->dest, iph->saddr, th->source);
    if (tw) {
        if (!(sk = tcp_v4_timewait(tw, skb, rx)))
            return 0;
    } else {
        req = tcp_reqsk_lookup(iph->daddr, th->dest, iph->saddr, th->source);
        sk = req ? req->rsk_listener : tcp_v4_lookup_listener(iph->daddr, th->dest, IPCB(skb)->iif);
    }
    if (!sk)
        return tcp_v4_no_socket(skb);
    sock_hold(sk);
    if (req)
        tcp_check_req(sk, req, skb, rx);
    else
        tcp_rcv_listen(sk, skb, rx);
    sock_put(sk);
    return 0;
}

static int tcp_v4_rcv(struct sk_buff *skb)
{
    struct tcp_options_received rx;
    enum skb_drop_reason reason;

    tcp_stats.in_segs++;
    reason = tcp_v4_check(skb);
    if (!reason)
        reason = tcp_parse_options((const struct tcphdr *)skb->data, &rx);
    if (reason) {
        tcp_stats.in_errs++;
        kfree_skb_reason(skb, reason);
        return -EINVAL;
    }
    tcp_v4_fill_cb(skb);
    return tcp_v4_dispatch(skb, &rx);
}

/*
 * ICMP errors about a segment we sent (skb->data at our IP header).  In
 * SYN-SENT a hard error ends the attempt (Linux); otherwise it is kept as a
 * soft error for ETIMEDOUT's report (RFC 1122 §4.2.3.9).  Fragmentation
 * needed lowers the MSS (RFC 1191).
 */
static void tcp_v4_err(struct sk_buff *skb, const struct icmp_err *err)
{
    const struct iphdr *iph = (const struct iphdr *)skb->data;
    const struct tcphdr *th = (const struct tcphdr *)(skb->data + iph_hlen(iph));
    struct sock *sk = tcp_v4_lookup_established(iph->saddr, th->source, iph->daddr, th->dest);

    if (!sk)
        return;         /* none, or only a TIME-WAIT entry: nothing to tell */
    if (err->type == ICMP_DEST_UNREACH && err->code == ICMP_FRAG_NEEDED) {
        tcp_mtu_reduced(sk, err->info);
        return;
    }
    if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) {
        tcp_stats.attempt_fails++;
        tcp_done(sk, -err->err);
        return;
    }
    sk->sk_err_soft = -err->err;
}

static const struct net_protocol tcp_protocol = { .handler = tcp_v4_rcv, .err_handler = tcp_v4_err };

void tcp_init(void)
{
    for (unsigned i = 0; i < TCP_EHASH_SIZE; i++) {
        INIT_LIST_HEAD(&tcp_ehash[i]);
        INIT_LIST_HEAD(&tcp_tw_ehash[i]);
    }
    for (unsigned i = 0; i < INET_BIND_BUCKETS; i++)
        INIT_LIST_HEAD(&tcp_tw_bhash[i]);
    for (unsigned i = 0; i < TCP_LHASH_SIZE; i++)
        INIT_LIST_HEAD(&tcp_lhash[i]);
    for (unsigned i = 0; i < TCP_RHASH_SIZE; i++)
        INIT_LIST_HEAD(&tcp_rhash[i]);
    inet_bind_table_init(&tcp_bind_table, "TCP", tcp_bind_conflict);
    tcp_bind_table.tw_buckets = tcp_tw_bhash;
    tcp_timewait_init();
    inet_add_protocol(&tcp_protocol, IPPROTO_TCP);
    tcp_register_protosw();
}

/* Linux's names, in struct tcp_mib's field order (all u64). */
static const char *const tcp_mib_names[] = {
    "ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab", "InSegs", "OutSegs",
    "RetransSegs", "InErrs", "OutRsts", "InCsumErrors", "ListenOverflows", "ListenDrops",
    "SyncookiesSent", "SyncookiesRecv", "SyncookiesFailed", "TCPChallengeACK", "DelayedACKs",
    "TCPTimeouts", "TCPProbesZeroWin", "TCPKeepAlive", "TWRecycled", "TCPAbortOnClose",
    "TCPAbortOnTimeout", "TCPFastRetrans", "TCPSackRecovery", "TCPOFOQueue", "PAWSEstab",
    "TCPWscaleClamped", "TCPPartialAck", "TCPDSACKRecv", "TCPSACKDiscard", "TCPChallengeACKLimited",
    "TCPTimeWaitOverflow", "TW", "TCPACKSkippedTimeWait",
};
_Static_assert(sizeof(struct tcp_mib) == sizeof(tcp_mib_names) / sizeof(char *) * sizeof(u64), "tcp_mib_names");

void tcp_stats_print(void)
{
    const u64 *v = (const u64 *)&tcp_stats;

    for (unsigned i = 0; i < ARRAY_SIZE(tcp_mib_names); i++)
        if (v[i] || i < 11)     /* the RFC 4022 "Tcp:" figures always, the rest when nonzero */
            pr_info("tcp: %s %llu", tcp_mib_names[i], (unsigned long long)v[i]);
}
