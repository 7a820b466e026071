/*
 * What the socket tables of /proc/net/{tcp,udp} and the console's ss-style
 * table (key 's', net/proc_net.c) need from the transports: a walk over
 * every sock each one holds.  The owner of each table implements its walk
 * (Linux's /proc iterators live beside the hashes too: udp4_seq_ops,
 * tcp4_seq_ops), so the tables stay private to their files.
 *
 * Rules for all walks: fn runs in the caller's context (thread or softirq;
 * never from a hard IRQ), must not sleep, allocate socks or change any
 * table; the order is the table's own (Linux prints listeners first, then
 * the established hash).
 */
#ifndef NET_PROC_NET_H
#define NET_PROC_NET_H

#include <net/sock.h>

struct request_sock;
struct inet_timewait_sock;

typedef void (*sock_walk_fn)(struct sock *sk, void *arg);

/* net/udp.c: every UDP sock in the bind table (kernel socks too, e.g. DHCP's). */
void udp_for_each_sock(sock_walk_fn fn, void *arg);
/*
 * net/tcp_ipv4.c: every TCP sock in the listening and established tables,
 * listeners first.  Connections in TIME_WAIT are not socks any more: they
 * have their own walk below.
 */
void tcp_for_each_sock(sock_walk_fn fn, void *arg);
/* net/tcp_ipv4.c: every TIME_WAIT entry (struct tcp_timewait_sock, <net/tcp_sock.h>). */
void tcp_for_each_timewait(void (*fn)(const struct inet_timewait_sock *tw, void *arg), void *arg);
/* net/tcp_ipv4.c: every request sock in the SYN queue (SYN_RECV rows). */
void tcp_for_each_request(void (*fn)(const struct request_sock *req, void *arg), void *arg);

#endif
