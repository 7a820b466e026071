/* ARP packet for Ethernet/IPv4 (RFC 826); all fields network byte order. */
#ifndef NET_WIRE_ARP_H
#define NET_WIRE_ARP_H

#include <kernel/compiler.h>

#define ARPHRD_ETHER    1       /* ar_hrd: Ethernet */
#define ARPOP_REQUEST   1
#define ARPOP_REPLY     2

struct arphdr {
    __be16_t ar_hrd;            /* hardware type: ARPHRD_ETHER */
    __be16_t ar_pro;            /* protocol type: ETH_P_IP */
    u8 ar_hln;                  /* hardware address bytes: 6 */
    u8 ar_pln;                  /* protocol address bytes: 4 */
    __be16_t ar_op;             /* ARPOP_* */
    u8 ar_sha[6];               /* sender MAC */
    __be32_t ar_sip;            /* sender IPv4 (unaligned: read through the packed struct) */
    u8 ar_tha[6];               /* target MAC (zero in requests) */
    __be32_t ar_tip;            /* target IPv4 */
} __packed;
_Static_assert(sizeof(struct arphdr) == 28, "arphdr");

#endif
