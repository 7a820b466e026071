/*
 * IPv4 for the layers above it (ICMP now; UDP, TCP, raw and ping sockets
 * later).  Upper protocols register a struct net_protocol; ip never includes
 * their headers.  net/ipv4_input.c owns the protocol table; net/ipv4_output.c
 * the output path.  Addresses network byte order; lengths bytes.
 */
#ifndef NET_IP_H
#define NET_IP_H

#include <net/route.h>
#include <net/skbuff.h>
#include <net/wire/ip.h>

/*
 * An ICMP error (from the wire) or a local one (ARP gave up on the next
 * hop), as the err_handler sees it.
 */
struct icmp_err {
    u8 type, code;              /* ICMP_DEST_UNREACH / ICMP_HOST_UNREACH ... */
    u32 info;                   /* next-hop MTU for FRAG_NEEDED, else 0 (host order) */
    int err;                    /* the errno a socket should see: -EHOSTUNREACH, -ECONNREFUSED ... */
    bool local;                 /* raised by our own stack, not received */
};

struct net_protocol {
    /*
     * Deliver a datagram: skb->data at the transport header (network
     * header set, IPCB filled, reassembled if it was fragmented).  Consumes
     * skb; returns 0, or a negative errno for statistics only.
     */
    int (*handler)(struct sk_buff *skb);
    /*
     * An error about a datagram we sent: skb->data at that datagram's IP
     * header, with its full header and at least 8 bytes of its transport
     * header present (RFC 792, RFC 1122 §3.2.2).  Does not consume skb.
     * Optional.
     */
    void (*err_handler)(struct sk_buff *skb, const struct icmp_err *err);
};

/* Register the handler for protocol (IPPROTO_*); 0 or -EBUSY. */
int inet_add_protocol(const struct net_protocol *prot, u8 protocol);
/* The registered protocol, or NULL. */
const struct net_protocol *inet_protocol(u8 protocol);

/*
 * Raw sockets (net/raw.c) register here: fn sees every datagram delivered
 * locally (data at the transport header, network header set) before its
 * protocol does, and must not consume it.
 */
void ip_set_raw_deliver(void (*fn)(struct sk_buff *skb));

/* IPv4's per-packet state in skb->cb, valid from ip_rcv up to the transport. */
struct inet_skb_parm {
    int iif;                    /* arrival ifindex */
    enum rtn_type rt_type;      /* destination: LOCAL, BROADCAST or MULTICAST */
};
#define IPCB(skb) ((struct inet_skb_parm *)(skb)->cb)

static inline struct iphdr *ip_hdr(const struct sk_buff *skb) { return (struct iphdr *)skb_network_header(skb); }

/*
 * Send skb, whose data is the transport header and payload (checksums
 * done), to fl->daddr over rt (from ip_route_output(fl, rt)): pushes the IP
 * header, fragments to the device MTU unless fl->df, resolves the next hop.
 * skb needs MAX_HEADER of headroom.  Consumes skb.  Returns 0 (sent or
 * waiting for ARP; a later failure reaches err_handler with err->local),
 * -EMSGSIZE (df and too big), -ENOBUFS, -ENOMEM, -ENETDOWN.
 */
int ip_local_out(struct sk_buff *skb, const struct flowi4 *fl, const struct rtable *rt);

/* Bring up IPv4 and ICMP (packet_type, ARP error hook, ICMP protocol); called by net_init. */
void ip_init(void);

#endif
