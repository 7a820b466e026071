/*
 * The Internet checksum (RFC 1071): one's-complement sum of 16-bit words.
 * Sums are kept in network byte order throughout (the sum is byte-order
 * independent, RFC 1071 §2(B)), so results go straight into header fields.
 */
#ifndef NET_CHECKSUM_H
#define NET_CHECKSUM_H

#include <kernel/types.h>

/* Partial 32-bit sum of len bytes at buf added to sum (not folded). */
u32 csum_partial(const void *buf, unsigned len, u32 sum);
/* Fold a partial sum to 16 bits and complement it: the field value. */
u16 csum_fold(u32 sum);
/* Checksum of len bytes: csum_fold(csum_partial(buf, len, 0)); 0 means a good received block. */
static inline u16 ip_compute_csum(const void *buf, unsigned len) { return csum_fold(csum_partial(buf, len, 0)); }
/* Partial sum of the IPv4 pseudo-header (RFC 768, RFC 9293 §3.1) for UDP/TCP; addresses network order, len host order bytes. */
u32 csum_tcpudp_nofold(u32 saddr, u32 daddr, unsigned len, u8 proto, u32 sum);

#endif
