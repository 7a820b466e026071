/*
 * IPv4 receive (RFC 791 §3.2, RFC 1122 §3.2.1): header validation, martian
 * filtering, reassembly hand-off, delivery to the registered protocol.
 * Layer: above the device core (ETH_P_IP packet_type), below ICMP/UDP/TCP,
 * which register with inet_add_protocol(); this file never includes them.
 * Owns the protocol table.  A host, not a router: nothing is forwarded.
 */
#include <kernel/errno.h>
#include <kernel/prof.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/snmp.h>
#include <net/wire/ether.h>
#include "ip_impl.h"

static const struct net_protocol *inet_protos[IPPROTO_MAX];
static void (*raw_deliver)(struct sk_buff *skb);

void ip_set_raw_deliver(void (*fn)(struct sk_buff *skb))
{
    raw_deliver = fn;
}

int inet_add_protocol(const struct net_protocol *prot, u8 protocol)
{
    if (inet_protos[protocol])
        return -EBUSY;
    inet_protos[protocol] = prot;
    return 0;
}

const struct net_protocol *inet_protocol(u8 protocol)
{
    return inet_protos[protocol];
}

/*
 * RFC 791 §3.1 option syntax: END, NOP, or type-length-value with
 * 2 <= length <= what is left.  Source routes are refused as by Linux's
 * default (accept_source_route=0); other options are accepted and ignored.
 */
static enum skb_drop_reason ip_check_options(const u8 *opt, unsigned len)
{
    while (len && opt[0] != IPOPT_END) {
        if (opt[0] == IPOPT_NOOP) {
            opt++;
            len--;
            continue;
        }
        if (len < 2 || opt[1] < 2 || opt[1] > len)
            return SKB_DROP_REASON_IP_OPTIONS;
        if (opt[0] == IPOPT_LSRR || opt[0] == IPOPT_SSRR)
            return SKB_DROP_REASON_IP_OPTIONS;
        len -= opt[1];
        opt += opt[1];
    }
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

/* RFC 1122 §3.2.1.1-3.2.1.2: version, IHL, checksum, total length; trims link padding. */
static enum skb_drop_reason ip_check_header(struct sk_buff *skb)
{
    const struct iphdr *iph = (const struct iphdr *)skb->data;
    unsigned hlen, tot;

    if (!pskb_may_pull(skb, sizeof(*iph)))
        return SKB_DROP_REASON_PKT_TOO_SMALL;
    hlen = iph_hlen(iph);
    if (iph_version(iph) != IPVERSION || hlen < sizeof(*iph) || !pskb_may_pull(skb, hlen))
        return SKB_DROP_REASON_IP_INHDR;
    if (ip_compute_csum(iph, hlen))
        return SKB_DROP_REASON_IP_CSUM;
    tot = ntohs(iph->tot_len);
    if (tot > skb->len || tot < hlen)
        return SKB_DROP_REASON_IP_INHDR;
    skb_trim(skb, tot);     /* Ethernet pads short frames to 60 bytes */
    return ip_check_options((const u8 *)(iph + 1), hlen - sizeof(*iph));
}

/*
 * Martians (RFC 1122 §3.2.1.3, RFC 1812 §5.3.7): sources that cannot be a
 * remote host, destinations that are not ours.  Our own and 127/8 addresses
 * are fine on lo only.  0.0.0.0 may only talk to 255.255.255.255 (BOOTP/DHCP).
 */
static enum skb_drop_reason ip_check_addrs(struct sk_buff *skb, struct net_device *dev)
{
    const struct iphdr *iph = ip_hdr(skb);
    bool lo = dev->flags & IFF_LOOPBACK;
    enum rtn_type dtype = inet_addr_type(dev, iph->daddr);
    enum rtn_type stype = inet_addr_type(dev, iph->saddr);

    if (ipv4_is_zeronet(iph->saddr) && !ipv4_is_lbcast(iph->daddr))
        return SKB_DROP_REASON_IP_INVALID_SOURCE;
    if (stype == RTN_BROADCAST || stype == RTN_MULTICAST || ipv4_is_reserved(iph->saddr) ||
        (!lo && (stype == RTN_LOCAL || ipv4_is_loopback(iph->saddr))))
        return SKB_DROP_REASON_IP_INVALID_SOURCE;
    if (ipv4_is_zeronet(iph->daddr) || (!lo && ipv4_is_loopback(iph->daddr)))
        return SKB_DROP_REASON_IP_INVALID_DEST;
    if (dtype != RTN_LOCAL && dtype != RTN_BROADCAST)
        return SKB_DROP_REASON_IP_NOT_FOR_US;   /* no forwarding, no multicast groups */
    IPCB(skb)->rt_type = dtype;
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

/* RFC 1122 §3.2.1.3 / §3.2.2.1: hand the payload to its protocol, or say it has none. */
static int ip_local_deliver(struct sk_buff *skb)
{
    const struct iphdr *iph = ip_hdr(skb);
    const struct net_protocol *prot = inet_protos[iph->protocol];

    skb_pull(skb, iph_hlen(iph));
    skb_reset_transport_header(skb);
    if (raw_deliver)
        raw_deliver(skb);
    if (prot) {
        int ret;

        IP_INC_STATS(INDELIVERS);
        prof_enter(iph->protocol == IPPROTO_TCP ? PROF_TCP_IN : PROF_UDP);
        ret = prot->handler(skb);
        prof_exit();
        return ret;
    }
    IP_INC_STATS(INUNKNOWNPROTOS);
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_NOPROTO);
    return -ENOPROTOOPT;
}

/*
 * The MIB counter for a receive drop, as Linux's ip_rcv_core (header
 * errors) and ip_error (not addressed to us: no forwarding) count them; a
 * martian source is counted only by its drop reason there too.
 */
static void ip_count_rcv_drop(enum skb_drop_reason reason)
{
    if (reason == SKB_DROP_REASON_IP_INVALID_DEST || reason == SKB_DROP_REASON_IP_NOT_FOR_US)
        IP_INC_STATS(INADDRERRORS);
    else if (reason != SKB_DROP_REASON_IP_INVALID_SOURCE)
        IP_INC_STATS(INHDRERRORS);
}

static int __ip_rcv(struct sk_buff *skb, struct net_device *dev)
{
    enum skb_drop_reason reason;

    IP_INC_STATS(INPKTS);
    skb_reset_network_header(skb);
    IPCB(skb)->iif = dev->ifindex;
    reason = ip_check_header(skb);
    if (reason)
        goto drop;
    reason = ip_check_addrs(skb, dev);
    if (reason)
        goto drop;
    if (ip_hdr(skb)->frag_off & htons(IP_MF | IP_OFFSET)) {
        IP_INC_STATS(REASMREQDS);
        skb = ip_defrag(skb);
        if (!skb)
            return 0;
    }
    return ip_local_deliver(skb);
drop:
    ip_count_rcv_drop(reason);
    kfree_skb_reason(skb, reason);
    return -EINVAL;
}

static int ip_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
    int ret;

    prof_enter(PROF_IP_IN);
    ret = __ip_rcv(skb, dev);
    prof_exit();
    return ret;
}

static struct packet_type ip_packet_type = { .type = cpu_to_be16_const(ETH_P_IP), .func = ip_rcv };

void ip_init(void)
{
    dev_add_pack(&ip_packet_type);
    devinet_init();
    ip_output_init();
    icmp_init();
}
