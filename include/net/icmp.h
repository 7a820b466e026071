/*
 * ICMP (RFC 792) for the layers that must report errors: IPv4 itself
 * (protocol unreachable, reassembly timeout), UDP (port unreachable), later
 * TCP.  net/icmp.c.
 */
#ifndef NET_ICMP_H
#define NET_ICMP_H

#include <net/skbuff.h>
#include <net/wire/icmp.h>

#define ICMP_RATE_PER_SEC   1000    /* errors per second, token bucket (Linux icmp_msgs_per_sec) */
#define ICMP_RATE_BURST     50      /* bucket depth (Linux icmp_msgs_burst) */
#define ICMP_ERR_MAX_LEN    576     /* bytes: an error never exceeds the minimum MTU (RFC 1812 §4.3.2.3) */

/*
 * Send an ICMP error of `type`/`code` about the received datagram skb_in
 * (network header set, IPCB valid).  `info` (host order) is the next-hop MTU
 * for FRAG_NEEDED, else 0.  Does not consume skb_in.  Silently sends nothing
 * when RFC 1122 §3.2.2 forbids it: skb_in was a link or IP broadcast or
 * multicast, a non-first fragment, from a martian source, or itself an ICMP
 * error; or when the rate limit says no (counted as ICMP_RATELIMIT).
 */
void icmp_send(struct sk_buff *skb_in, u8 type, u8 code, u32 info);

struct icmp_err;
/*
 * ICMP sockets (net/ping.c) register here, so icmp.c never includes them:
 * echo_reply gets each echo reply for us (data at the ICMP header; consumes
 * skb); err gets each ICMP error quoting an ICMP message we sent (the
 * net_protocol err_handler contract).
 */
struct icmp_sock_hooks {
    void (*echo_reply)(struct sk_buff *skb);
    void (*err)(struct sk_buff *skb, const struct icmp_err *err);
};
void icmp_register_sock_hooks(const struct icmp_sock_hooks *hooks);

#endif
