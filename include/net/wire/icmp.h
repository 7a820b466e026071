/* ICMP header (RFC 792); all multi-byte fields network byte order. */
#ifndef NET_WIRE_ICMP_H
#define NET_WIRE_ICMP_H

#include <kernel/compiler.h>

#define ICMP_ECHOREPLY          0
#define ICMP_DEST_UNREACH       3
#define ICMP_SOURCE_QUENCH      4
#define ICMP_REDIRECT           5
#define ICMP_ECHO               8
#define ICMP_TIME_EXCEEDED      11
#define ICMP_PARAMETERPROB      12
#define ICMP_TIMESTAMP          13
#define ICMP_TIMESTAMPREPLY     14

/* ICMP_DEST_UNREACH codes */
#define ICMP_NET_UNREACH        0
#define ICMP_HOST_UNREACH       1
#define ICMP_PROT_UNREACH       2
#define ICMP_PORT_UNREACH       3
#define ICMP_FRAG_NEEDED        4
/* ICMP_TIME_EXCEEDED codes */
#define ICMP_EXC_TTL            0
#define ICMP_EXC_FRAGTIME       1

struct icmphdr {
    u8 type;
    u8 code;
    __be16_t checksum;          /* RFC 1071 over the whole ICMP message */
    union {
        struct { __be16_t id, sequence; } echo;
        __be32_t gateway;
        struct { __be16_t unused, mtu; } frag;
        u8 pointer;             /* parameter problem: offending byte */
    } un;
} __packed;
_Static_assert(sizeof(struct icmphdr) == 8, "icmphdr");

#endif
