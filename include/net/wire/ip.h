/* IPv4 header (RFC 791 §3.1); all multi-byte fields network byte order. */
#ifndef NET_WIRE_IP_H
#define NET_WIRE_IP_H

#include <kernel/compiler.h>

#define IPVERSION       4
#define IP_MAXPACKET    65535   /* bytes: largest total length */
#define IPDEFTTL        64

/* frag_off field (after ntohs) */
#define IP_CE           0x8000  /* reserved "evil" bit */
#define IP_DF           0x4000  /* don't fragment */
#define IP_MF           0x2000  /* more fragments */
#define IP_OFFSET       0x1fff  /* fragment offset, in 8-byte units */

/* Options (RFC 791 §3.1 "Options") */
#define IPOPT_END       0
#define IPOPT_NOOP      1
#define IPOPT_LSRR      131
#define IPOPT_SSRR      137

#define IPPROTO_ICMP    1
#define IPPROTO_TCP     6
#define IPPROTO_UDP     17
#define IPPROTO_MAX     256

struct iphdr {
    u8 ihl_version;             /* version << 4 | IHL (32-bit words, >= 5) */
    u8 tos;
    __be16_t tot_len;           /* bytes, header + payload */
    __be16_t id;
    __be16_t frag_off;          /* flags and offset, see IP_* */
    u8 ttl;
    u8 protocol;                /* IPPROTO_* */
    __be16_t check;             /* RFC 1071 sum over the header */
    __be32_t saddr;
    __be32_t daddr;
} __packed;
_Static_assert(sizeof(struct iphdr) == 20, "iphdr");

static inline unsigned iph_version(const struct iphdr *iph) { return iph->ihl_version >> 4; }
static inline unsigned iph_hlen(const struct iphdr *iph) { return (iph->ihl_version & 0xf) * 4u; }

#endif
