/*
 * UDP (RFC 768) for the socket layer and kernel users (DHCP): the UDP sock,
 * the protocol's counters (Linux's UDP MIB, as /proc/net/snmp names them)
 * and the kernel-socket hook.  net/udp.c owns the bind table and counters.
 */
#ifndef NET_UDP_H
#define NET_UDP_H

#include <net/inet_sock.h>
#include <net/wire/udp.h>

struct udp_sock {
    struct inet_sock inet;      /* must be first */
    /*
     * Kernel users (DHCP) may take datagrams before the receive queue
     * (Linux encap_rcv): called in softirq with data at the UDP payload;
     * consumes skb.  NULL for app sockets.
     */
    void (*encap_rcv)(struct sock *sk, struct sk_buff *skb);
};

static inline struct udp_sock *udp_sk(const struct sock *sk) { return (struct udp_sock *)sk; }

/* Linux's UDP MIB (/proc/net/snmp "Udp:" line); since boot. */
struct udp_mib {
    u64 in_datagrams;           /* delivered to a socket */
    u64 no_ports;               /* no socket: port unreachable sent (or would be) */
    u64 in_errors;              /* bad length, checksum, or receive buffer full */
    u64 out_datagrams;          /* handed to IPv4 */
    u64 rcvbuf_errors;          /* dropped: receive buffer full (also in in_errors) */
    u64 sndbuf_errors;
    u64 in_csum_errors;         /* bad checksum (also in in_errors) */
};
extern struct udp_mib udp_stats;

extern struct proto udp_prot;

/* Print the counters (net_stats key 'n' and poweroff). */
void udp_stats_print(void);
/* Register UDP with IPv4 and socket(2); inet_init calls it. */
void udp_init(void);

#endif
