/* Ethernet II header (IEEE 802.3 clause 3.2, DIX framing); all fields network byte order. */
#ifndef NET_WIRE_ETHER_H
#define NET_WIRE_ETHER_H

#include <kernel/compiler.h>

#define ETH_ALEN        6
#define ETH_HLEN        14      /* bytes: dst, src, EtherType */
#define ETH_ZLEN        60      /* minimum frame without FCS; shorter frames are padded */
#define ETH_DATA_LEN    1500    /* standard MTU, bytes */
#define ETH_FRAME_LEN   1514

/* EtherTypes (host byte order values; compare against ntohs() or use htons()). */
#define ETH_P_IP        0x0800
#define ETH_P_ARP       0x0806
#define ETH_P_8021Q     0x8100
#define ETH_P_8021AD    0x88a8
#define ETH_P_802_3_MIN 0x0600  /* below this the field is an 802.3 length */

struct ethhdr {
    u8 h_dest[ETH_ALEN];
    u8 h_source[ETH_ALEN];
    __be16_t h_proto;
} __packed;
_Static_assert(sizeof(struct ethhdr) == ETH_HLEN, "ethhdr");

#endif
