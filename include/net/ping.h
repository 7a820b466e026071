/*
 * ICMP sockets for apps: Linux's "ping sockets" (socket(AF_INET,
 * SOCK_DGRAM, IPPROTO_ICMP): the kernel owns the echo identifier, which is
 * the socket's bound "port", and the app sends and receives only the ICMP
 * header and data) in net/ping.c, and raw ICMP sockets (SOCK_RAW,
 * IPPROTO_ICMP: the app builds the ICMP message and reads whole IP
 * datagrams) in net/raw.c.  Both are fed by ICMP input through the hooks
 * below (registered with icmp.c, which never includes this header).
 */
#ifndef NET_PING_H
#define NET_PING_H

#include <net/inet_sock.h>

extern struct proto ping_prot;
extern struct proto raw_prot;

/*
 * An echo reply arrived (data at the ICMP header, network header set):
 * deliver it to the ping socket owning its identifier.  Consumes skb.
 */
void ping_rcv(struct sk_buff *skb);
/* An ICMP error quoting one of our echo requests (net_protocol err_handler shape). */
void ping_err(struct sk_buff *skb, const struct icmp_err *err);
/*
 * Copy an IPv4 datagram (data at the transport header, network header set)
 * to every raw socket of its protocol; does not consume skb.
 */
void raw_local_deliver(struct sk_buff *skb);

/* Register ping and raw sockets with socket(2) and ICMP; inet_init calls them. */
void ping_init(void);
void raw_init(void);

#endif
