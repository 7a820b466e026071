/*
 * UDP (RFC 768, RFC 1122 §4.1): input validation (length, checksum with 0
 * meaning none), delivery to the best-matching sock or to every matching
 * sock for a broadcast, port unreachable for closed ports, ICMP errors to
 * connected socks as Linux does, and sending with a wait for ARP.
 * Layer: a protocol registered with IPv4 (inet_add_protocol) and with
 * socket(2) (inet_register_protosw); below the socket layer, which it only
 * reaches through sock callbacks.  Owns the UDP bind table and the UDP MIB.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <net/arp.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/inetdevice.h>
#include <net/proc_net.h>
#include <net/udp.h>

#define UDP_ARP_POLL_NS (10 * NSEC_PER_MSEC)    /* re-check of a resolving neighbour */

struct udp_mib udp_stats;
static struct inet_bind_table udp_table;

static inline struct udphdr *udp_hdr(const struct sk_buff *skb)
{
    return (struct udphdr *)skb_transport_header(skb);
}

static int udp_get_port(struct sock *sk, u16 snum)
{
    return inet_bind_port(&udp_table, sk, snum);
}

static void udp_unhash(struct sock *sk)
{
    inet_unbind_port(&udp_table, sk);
}

static void udp_close(struct sock *sk, u64 timeout_ns)
{
    udp_unhash(sk);
    sock_orphan(sk);
    sock_put(sk);
}

/*
 * How well sk matches a datagram (Linux compute_score): -1 no match, else
 * more points for each bound field that matched exactly.
 */
static int udp_score(const struct sock *sk, __be32_t saddr, __be16_t sport, __be32_t daddr, int iif)
{
    const struct inet_sock *inet = inet_sk(sk);
    int score = 0;

    if (inet->inet_rcv_saddr && (score += 4, inet->inet_rcv_saddr != daddr))
        return -1;
    if (inet->inet_daddr && (score += 4, inet->inet_daddr != saddr))
        return -1;
    if (inet->inet_dport && (score += 4, inet->inet_dport != sport))
        return -1;
    if (sk->sk_bound_dev_if && (score += 4, sk->sk_bound_dev_if != iif))
        return -1;
    return score;
}

/* The sock for a unicast datagram; SO_REUSEPORT groups share by a hash of the source. */
static struct sock *udp_lookup(__be32_t saddr, __be16_t sport, __be32_t daddr, __be16_t dport, int iif)
{
    u16 port = ntohs(dport);
    struct sock *sk, *best = NULL;
    int best_score = -1, score;
    unsigned group = 0, pick;

    list_for_each_entry(sk, inet_bind_bucket(&udp_table, port), sk_bind_node) {
        if (inet_sk(sk)->inet_num != port || (score = udp_score(sk, saddr, sport, daddr, iif)) < 0)
            continue;
        if (score > best_score) {
            best = sk;
            best_score = score;
            group = 1;
        } else if (score == best_score && sk->sk_reuseport && best->sk_reuseport) {
            group++;
        }
    }
    if (group <= 1)
        return best;
    pick = (ntohl(saddr) ^ ntohs(sport)) % group;
    list_for_each_entry(sk, inet_bind_bucket(&udp_table, port), sk_bind_node)
        if (inet_sk(sk)->inet_num == port && sk->sk_reuseport &&
            udp_score(sk, saddr, sport, daddr, iif) == best_score && !pick--)
            return sk;
    return best;
}

/* Hand skb (data at the UDP payload) to sk: the kernel user's hook, or the receive queue. */
static void udp_queue_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
    if (udp_sk(sk)->encap_rcv) {
        udp_stats.in_datagrams++;
        udp_sk(sk)->encap_rcv(sk, skb);
        return;
    }
    if (sock_queue_rcv_skb(sk, skb)) {
        udp_stats.rcvbuf_errors++;
        udp_stats.in_errors++;
        kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_RCVBUFF);
        return;
    }
    udp_stats.in_datagrams++;
}

/* Broadcast (RFC 1122 §4.1.3.5 allows it): a copy to every matching sock. */
static int udp_broadcast_deliver(struct sk_buff *skb, const struct iphdr *iph, const struct udphdr *uh)
{
    u16 port = ntohs(uh->dest);
    struct sock *sk, *last = NULL;

    list_for_each_entry(sk, inet_bind_bucket(&udp_table, port), sk_bind_node) {
        if (inet_sk(sk)->inet_num != port || udp_score(sk, iph->saddr, uh->source, iph->daddr,
                                                       IPCB(skb)->iif) < 0)
            continue;
        if (last) {
            struct sk_buff *copy = skb_copy(skb);

            if (copy)
                udp_queue_rcv_skb(last, copy);
        }
        last = sk;
    }
    if (!last) {
        kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
        return 0;
    }
    udp_queue_rcv_skb(last, skb);
    return 0;
}

