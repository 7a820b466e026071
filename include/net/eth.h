/*
 * Ethernet (IEEE 802.3 DIX framing) for the device core and the protocols
 * that build frames (ARP, the IPv4 neighbour output).  net/eth.c.
 */
#ifndef NET_ETH_H
#define NET_ETH_H

#include <kernel/string.h>
#include <net/netdevice.h>
#include <net/wire/ether.h>

static inline bool is_zero_ether_addr(const u8 *a) { return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]); }
static inline bool is_multicast_ether_addr(const u8 *a) { return a[0] & 1; }   /* includes broadcast */
static inline bool is_broadcast_ether_addr(const u8 *a) { return (a[0] & a[1] & a[2] & a[3] & a[4] & a[5]) == 0xff; }
static inline bool ether_addr_equal(const u8 *a, const u8 *b) { return !memcmp(a, b, ETH_ALEN); }
static inline void ether_addr_copy(u8 *dst, const u8 *src) { memcpy(dst, src, ETH_ALEN); }

/*
 * Receive side: check the frame has an Ethernet header, classify it
 * (skb->pkt_type), set skb->protocol (network order) and the mac header, and
 * pull the header so data is at L3.  Returns NOT_DROPPED_YET, or the reason
 * to drop: PKT_TOO_SMALL (runt), OTHERHOST (not our MAC, broadcast or a
 * multicast we take), VLAN_TAGGED, UNHANDLED_PROTO (802.3 length field).
 */
enum skb_drop_reason eth_type_trans(struct sk_buff *skb, struct net_device *dev);

/*
 * Transmit side: push a 14-byte header, source dev->dev_addr, destination
 * `daddr` (6 bytes), EtherType `type` (host order).  The caller reserved the
 * headroom (MAX_HEADER or LL_MAX_HEADER), so this never copies.
 */
void eth_header(struct sk_buff *skb, struct net_device *dev, u16 type, const u8 *daddr);

#endif
