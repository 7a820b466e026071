/*
 * The AF_INET layer of a socket (Linux's include/net/inet_sock.h and
 * inet_hashtables.h, reduced): struct inet_sock, which every IPv4 transport
 * sock embeds first (udp_sock, ping and raw socks, inet_connection_sock ->
 * tcp_sock), the port bind table each transport owns one of, and the
 * AF_INET proto_ops glue in net/af_inet.c.
 * Byte order: every address and port in these structures is network byte
 * order except inet_num (host order), as in Linux.
 */
#ifndef NET_INET_SOCK_H
#define NET_INET_SOCK_H

#include <net/ip.h>
#include <net/sock.h>

/* socket(2)'s "default protocol of the type" (and raw's wildcard entry). */
#define IPPROTO_IP      0

/* inet_sock->cmsg_flags: ancillary data the app asked for. */
#define IP_CMSG_PKTINFO 1

struct inet_sock {
    struct sock sk;             /* must be first: inet_sk() casts */
    __be32_t inet_saddr;        /* source address for sending (0: let the route choose) */
    __be32_t inet_rcv_saddr;    /* bound local address (0: INADDR_ANY) */
    __be32_t inet_daddr;        /* peer address when connected, else 0 */
    __be16_t inet_sport;        /* local port, network order (0 before bind/autobind) */
    __be16_t inet_dport;        /* peer port, network order, when connected */
    u16 inet_num;               /* local port, host order; 0 = not bound (raw: the protocol) */
    s16 uc_ttl;                 /* IP_TTL; -1 means the default (IPDEFTTL, 64) */
    u8 tos;                     /* IP_TOS: the whole TOS byte sent */
    u8 cmsg_flags;              /* IP_CMSG_* */
    bool hdrincl;               /* raw: IP_HDRINCL (the app writes the IP header) */
    bool defer_connect;
    u16 inet_id;                /* TCP: IP ID counter for this connection */
};

static inline struct inet_sock *inet_sk(const struct sock *sk) { return (struct inet_sock *)sk; }

/* TTL a sock sends with (IP_TTL, else IPDEFTTL). */
static inline u8 inet_ttl(const struct inet_sock *inet) { return inet->uc_ttl < 0 ? IPDEFTTL : (u8)inet->uc_ttl; }

/*
 * A port bind table (Linux's inet_bind_hashbucket array + udp_table): who
 * owns each local port.  Each transport has one; socks are chained on
 * sk_bind_node.  bind_conflict() is the transport's rule for two socks on
 * the same port with overlapping addresses (UDP: unless both set
 * SO_REUSEADDR or both SO_REUSEPORT; TCP also refuses a listener).
 */
#define INET_BIND_BUCKETS 256
struct inet_bind_table {
    const char *name;
    struct list_head buckets[INET_BIND_BUCKETS];  /* by inet_num % INET_BIND_BUCKETS */
    bool (*bind_conflict)(const struct sock *sk, const struct sock *sk2);
    unsigned count;             /* bound socks */
    /*
     * TCP only (NULL elsewhere): TIME-WAIT entries holding ports, by
     * tw_num % INET_BIND_BUCKETS, chained on tw_bind_node.  A bind() (or
     * bind(0)) clashes with one unless both had SO_REUSEADDR or both
     * SO_REUSEPORT (Linux inet_bind_conflict); connect()'s ephemeral choice
     * passes over one only on a port bind() holds or for the very 4-tuple
     * it would take, never reused (Linux __inet_hash_connect with
     * tcp_tw_reuse=0, which its default 2 is for anything but loopback).
     */
    struct list_head *tw_buckets;
};

/* RFC 6056 / Linux ip_local_port_range: ephemeral ports, host order, inclusive. */
#define INET_EPHEMERAL_LOW  32768
#define INET_EPHEMERAL_HIGH 60999

void inet_bind_table_init(struct inet_bind_table *t, const char *name,
                          bool (*bind_conflict)(const struct sock *, const struct sock *));
/*
 * Bind sk to local port snum (host order) in t, sk's inet_rcv_saddr and
 * sk_bound_dev_if already set.  snum 0 picks an ephemeral port with RFC
 * 6056 §3.3.3 (Algorithm 3, simple hash-based: a keyed hash of the local and
 * remote address and remote port, from a boot secret, plus a global
 * counter), so successive choices are neither sequential nor reused soon.
 * 0 and inet_num/inet_sport set, or -EADDRINUSE (port taken, or no free
 * ephemeral port: Linux gives EAGAIN for connect's autobind, the caller maps).
 */
int inet_bind_port(struct inet_bind_table *t, struct sock *sk, u16 snum);
/* Leave the bind table (close, disconnect of an autobound TCP sock). */
void inet_unbind_port(struct inet_bind_table *t, struct sock *sk);
struct inet_timewait_sock;
/* A TIME-WAIT entry takes (keeps) its sock's port in t / gives it back. */
void inet_twsk_bind_add(struct inet_bind_table *t, struct inet_timewait_sock *tw);
void inet_twsk_bind_del(struct inet_timewait_sock *tw);
/* The bucket list for port (host order): walk with list_for_each_entry(.., sk_bind_node). */
static inline struct list_head *inet_bind_bucket(struct inet_bind_table *t, u16 port)
{
    return &t->buckets[port % INET_BIND_BUCKETS];
}
/* The default rule for datagram sockets (Linux udp_lib_lport_inuse): see inet_bind_table. */
bool inet_dgram_bind_conflict(const struct sock *sk, const struct sock *sk2);
/*
 * RFC 6056 Algorithm 3's hash F(local, remote, remote port, secret): 32
 * bits of ChaCha20 keyed with a boot secret.  Also for TCP's ISN (RFC 6528)
 * with another domain constant.
 */
