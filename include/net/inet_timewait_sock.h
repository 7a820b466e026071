/*
 * TIME-WAIT stand-ins (Linux's include/net/inet_timewait_sock.h, reduced).
 * When a connection enters TIME-WAIT (RFC 9293 §3.4.2: 2*MSL) its whole
 * tcp_sock is released and this record takes its place: the 4-tuple, the
 * bind-table facts that port conflicts need, and the 2*MSL timer.  TCP's
 * part (sequence numbers, window, timestamps) is struct tcp_timewait_sock
 * in <net/tcp_sock.h>.
 * Owners: net/tcp_minisocks.c (slab cache "tcp_timewait", creation, the
 * timer, freeing), net/tcp_ipv4.c (the established hash's TIME-WAIT chains),
 * net/inet_hashtables.c (the bind table's TIME-WAIT chains, conflicts).
 * Byte order: addresses and ports network order, tw_num host order.
 */
#ifndef NET_INET_TIMEWAIT_SOCK_H
#define NET_INET_TIMEWAIT_SOCK_H

#include <kernel/list.h>
#include <kernel/timer.h>
#include <net/byteorder.h>

struct inet_timewait_sock {
    struct list_head tw_node;       /* established hash: TIME-WAIT chain of its 4-tuple's bucket */
    struct list_head tw_bind_node;  /* bind table: TIME-WAIT chain of tw_num's bucket */
    __be32_t tw_rcv_saddr;          /* local address (also the source of our ACKs) */
    __be32_t tw_daddr;
    __be16_t tw_sport, tw_dport;
    u16 tw_num;                     /* local port, host order */
    u8 tw_substate;                 /* TCP_TIME_WAIT (Linux also keeps FIN_WAIT2 here; we do not) */
    u8 tw_reuse : 1,                /* the sock had SO_REUSEADDR */
       tw_reuseport : 1,            /* ... SO_REUSEPORT */
       tw_bound : 1;                /* its port came from bind() or a listener, not connect() */
    u8 tw_tos;                      /* IP TOS and TTL our ACKs carry (the sock's) */
    u8 tw_ttl;
    int tw_bound_dev_if;
    struct timer_list tw_timer;     /* 2*MSL, restarted by the rules of §3.10.7.4; frees it */
};

#endif