/* RFC 768 length and checksum (zero: the sender computed none). */
static enum skb_drop_reason udp_check(struct sk_buff *skb)
{
    const struct iphdr *iph = ip_hdr(skb);
    const struct udphdr *uh = (const struct udphdr *)skb->data;
    unsigned ulen;

    if (!pskb_may_pull(skb, sizeof(*uh)))
        return SKB_DROP_REASON_PKT_TOO_SMALL;
    ulen = ntohs(uh->len);
    if (ulen < sizeof(*uh) || ulen > skb->len)
        return SKB_DROP_REASON_UDP_BADLEN;
    skb_trim(skb, ulen);
    if (uh->check && !skb_csum_unnecessary(skb) && csum_fold(csum_tcpudp_nofold(iph->saddr, iph->daddr, ulen, IPPROTO_UDP,
                                                  csum_partial(skb->data, ulen, 0))))
        return SKB_DROP_REASON_UDP_CSUM;
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

static int udp_rcv(struct sk_buff *skb)
{
    const struct iphdr *iph = ip_hdr(skb);
    const struct udphdr *uh = (const struct udphdr *)skb->data;
    enum skb_drop_reason reason = udp_check(skb);
    struct sock *sk;

    if (reason) {
        udp_stats.in_errors++;
        if (reason == SKB_DROP_REASON_UDP_CSUM)
            udp_stats.in_csum_errors++;
        kfree_skb_reason(skb, reason);
        return -EINVAL;
    }
    skb_pull(skb, sizeof(*uh));
    if (IPCB(skb)->rt_type != RTN_LOCAL)
        return udp_broadcast_deliver(skb, iph, uh);
    sk = udp_lookup(iph->saddr, uh->source, iph->daddr, uh->dest, IPCB(skb)->iif);
    if (sk) {
        udp_queue_rcv_skb(sk, skb);
        return 0;
    }
    udp_stats.no_ports++;
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
    kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
    return 0;
}

/*
 * An ICMP error (or ARP's give-up) about a datagram we sent.  Linux
 * __udp4_lib_err: only a connected sock hears it, and only the fatal kinds
 * (port unreachable ...); our stack's own EHOSTUNREACH also reaches a
 * sender waiting for ARP (udp_sendmsg).
 */
static void udp_err(struct sk_buff *skb, const struct icmp_err *err)
{
    const struct iphdr *iph = (const struct iphdr *)skb->data;
    const struct udphdr *uh = (const struct udphdr *)(skb->data + iph_hlen(iph));
    struct sock *sk = udp_lookup(iph->daddr, uh->dest, iph->saddr, uh->source, 0);

    if (!sk || sock_flag(sk, SOCK_DEAD))
        return;
    if (err->local ? (sk->sk_state != TCP_ESTABLISHED && !waitqueue_active(&sk->sk_wq))
                   : (sk->sk_state != TCP_ESTABLISHED || !ip_icmp_err_fatal(err)))
        return;
    sk_set_err(sk, -err->err);
}

/*
 * The rule for a first datagram to an unresolved neighbour: a
 * blocking send waits until ARP answers or gives up (EHOSTUNREACH through
 * udp_err).  ARP has no completion callback, so the wait re-checks the
 * entry every UDP_ARP_POLL_NS; a failure wakes it at once.
 */
static int udp_wait_neigh(struct sock *sk, const struct rtable *rt, __be32_t daddr, bool nonblock)
{
    __be32_t nh = rt->rt_gateway ? rt->rt_gateway : daddr;
    u64 left = (ARP_RETRIES + 1) * ARP_RETRANS_NS;

    if (nonblock || (rt->dev->flags & IFF_NOARP) || rt->rt_type != RTN_UNICAST)
        return 0;
    while (left && !sk->sk_err && arp_state(rt->dev, nh) == NUD_INCOMPLETE) {
        u64 slice = MIN(left, UDP_ARP_POLL_NS);

        wait_event_timeout(&sk->sk_wq, sk->sk_err || arp_state(rt->dev, nh) != NUD_INCOMPLETE, slice);
        left -= slice;
    }
    return sk->sk_err == EHOSTUNREACH ? sock_error(sk) : 0;
}

/* Where a datagram goes: msg_name (Linux: AF_UNSPEC is accepted as AF_INET) or the connected peer. */
static int udp_dest(struct sock *sk, const struct msghdr *msg, __be32_t *daddr, __be16_t *dport)
{
    struct sockaddr_in sin;

    if (!msg->msg_name) {
        if (sk->sk_state != TCP_ESTABLISHED)
            return -EDESTADDRREQ;
        *daddr = inet_sk(sk)->inet_daddr;
        *dport = inet_sk(sk)->inet_dport;
        return 0;
    }
    if (msg->msg_namelen < (int)sizeof(sin))
        return -EINVAL;
    memcpy(&sin, msg->msg_name, sizeof(sin));
    if (sin.sin_family != AF_INET && sin.sin_family != AF_UNSPEC)
        return -EAFNOSUPPORT;
    if (!sin.sin_port)
        return -EINVAL;
    *daddr = sin.sin_addr;
    *dport = sin.sin_port;
    return 0;
}

/* Build the datagram: header, payload from the app, RFC 768 checksum (0 sent as 0xffff). */
static int udp_build(struct sock *sk, struct sk_buff *skb, struct msghdr *msg, size_t len,
                     const struct flowi4 *fl, __be16_t dport)
{
    struct udphdr *uh;
    unsigned ulen = (unsigned)len + sizeof(*uh);

    skb_reserve(skb, MAX_HEADER);
    uh = (struct udphdr *)skb_put(skb, sizeof(*uh));
    if (copy_from_iter(skb_put(skb, (unsigned)len), len, &msg->msg_iter))
        return -EFAULT;
    uh->source = inet_sk(sk)->inet_sport;
    uh->dest = dport;
    uh->len = htons((u16)ulen);
    uh->check = 0;
    uh->check = csum_fold(csum_tcpudp_nofold(fl->saddr, fl->daddr, ulen, IPPROTO_UDP,
                                             csum_partial(uh, ulen, 0)));
    if (!uh->check)
        uh->check = 0xffff;
    return 0;
}

/* Linux udp_sendmsg's checks in its order, then one skb through IPv4. */
static long udp_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
    bool nonblock = msg->msg_flags & MSG_DONTWAIT;
    struct sk_buff *skb;
    struct flowi4 fl;
    struct rtable rt;
    __be32_t daddr;
    __be16_t dport;
    int err;

