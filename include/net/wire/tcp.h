/*
 * TCP header and option kinds (RFC 9293 §3.1, RFC 7323, RFC 2018); all
 * multi-byte fields network byte order.  Flag bits are the 13th byte of
 * the header (CWR..FIN), read through tcp_flag_byte().
 */
#ifndef NET_WIRE_TCP_H
#define NET_WIRE_TCP_H

#include <kernel/compiler.h>

struct tcphdr {
    __be16_t source;
    __be16_t dest;
    __be32_t seq;               /* SEG.SEQ */
    __be32_t ack_seq;           /* SEG.ACK, valid when ACK is set */
    u8 doff_res;                /* data offset (32-bit words, 5..15) << 4 | reserved */
    u8 flags;                   /* TCPHDR_* */
    __be16_t window;            /* SEG.WND, unscaled (RFC 7323 §2.2: never scaled on a SYN) */
    __be16_t check;             /* RFC 1071 over pseudo-header + segment (RFC 9293 §3.1) */
    __be16_t urg_ptr;           /* offset of the byte after urgent data, valid with URG */
} __packed;
_Static_assert(sizeof(struct tcphdr) == 20, "tcphdr");

/* Control bits (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
#define TCPHDR_FIN  0x01
#define TCPHDR_SYN  0x02
#define TCPHDR_RST  0x04
#define TCPHDR_PSH  0x08
#define TCPHDR_ACK  0x10
#define TCPHDR_URG  0x20
#define TCPHDR_ECE  0x40
#define TCPHDR_CWR  0x80

#define TCP_HDR_MIN     20      /* bytes: data offset 5 */
#define TCP_HDR_MAX     60      /* bytes: data offset 15 */
#define TCP_OPT_MAX     40      /* bytes of options at most */

static inline unsigned tcp_hdrlen(const struct tcphdr *th) { return (th->doff_res >> 4) * 4u; }

/* Option kinds (IANA "TCP Option Kind Numbers") and their lengths in bytes. */
#define TCPOPT_EOL          0
#define TCPOPT_NOP          1
#define TCPOPT_MSS          2   /* RFC 9293 §3.2 */
#define TCPOPT_WINDOW       3   /* RFC 7323 §2 */
#define TCPOPT_SACK_PERM    4   /* RFC 2018 */
#define TCPOPT_SACK         5   /* RFC 2018 */
#define TCPOPT_TIMESTAMP    8   /* RFC 7323 §3 */
#define TCPOLEN_MSS         4
#define TCPOLEN_WINDOW      3
#define TCPOLEN_SACK_PERM   2
#define TCPOLEN_TIMESTAMP   10
#define TCPOLEN_SACK_BASE   2
#define TCPOLEN_SACK_PERBLOCK 8

#define TCP_MAX_WSCALE      14  /* RFC 7323 §2.3: larger shifts are treated as 14 */

#endif
