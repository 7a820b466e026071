/*
 * Ethernet framing (IEEE 802.3 clause 3.2, DIX EtherType framing).
 * Layer: between the device core (net/dev.c calls eth_type_trans on every
 * received frame) and the protocols that build frames (ARP, IPv4 output).
 * Owns nothing: frames we accept are to our MAC, broadcast, or (for later
 * IPv4 multicast) any group address; the rest are another host's.
 */
#include <net/byteorder.h>
#include <net/eth.h>

enum skb_drop_reason eth_type_trans(struct sk_buff *skb, struct net_device *dev)
{
    const struct ethhdr *eth;
    u16 proto;

    if (!pskb_may_pull(skb, ETH_HLEN))
        return SKB_DROP_REASON_PKT_TOO_SMALL;
    skb_reset_mac_header(skb);
    eth = (const struct ethhdr *)skb->data;
    skb_pull(skb, ETH_HLEN);
    skb_reset_network_header(skb);
    if (ether_addr_equal(eth->h_dest, dev->dev_addr))
        skb->pkt_type = PACKET_HOST;
    else if (is_broadcast_ether_addr(eth->h_dest))
        skb->pkt_type = PACKET_BROADCAST;
    else if (is_multicast_ether_addr(eth->h_dest))
        skb->pkt_type = PACKET_MULTICAST;
    else
        return SKB_DROP_REASON_OTHERHOST;
    skb->protocol = eth->h_proto;
    proto = ntohs(eth->h_proto);
    if (proto == ETH_P_8021Q || proto == ETH_P_8021AD)
        return SKB_DROP_REASON_VLAN_TAGGED;
    if (proto < ETH_P_802_3_MIN)
        return SKB_DROP_REASON_UNHANDLED_PROTO;
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

void eth_header(struct sk_buff *skb, struct net_device *dev, u16 type, const u8 *daddr)
{
    struct ethhdr *eth = (struct ethhdr *)skb_push(skb, ETH_HLEN);

    skb_reset_mac_header(skb);
    ether_addr_copy(eth->h_dest, daddr);
    ether_addr_copy(eth->h_source, dev->dev_addr);
    eth->h_proto = htons(type);
}