u32 inet_secure_hash(u32 domain, __be32_t laddr, __be32_t faddr, __be16_t lport, __be16_t fport);

/*
 * Datagram connect (Linux ip4_datagram_connect): route to the peer, fill
 * inet_saddr (and inet_rcv_saddr when unbound), inet_daddr/dport, TCP_ESTABLISHED.
 * -EAFNOSUPPORT, -EINVAL (short address), -ENETUNREACH, -EACCES (broadcast
 * without SO_BROADCAST).
 */
int ip4_datagram_connect(struct sock *sk, const void *addr, int addrlen);
/* connect(AF_UNSPEC) on a datagram sock: forget the peer (Linux __udp_disconnect). */
int udp_disconnect(struct sock *sk, int flags);

/*
 * Route for a datagram sent from sk to daddr (network order): fills fl
 * (protocol, TTL, TOS, bound device, source) and rt.  -ENETUNREACH, -EINVAL,
 * -EACCES for a broadcast without SO_BROADCAST.
 */
int inet_dgram_route(struct sock *sk, __be32_t daddr, struct flowi4 *fl, struct rtable *rt);

/*
 * Linux icmp_err_convert[].fatal: does this ICMP error end a datagram
 * "connection" (port/protocol unreachable, prohibited, parameter problem)?
 * Soft errors (net/host unreachable, time exceeded) are not reported.
 */
bool ip_icmp_err_fatal(const struct icmp_err *err);

/* Put IP_PKTINFO for a received skb (network header set, IPCB valid) if the sock asked. */
int ip_cmsg_recv(struct msghdr *msg, struct sock *sk, struct sk_buff *skb);
/*
 * recvmsg of the IPv4 datagram protocols (UDP, ping, raw): take the next
 * datagram (waiting per flags and the receive timeout), copy up to len bytes
 * of it from skb->data into msg's iovecs (MSG_TRUNC in msg_flags when cut),
 * fill msg_name with its source address and port (src_port(skb), network
 * order; port 0 when src_port is NULL) and add IP_PKTINFO.  Returns the bytes
 * copied, or the datagram's full length with MSG_TRUNC in flags (Linux), or
 * -EAGAIN (also for MSG_ERRQUEUE: there is no error queue), -EFAULT, a
 * pending socket error, 0 after shutdown.
 */
long ip_recv_datagram(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *addr_len,
                      __be16_t (*src_port)(const struct sk_buff *skb));
/* SOL_IP options of every inet sock (IP_TTL, IP_TOS, IP_PKTINFO, IP_HDRINCL for raw). */
int ip_setsockopt(struct sock *sk, int optname, u64 optval, unsigned optlen);
int ip_getsockopt(struct sock *sk, int optname, u64 optval, u64 optlen);
/* Fill a sockaddr_in (kernel buffer) for msg_name; returns its length (16). */
int inet_fill_sockaddr(void *buf, __be32_t addr, __be16_t port);
/*
 * Check and copy an AF_INET address the app passed: 0 and *sin, -EINVAL
 * (addrlen < 16 or negative), -EAFNOSUPPORT (family not AF_INET; bind also
 * accepts AF_UNSPEC with INADDR_ANY, as Linux).
 */
int inet_addr_from(const void *addr, int addrlen, struct sockaddr_in *sin);

/*
 * A protocol of AF_INET (Linux's inet_protosw): which struct proto and
 * proto_ops serve socket(AF_INET, type, protocol).  protocol 0 matches the
 * type's default (IPPROTO_IP "wildcard" entries as Linux's inetsw).
 */
struct inet_protosw {
    struct list_head list;
    short type;                 /* SOCK_DGRAM, SOCK_STREAM, SOCK_RAW */
    u8 protocol;                /* IPPROTO_* (IPPROTO_IP for raw's wildcard) */
    struct proto *prot;
    const struct proto_ops *ops;
};
/* Register a protocol for socket(2) (TCP adds SOCK_STREAM/IPPROTO_TCP with inet_stream_ops). */
void inet_register_protosw(struct inet_protosw *p);

/* AF_INET proto_ops of datagram-like socks (UDP, ping, raw: raw's inet_num makes autobind a no-op). */
extern const struct proto_ops inet_dgram_ops;

/* Generic AF_INET operations (Linux inet_*), usable in a family's proto_ops. */
int inet_release(struct socket *sock);
int inet_bind(struct socket *sock, const void *addr, int addrlen);
int inet_getname(struct socket *sock, void *addr, int peer);
int inet_shutdown(struct socket *sock, int how);
int inet_ioctl(struct socket *sock, unsigned cmd, unsigned long arg);
int inet_setsockopt(struct socket *sock, int level, int optname, u64 optval, unsigned optlen);
int inet_getsockopt(struct socket *sock, int level, int optname, u64 optval, u64 optlen);
long inet_sendmsg(struct socket *sock, struct msghdr *msg, size_t len);
long inet_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags);

/* Start AF_INET: register the family and UDP, ping and raw sockets (net_init calls it). */
int inet_init(void);

#endif
