/*
 * The scripted TCP peer of the host tests (tests/unit/host/tcp_peer.c):
 * a fixture with a leak check, crafted segments PEER -> OUR injected
 * through the fake eth0, our replies popped back as decoded segments, and
 * the socket calls a test makes as the application.  Addresses host order;
 * the peer's ISN is PISN unless a test says otherwise.
 */
#ifndef HOST_TCP_PEER_H
#define HOST_TCP_PEER_H

#include <net/drop_reason.h>
#include <net/socket.h>
#include <net/tcp.h>

#define OUR  0x0a000002u
#define PEER 0x0a000005u
#define PISN 1000u              /* the peer's ISN */
#define MS   NSEC_PER_MSEC
#define R(x) (skb_drop_counts[SKB_DROP_REASON_##x])

/* The fake eth0 of the current test (set by tcp_peer_setup). */
extern struct net_device *eth0;

/* One segment as the peer saw it on the wire. */
struct seg {
    u8 flags;
    u32 seq, ack;
    u16 win, mss;               /* mss: the MSS option, 0 when absent */
    unsigned len;               /* payload bytes */
    unsigned iplen;             /* the IPv4 total length */
    unsigned nsack;             /* SACK blocks (RFC 2018 §3), host order */
    struct tcp_sack_block sack[4];
    u8 data[1600];
};

/*
 * cmocka setup/teardown: eth0 up with the peer's ARP entry learnt, TX
 * capture empty, tcp_stats zeroed, MSL 30 s; teardown destroys eth0, runs
 * 300 s of timers and asserts no sock and no heap byte is left over.
 */
int tcp_peer_setup(void **state);
int tcp_peer_teardown(void **state);

/* Build a segment PEER:sport -> OUR:dport with a valid checksum into seg; its length. */
unsigned tcp_peer_build(u8 *seg, u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, u16 win,
                        const void *data, unsigned len, const u8 *opt, unsigned olen);
/* Inject a segment PEER:sport -> OUR:dport; opt/olen raw options (multiple of 4). */
int inject_opt(u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, u16 win, const void *data,
               unsigned len, const u8 *opt, unsigned olen);
/* The same with window 65535 and, on a SYN, MSS 1460. */
int inject(u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, const void *data, unsigned len);
/*
 * The same from a peer that negotiates SACK: a SYN also offers
 * SACK-permitted; any other segment carries the n blocks b (n <= 4,
 * absolute sequence numbers), none when n is 0.
 */
int inject_sack(u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, const void *data, unsigned len,
                unsigned n, const struct tcp_sack_block *b);
/* A TCP segment (header included, checksum as given) PEER -> OUR in a valid IPv4 packet. */
int inject_raw(const void *seg, unsigned len);
/* Pop the next transmitted frame as a segment (its checksum asserted); false if none was sent. */
bool pop(struct seg *s);

struct socket *tcp_socket(void);
struct socket *listener(u16 port, int backlog);
long send_k(struct socket *s, const void *buf, size_t len, unsigned flags);
long recv_k(struct socket *s, void *buf, size_t len, int flags);
/* accept() without blocking; NULL when no child is ready. */
struct socket *accept_k(struct socket *l);
/* Passive handshake on port 80 from peer port pport; returns the accepted socket, *iss our ISN. */
struct socket *passive_open(struct socket *l, u16 pport, u32 *iss);
/* The same with SACK-permitted on the SYN (inject_sack); SACK is asserted negotiated. */
struct socket *passive_open_sack(struct socket *l, u16 pport, u32 *iss);
/* Our connect() to PEER:5000; returns the socket after the SYN went out, *iss our ISN. */
struct socket *active_syn(u32 *iss);
/* The local port of a connected socket. */
u16 lport(struct socket *c);

#endif
