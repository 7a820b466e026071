/*
 * Initial sequence numbers, RFC 6528 §3: ISN = M + F(localip, localport,
 * remoteip, remoteport, secretkey), M a 4 µs clock (RFC 9293 §3.4.1's
 * timer), F the stack's keyed 4-tuple hash inet_secure_hash() (ChaCha20
 * keyed with a boot secret from get_random_bytes(), net/inet_hashtables.c;
 * Linux uses SipHash), in a domain of its own so ISNs share nothing with
 * port choice or SYN cookies.  Below: that hash and the clock.  Above:
 * net/tcp_ipv4.c (connect() and SYN-ACKs).
 */
#include <kernel/time.h>
#include <net/inet_sock.h>
#include <net/tcp_ext.h>
#include "tcp_impl.h"

#define ISN_TICK_NS 4000        /* M ticks every 4 µs */

u32 tcp_isn_at(__be32_t saddr, __be32_t daddr, __be16_t sport, __be16_t dport, u64 now_ns)
{
    return inet_secure_hash(TCP_HASH_DOMAIN_ISN, saddr, daddr, sport, dport) +
           (u32)(now_ns / ISN_TICK_NS);
}

u32 secure_tcp_seq(__be32_t saddr, __be32_t daddr, __be16_t sport, __be16_t dport)
{
    return tcp_isn_at(saddr, daddr, sport, dport, ktime_get_ns());
}
