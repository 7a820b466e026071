/*
 * Byte order and sequence-space helpers, the one place for them.
 * Wire fields are big-endian (__be16_t/__be32_t); the CPU is little-endian.
 * SEQ_* compare 32-bit sequence numbers modulo 2^32 (RFC 9293 §3.4): never
 * compare sequence numbers with a raw '<'.
 */
#ifndef NET_BYTEORDER_H
#define NET_BYTEORDER_H

#include <kernel/types.h>

static inline u16 ntohs(__be16_t v) { return __builtin_bswap16(v); }
static inline __be16_t htons(u16 v) { return __builtin_bswap16(v); }
static inline u32 ntohl(__be32_t v) { return __builtin_bswap32(v); }
static inline __be32_t htonl(u32 v) { return __builtin_bswap32(v); }

/* Big-endian constant for case labels and static initialisers. */
#define cpu_to_be16_const(v) ((__be16_t)((((v) & 0xff) << 8) | (((v) >> 8) & 0xff)))

#define SEQ_LT(a, b)    ((s32)((u32)(a) - (u32)(b)) < 0)
#define SEQ_LEQ(a, b)   ((s32)((u32)(a) - (u32)(b)) <= 0)
#define SEQ_GT(a, b)    ((s32)((u32)(a) - (u32)(b)) > 0)
#define SEQ_GEQ(a, b)   ((s32)((u32)(a) - (u32)(b)) >= 0)

#endif