    if (len > 0xffff)
        return -EMSGSIZE;
    if (msg->msg_flags & MSG_OOB)
        return -EOPNOTSUPP;
    if ((err = udp_dest(sk, msg, &daddr, &dport)) || (err = inet_dgram_route(sk, daddr, &fl, &rt)))
        return err;
    if (len > UDP_MAX_PAYLOAD)
        return -EMSGSIZE;
    skb = sock_alloc_send_skb(sk, MAX_HEADER + sizeof(struct udphdr) + (unsigned)len, nonblock, &err);
    if (!skb)
        return err;
    if ((err = udp_build(sk, skb, msg, len, &fl, dport))) {
        kfree_skb(skb);
        return err;
    }
    if ((err = ip_local_out(skb, &fl, &rt)))
        return err;
    udp_stats.out_datagrams++;
    err = udp_wait_neigh(sk, &rt, daddr, nonblock);
    return err ? err : (long)len;
}

static __be16_t udp_src_port(const struct sk_buff *skb)
{
    return udp_hdr(skb)->source;
}

static long udp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *addr_len)
{
    return ip_recv_datagram(sk, msg, len, flags, addr_len, udp_src_port);
}

static int udp_connect(struct sock *sk, const void *addr, int addrlen)
{
    return ip4_datagram_connect(sk, addr, addrlen);
}

struct proto udp_prot = {
    .name = "UDP", .obj_size = sizeof(struct udp_sock), .close = udp_close,
    .connect = udp_connect, .disconnect = udp_disconnect, .sendmsg = udp_sendmsg,
    .recvmsg = udp_recvmsg, .unhash = udp_unhash, .get_port = udp_get_port,
};

void udp_stats_print(void)
{
    pr_info("udp: InDatagrams %llu NoPorts %llu InErrors %llu OutDatagrams %llu "
            "RcvbufErrors %llu InCsumErrors %llu bound %u",
            (unsigned long long)udp_stats.in_datagrams, (unsigned long long)udp_stats.no_ports,
            (unsigned long long)udp_stats.in_errors, (unsigned long long)udp_stats.out_datagrams,
            (unsigned long long)udp_stats.rcvbuf_errors,
            (unsigned long long)udp_stats.in_csum_errors, udp_table.count);
}

/* /proc/net/udp and the console table (<net/proc_net.h>): every bound sock. */
void udp_for_each_sock(sock_walk_fn fn, void *arg)
{
    struct sock *sk;

    for (unsigned i = 0; i < INET_BIND_BUCKETS; i++)
        list_for_each_entry(sk, &udp_table.buckets[i], sk_bind_node)
            fn(sk, arg);
}

static const struct net_protocol udp_protocol = { .handler = udp_rcv, .err_handler = udp_err };
static struct inet_protosw udp_protosw = {
    .type = SOCK_DGRAM, .protocol = IPPROTO_UDP, .prot = &udp_prot, .ops = &inet_dgram_ops,
};

void udp_init(void)
{
    inet_bind_table_init(&udp_table, "udp", inet_dgram_bind_conflict);
    inet_add_protocol(&udp_protocol, IPPROTO_UDP);
    inet_register_protosw(&udp_protosw);
}
