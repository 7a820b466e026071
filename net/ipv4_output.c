/*
 * IPv4 transmit (RFC 791 §3.2, RFC 1122 §3.3.5): header, fragmentation to
 * the output device's MTU, hand-off to ARP for the next hop; and the report
 * of ARP give-ups to the sending protocol's err_handler.
 * Layer: below ICMP/UDP/TCP (ip_local_out), above ARP (arp_output).
 * Owns the datagram ID counter.
 */
#include <kernel/errno.h>
#include <kernel/prof.h>
#include <kernel/string.h>
#include <net/arp.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/snmp.h>
#include "ip_impl.h"

/* RFC 6864: the ID only has to be unique per (src, dst, proto) for the reassembly timeout. */
static u16 ip_ident;

static void ip_fill_header(struct iphdr *iph, unsigned hlen, unsigned tot_len, u16 frag_off,
                           const struct flowi4 *fl, __be16_t id)
{
    iph->ihl_version = (IPVERSION << 4) | (hlen / 4);
    iph->tos = fl->tos;
    iph->tot_len = htons((u16)tot_len);
    iph->id = id;
    iph->frag_off = htons(frag_off);
    iph->ttl = fl->ttl ? fl->ttl : IPDEFTTL;
    iph->protocol = fl->proto;
    iph->check = 0;
    iph->saddr = fl->saddr;
    iph->daddr = fl->daddr;
    iph->check = ip_compute_csum(iph, hlen);
}

/*
 * RFC 791 §3.2 "fragmentation": cut the payload of skb (data at its IP
 * header) into MTU-sized pieces, offsets in 8-byte units, MF on all but the
 * last.  Consumes skb; stops at the first piece the next hop refuses.
 */
static int ip_fragment(struct sk_buff *skb, const struct flowi4 *fl, struct net_device *dev,
                       __be32_t nexthop)
{
    const struct iphdr *iph = (const struct iphdr *)skb->data;
    unsigned hlen = sizeof(*iph), total = skb->len - hlen;
    unsigned chunk = (dev->mtu - hlen) & ~7u;
    int err = 0;

    for (unsigned off = 0; off < total && !err; off += chunk) {
        unsigned n = MIN(chunk, total - off);
        struct sk_buff *f = alloc_skb(LL_MAX_HEADER + hlen + n);

        if (!f) {
            netdev_count_drop(dev, SKB_DROP_REASON_NOMEM);
            err = -ENOMEM;
            break;
        }
        IP_INC_STATS(FRAGCREATES);
        IP_INC_STATS(OUTPKTS);
        skb_reserve(f, LL_MAX_HEADER);
        skb_reset_network_header(f);
        ip_fill_header((struct iphdr *)skb_put(f, hlen), hlen, hlen + n,
                       (u16)((off >> 3) | (off + n < total ? IP_MF : 0)), fl, iph->id);
        skb_put_data(f, skb->data + hlen + off, n);
        err = arp_output(f, dev, nexthop);
    }
    if (err)
        IP_INC_STATS(FRAGFAILS);
    else
        IP_INC_STATS(FRAGOKS);
    consume_skb(skb);
    return err;
}

static int __ip_local_out(struct sk_buff *skb, const struct flowi4 *fl, const struct rtable *rt)
{
    struct net_device *dev = rt->dev;
    __be32_t nexthop = rt->rt_gateway ? rt->rt_gateway : fl->daddr;
    unsigned tot = sizeof(struct iphdr) + skb->len;

    IP_INC_STATS(OUTREQUESTS);
    /* A TSO skb is cut to MTU-sized segments by the device (Linux ip_finish_output_gso). */
    if (tot > IP_MAXPACKET || (fl->df && tot > dev->mtu && !skb->gso_size)) {
        if (tot > IP_MAXPACKET)
            IP_INC_STATS(OUTDISCARDS);
        else
            IP_INC_STATS(FRAGFAILS);    /* DF: Linux's ip_fragment counts it so */
        kfree_skb_reason(skb, SKB_DROP_REASON_IP_FRAG_NEEDED);
        return -EMSGSIZE;
    }
    skb_push(skb, sizeof(struct iphdr));
    skb_reset_network_header(skb);
    ip_fill_header((struct iphdr *)skb->data, sizeof(struct iphdr), tot,
                   fl->df ? IP_DF : 0, fl, htons(ip_ident++));
    if (tot <= dev->mtu || skb->gso_size) {
        IP_INC_STATS(OUTPKTS);
        return arp_output(skb, dev, nexthop);
    }
    skb_checksum_help(skb);     /* fragments cannot be summed by the device */
    return ip_fragment(skb, fl, dev, nexthop);
}

int ip_local_out(struct sk_buff *skb, const struct flowi4 *fl, const struct rtable *rt)
{
    int ret;

    prof_enter(PROF_IP_OUT);
    ret = __ip_local_out(skb, fl, rt);
    prof_exit();
    return ret;
}

/*
 * ARP gave up on the next hop of skb (data at its IP header): tell the
 * sending protocol as if a host-unreachable had come back (Linux
 * ipv4_link_failure), so a socket sees EHOSTUNREACH.  Only the first
 * fragment carries the transport header the protocol needs.
 */
static void ip_neigh_failure(struct sk_buff *skb)
{
    const struct iphdr *iph = (const struct iphdr *)skb->data;
    const struct net_protocol *prot;
    struct icmp_err err = { ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, -EHOSTUNREACH, true };

    if (skb->len < sizeof(*iph) + 8 || (iph->frag_off & htons(IP_OFFSET)))
        return;
    prot = inet_protocol(iph->protocol);
    if (prot && prot->err_handler)
        prot->err_handler(skb, &err);
}

void ip_output_init(void)
{
    arp_set_error_report(ip_neigh_failure);
}
