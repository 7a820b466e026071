/*
 * ICMP (RFC 792, RFC 1122 §3.2.2): echo replies, error input handed to the
 * offending protocol's err_handler, and error output (icmp_send) for IPv4
 * and the transports, under a token-bucket rate limit.
 * Layer: a protocol registered with IPv4 (inet_add_protocol) that also
 * sends through it (ip_route_output, ip_local_out).  Owns the rate bucket.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/snmp.h>
#include "ip_impl.h"

#define ICMP_TOKEN_NS (NSEC_PER_SEC / ICMP_RATE_PER_SEC)

static u64 bucket_ns = ICMP_RATE_BURST * ICMP_TOKEN_NS;    /* credit, in ns of refill */
static u64 bucket_last;
static const struct icmp_sock_hooks *sock_hooks;

void icmp_register_sock_hooks(const struct icmp_sock_hooks *hooks)
{
    sock_hooks = hooks;
}

/* Linux icmp_global_allow(): refill at ICMP_RATE_PER_SEC up to ICMP_RATE_BURST, take one. */
static bool icmp_rate_allow(void)
{
    u64 now = ktime_get_ns();

    bucket_ns = MIN(bucket_ns + (now - bucket_last), (u64)ICMP_RATE_BURST * ICMP_TOKEN_NS);
    bucket_last = now;
    if (bucket_ns < ICMP_TOKEN_NS)
        return false;
    bucket_ns -= ICMP_TOKEN_NS;
    return true;
}

/* Send an ICMP message whose body (after the 8-byte header) is `len` bytes at `body`. */
static int icmp_push_reply(const struct icmphdr *hdr, const void *body, unsigned len,
                           struct flowi4 *fl)
{
    struct rtable rt;
    struct sk_buff *skb;
    struct icmphdr *icmph;
    int err = ip_route_output(fl, &rt);

    if (err) {
        ICMP_INC_STATS(OUTERRORS);
        netdev_count_drop(NULL, SKB_DROP_REASON_IP_NOROUTE);
        return err;
    }
    skb = alloc_skb(MAX_HEADER + sizeof(*icmph) + len);
    if (!skb) {
        ICMP_INC_STATS(OUTERRORS);
        netdev_count_drop(rt.dev, SKB_DROP_REASON_NOMEM);
        return -ENOMEM;
    }
    ICMP_INC_STATS(OUTMSGS);
    ICMPMSGOUT_INC_STATS(hdr->type);
    skb_reserve(skb, MAX_HEADER);
    icmph = (struct icmphdr *)skb_put_data(skb, hdr, sizeof(*hdr));
    skb_put_data(skb, body, len);
    icmph->checksum = 0;
    icmph->checksum = ip_compute_csum(skb->data, skb->len);
    return ip_local_out(skb, fl, &rt);
}

/* True if the ICMP message at p (avail bytes) is an error or unknown: never answered with an error. */
static bool icmp_is_error_type(const u8 *p, unsigned avail)
{
    if (avail < 1)
        return true;
    return p[0] != ICMP_ECHO && p[0] != ICMP_ECHOREPLY && 
           p[0] != ICMP_TIMESTAMP && p[0] != ICMP_TIMESTAMPREPLY;
}

/* RFC 1122 §3.2.2: the cases in which no error may be sent about skb_in. */
static bool icmp_may_send(struct sk_buff *skb_in)
{
    const struct iphdr *iph = ip_hdr(skb_in);
    unsigned hlen = iph_hlen(iph);
    const u8 *end = skb_tail_pointer(skb_in);

    if (skb_in->pkt_type != PACKET_HOST || IPCB(skb_in)->rt_type != RTN_LOCAL)
        return false;
    if (iph->frag_off & htons(IP_OFFSET))
        return false;
    if (ipv4_is_zeronet(iph->saddr) || ipv4_is_multicast(iph->saddr) ||
        inet_addr_type(skb_in->dev, iph->saddr) == RTN_BROADCAST)
        return false;
    if (iph->protocol == IPPROTO_ICMP &&
        icmp_is_error_type((const u8 *)iph + hlen, (unsigned)(end - ((const u8 *)iph + hlen))))
        return false;
    return true;
}

void icmp_send(struct sk_buff *skb_in, u8 type, u8 code, u32 info)
{
    const struct iphdr *iph = ip_hdr(skb_in);
    struct icmphdr hdr = { .type = type, .code = code };
    unsigned room = ICMP_ERR_MAX_LEN - sizeof(struct iphdr) - sizeof(hdr);
    unsigned have = (unsigned)(skb_tail_pointer(skb_in) - (const u8 *)iph);
    struct flowi4 fl = { .daddr = iph->saddr, .saddr = iph->daddr, .proto = IPPROTO_ICMP,
                         .tos = iph->tos };

    if (!icmp_may_send(skb_in))
        return;
    if (!icmp_rate_allow()) {
        ICMP_INC_STATS(RATELIMITGLOBAL);
        netdev_count_drop(skb_in->dev, SKB_DROP_REASON_ICMP_RATELIMIT);
        return;
    }
    if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
        hdr.un.frag.mtu = htons((u16)info);
    icmp_push_reply(&hdr, iph, MIN(have, room), &fl);
}

