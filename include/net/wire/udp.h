/* UDP header (RFC 768); all fields network byte order. */
#ifndef NET_WIRE_UDP_H
#define NET_WIRE_UDP_H

#include <kernel/compiler.h>

struct udphdr {
    __be16_t source;
    __be16_t dest;
    __be16_t len;               /* bytes, header + data, >= 8 */
    __be16_t check;             /* RFC 768 over pseudo-header + datagram; 0 = none sent */
} __packed;
_Static_assert(sizeof(struct udphdr) == 8, "udphdr");

/* Largest payload: 65535 - 20 (IPv4 header) - 8. */
#define UDP_MAX_PAYLOAD 65507

#endif
