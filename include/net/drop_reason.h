/*
 * Why a packet was dropped (Linux's skb_drop_reason idea).  Every drop in the
 * stack and the drivers names one of these; kfree_skb_reason() and
 * netdev_count_drop() bump skb_drop_counts[] and the device's own array, and
 * net_stats_print() lists every nonzero one by name.  Tests assert them.
 *
 * Validation helpers return SKB_DROP_REASON_NOT_DROPPED_YET (0) for a good
 * packet, else the reason, so the caller's drop: label has one place to count.
 * To add a reason, add one X() line: the enum and the name table follow.
 */
#ifndef NET_DROP_REASON_H
#define NET_DROP_REASON_H

#include <kernel/types.h>

#define SKB_DROP_REASONS(X)                                                        \
    X(NOT_DROPPED_YET,    "(none: parsers return it for a good packet)")           \
    X(NOT_SPECIFIED,      "not specified")                                         \
    X(NOMEM,              "out of memory")                                         \
    /* devices and the core (net/dev.c, drivers) */                                \
    X(DEV_DOWN,           "interface down or no carrier")                          \
    X(DEV_RX_ERR,         "NIC reported a bad frame")                              \
    X(DEV_RX_NOBUF,       "NIC had no buffer for a frame")                         \
    X(DEV_TX_ERR,         "NIC failed to send")                                    \
    X(TXQ_OVERFLOW,       "TX backlog full")                                       \
    /* Ethernet (net/eth.c) */                                                     \
    X(PKT_TOO_SMALL,      "runt: shorter than its headers")                        \
    X(OTHERHOST,          "frame for another MAC")                                 \
    X(VLAN_TAGGED,        "802.1Q tagged frame (no VLAN support)")                 \
    X(UNHANDLED_PROTO,    "unknown EtherType")                                     \
    /* ARP (net/arp.c) */                                                          \
    X(ARP_BAD_HDR,        "ARP: bad hardware/protocol type or length")             \
    X(ARP_BAD_OP,         "ARP: unknown opcode")                                   \
    X(ARP_BAD_SENDER,     "ARP: broadcast, multicast or zero sender")              \
    X(ARP_OWN_ADDR,       "ARP: sender claims our address")                        \
    X(ARP_UNSOLICITED,    "ARP: unsolicited reply")                                \
    X(NEIGH_FAILED,       "ARP resolution failed")                                 \
    X(NEIGH_QUEUEFULL,    "ARP: queue of unresolved entry full")                   \
    X(NEIGH_TABLEFULL,    "ARP: cache full, nothing evictable")                    \
    /* IPv4 (net/ipv4_*.c, net/ip_frag.c) */                                       \
    X(IP_INHDR,           "IPv4: bad version, IHL or total length")                \
    X(IP_CSUM,            "IPv4: bad header checksum")                             \
    X(IP_OPTIONS,         "IPv4: malformed options")                               \
    X(IP_INVALID_SOURCE,  "IPv4: martian source")                                  \
    X(IP_INVALID_DEST,    "IPv4: martian destination")                             \
    X(IP_NOT_FOR_US,      "IPv4: not addressed to us")                             \
    X(IP_NOPROTO,         "IPv4: no handler for the protocol")                     \
    X(IP_NOROUTE,         "IPv4: no route")                                        \
    X(IP_FRAG_BAD,        "IPv4 fragment: bad length or offset")                   \
    X(IP_FRAG_DUP,        "IPv4 fragment: exact duplicate")                        \
    X(IP_FRAG_OVERLAP,    "IPv4 fragments overlap: datagram dropped")              \
    X(IP_FRAG_TOO_BIG,    "IPv4 fragments: datagram beyond 65535 bytes")           \
    X(IP_FRAG_MEMLIMIT,   "IPv4 reassembly memory cap")                            \
    X(IP_FRAG_TIMEOUT,    "IPv4 reassembly timeout")                               \
    X(IP_FRAG_NEEDED,     "IPv4: DF set but larger than the MTU")                  \
    /* ICMP (net/icmp.c) */                                                        \
    X(ICMP_CSUM,          "ICMP: bad checksum")                                    \
    X(ICMP_TRUNCATED,     "ICMP: message or inner header truncated")               \
    X(ICMP_BCAST,         "ICMP: to a broadcast/multicast address, ignored")       \
    X(ICMP_UNHANDLED,     "ICMP: type not handled")                                \
    X(ICMP_RATELIMIT,     "ICMP: error suppressed by rate limit")          \
    /* TCP core (net/tcp_*.c); the extensions add theirs below */                 \
    X(TCP_CSUM,           "TCP: bad checksum")                                     \
    X(TCP_HDR,            "TCP: truncated header or bad data offset")             \
    X(TCP_OPTIONS,        "TCP: malformed options")                                \
    X(TCP_NOT_UNICAST,    "TCP: to a broadcast or multicast address")              \
    X(TCP_NO_SOCKET,      "TCP: no socket (RST sent unless it was one)")          \
    X(TCP_FLAGS,          "TCP: invalid flag combination")                         \
    X(TCP_INVALID_SEQUENCE, "TCP: not acceptable (outside the receive window)")    \
    X(TCP_RESET,          "TCP: RST ignored (out of window or in LISTEN)")        \
    X(TCP_RST_CHALLENGE,  "TCP: inexact RST, challenge ACK (RFC 5961 3.2)")       \
    X(TCP_SYN_CHALLENGE,  "TCP: SYN when synchronized, challenge ACK (RFC 5961 4)") \
    X(TCP_NO_ACK,         "TCP: no ACK flag when synchronized")                    \
    X(TCP_ACK_UNSENT_DATA, "TCP: ACK for data never sent")                         \
    X(TCP_TOO_OLD_ACK,    "TCP: ACK too old (RFC 5961 5.2)")                       \
    X(TCP_SYNSENT_BAD_ACK, "TCP: SYN-SENT: unacceptable ACK (RST sent)")           \
    X(TCP_LISTEN_OVERFLOW, "TCP: accept queue full")                               \
    X(TCP_REQ_BAD,        "TCP: bad segment for a half-open connection")          \
    X(TCP_ZEROWINDOW,     "TCP: data into a zero window")                          \
    X(TCP_DATA_AFTER_FIN, "TCP: data after the peer's FIN")                        \
    X(TCP_ABORT_ON_DATA,  "TCP: data for a closed socket (RST sent)")             \
    X(TCP_RCVBUF,         "TCP: receive buffer overrun")                         \
    /* TCP extensions (net/tcp_options.c, net/tcp_ofo.c) */                        \
    X(TCP_RFC7323_PAWS,   "TCP: PAWS, timestamp older than TS.Recent")             \
    X(TCP_OFOMERGE,       "TCP: out-of-order data already held")                   \
    X(TCP_OFO_QUEUE_PRUNE, "TCP: out-of-order segment pruned for a lower one")     \
    X(TCP_OFO_MEMLIMIT,   "TCP: out-of-order queue memory cap")                    \
    X(TCP_OFO_CLOSE,      "TCP: out-of-order data discarded at close or reset")   \
    /* UDP and datagram sockets (net/udp.c, net/ping.c, net/raw.c) */               \
    X(UDP_BADLEN,         "UDP: length field < 8 or beyond the IP payload")        \
    X(UDP_CSUM,           "UDP: bad checksum")                                     \
    X(NO_SOCKET,          "no socket for the port (or echo identifier)")           \
    X(SOCKET_RCVBUFF,     "socket receive buffer full")

enum skb_drop_reason {
#define SKB_DROP_ENUM(name, text) SKB_DROP_REASON_##name,
    SKB_DROP_REASONS(SKB_DROP_ENUM)
#undef SKB_DROP_ENUM
    SKB_DROP_REASON_MAX
};

/* Drops per reason since boot, all devices together (owned by net/skbuff.c). */
extern u64 skb_drop_counts[SKB_DROP_REASON_MAX];
/* Human-readable name ("IPv4: bad header checksum"); "?" when out of range. */
const char *skb_drop_reason_name(enum skb_drop_reason reason);

#endif
