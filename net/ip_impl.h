/*
 * Shared inside IPv4 (ipv4_input.c, ipv4_output.c, ip_frag.c, icmp.c); not
 * for other layers, which use <net/ip.h>.
 */
#ifndef NET_IP_IMPL_H
#define NET_IP_IMPL_H

#include <net/ip.h>

#define IPFRAG_TIMEOUT_NS   (30ULL * 1000 * 1000 * 1000)   /* RFC 791 suggests 15 s; Linux 30 s */
#define IPFRAG_DGRAM_MEM    (192u * 1024)   /* bytes (truesize) one datagram may hold */
#define IPFRAG_MEM_MAX      (1024u * 1024)  /* bytes all reassembly queues may hold */

/*
 * Add a fragment (data at its IP header, network header set, IPCB filled)
 * to its datagram.  Consumes skb; returns the reassembled datagram in a new
 * skb (same contract, frag fields cleared) when this fragment completed it,
 * else NULL.
 */
struct sk_buff *ip_defrag(struct sk_buff *skb);
/* Drop every datagram holding a fragment that arrived on dev (it is going away). */
void ip_frag_flush_dev(struct net_device *dev);
/* Bytes and datagrams held by reassembly (tests, stats). */
unsigned ip_frag_mem(void);
unsigned ip_frag_queues(void);

/* Register the ARP error hook (ipv4_output.c). */
void ip_output_init(void);
/* Release what IPv4 holds of a leaving device (devinet.c); ip_init() calls it. */
void devinet_init(void);
/* Register ICMP with IPv4 (icmp.c); ip_init() calls it. */
void icmp_init(void);

#endif