/* RFC 792 echo: reply from the address the request was sent to, same id, sequence and data. */
static int icmp_echo(struct sk_buff *skb)
{
    const struct iphdr *iph = ip_hdr(skb);
    struct icmphdr hdr = *(const struct icmphdr *)skb->data;
    struct flowi4 fl = { .daddr = iph->saddr, .saddr = iph->daddr, .proto = IPPROTO_ICMP,
                         .tos = iph->tos };

    hdr.type = ICMP_ECHOREPLY;
    hdr.code = 0;
    icmp_push_reply(&hdr, skb->data + sizeof(hdr), skb->len - sizeof(hdr), &fl);
    consume_skb(skb);
    return 0;
}

/* Linux icmp_err_convert[]: what a socket should see for each error. */
static int icmp_err_errno(u8 type, u8 code)
{
    static const int unreach[] = {
        [ICMP_NET_UNREACH] = -ENETUNREACH, [ICMP_HOST_UNREACH] = -EHOSTUNREACH,
        [ICMP_PROT_UNREACH] = -ENOPROTOOPT, [ICMP_PORT_UNREACH] = -ECONNREFUSED,
        [ICMP_FRAG_NEEDED] = -EMSGSIZE,
    };

    if (type == ICMP_PARAMETERPROB)
        return -EPROTO;
    if (type == ICMP_DEST_UNREACH && code < ARRAY_SIZE(unreach))
        return unreach[code];
    return -EHOSTUNREACH;
}

/*
 * An error about something we sent (RFC 1122 §3.2.2.1): check the quoted
 * IP header and 8 bytes of its payload are all there, then tell the protocol.
 */
static int icmp_unreach(struct sk_buff *skb)
{
    const struct icmphdr *icmph = (const struct icmphdr *)skb->data;
    struct icmp_err err = { icmph->type, icmph->code, 0, icmp_err_errno(icmph->type, icmph->code), false };
    const struct net_protocol *prot;
    const struct iphdr *inner;

    if (err.type == ICMP_DEST_UNREACH && err.code == ICMP_FRAG_NEEDED)
        err.info = ntohs(icmph->un.frag.mtu);
    skb_pull(skb, sizeof(*icmph));
    inner = (const struct iphdr *)skb->data;
    if (!pskb_may_pull(skb, sizeof(*inner)) || iph_version(inner) != IPVERSION ||
        iph_hlen(inner) < sizeof(*inner) || !pskb_may_pull(skb, iph_hlen(inner) + 8)) {
        ICMP_INC_STATS(INERRORS);
        kfree_skb_reason(skb, SKB_DROP_REASON_ICMP_TRUNCATED);
        return -EINVAL;
    }
    prot = inet_protocol(inner->protocol);
    if (prot && prot->err_handler)
        prot->err_handler(skb, &err);
    consume_skb(skb);
    return 0;
}

static int icmp_rcv(struct sk_buff *skb)
{
    enum skb_drop_reason reason = SKB_DROP_REASON_ICMP_TRUNCATED;
    const struct icmphdr *icmph = (const struct icmphdr *)skb->data;

    ICMP_INC_STATS(INMSGS);
    if (!pskb_may_pull(skb, sizeof(*icmph)))
        goto bad;
    reason = SKB_DROP_REASON_ICMP_CSUM;
    if (ip_compute_csum(skb->data, skb->len)) {
        ICMP_INC_STATS(CSUMERRORS);
        goto bad;
    }
    ICMPMSGIN_INC_STATS(icmph->type);
    /* RFC 1122 §3.2.2.6 lets us ignore broadcast echo (Linux does); errors to broadcast are bogus. */
    reason = SKB_DROP_REASON_ICMP_BCAST;
    if (IPCB(skb)->rt_type != RTN_LOCAL)
        goto drop;
    switch (icmph->type) {
    case ICMP_ECHO:
        return icmp_echo(skb);
    case ICMP_ECHOREPLY:    /* for ping sockets */
        if (sock_hooks)
            sock_hooks->echo_reply(skb);
        else
            consume_skb(skb);
        return 0;
    case ICMP_DEST_UNREACH:
    case ICMP_TIME_EXCEEDED:
    case ICMP_PARAMETERPROB:
        return icmp_unreach(skb);
    default:                /* RFC 1122 §3.2.2: unknown types are silently discarded */
        reason = SKB_DROP_REASON_ICMP_UNHANDLED;
        goto drop;
    }
bad:
    ICMP_INC_STATS(INERRORS);
drop:
    kfree_skb_reason(skb, reason);
    return -EINVAL;
}

/* An error quoting an ICMP message of ours (an app's echo request): the ping socket's. */
static void icmp_err(struct sk_buff *skb, const struct icmp_err *err)
{
    if (sock_hooks)
        sock_hooks->err(skb, err);
}

static const struct net_protocol icmp_protocol = { .handler = icmp_rcv, .err_handler = icmp_err };

void icmp_init(void)
{
    inet_add_protocol(&icmp_protocol, IPPROTO_ICMP);
}
