/*
 * struct sock, the protocol-independent half of a socket, and struct proto,
 * a transport's operations on it (Linux's include/net/sock.h, reduced).
 * Owned by net/sock.c: allocation and refcount, receive/send buffer
 * accounting, SOL_SOCKET options, blocking helpers and the default
 * callbacks.  Protocols (UDP, ping, raw, TCP) never call up into the socket
 * layer: they change state, then call sk_data_ready / sk_write_space /
 * sk_state_change / sk_error_report, whose defaults wake sk_wq with an
 * EPOLL* key, which is how blocked threads and poll/epoll hear of it.
 *
 * Concurrency: uniprocessor, non-preemptive; packet input (softirq) never
 * interrupts thread-context kernel code, so syscalls touch a sock with no
 * lock against RX.  A thread blocks only through sk_wait_event().
 */
#ifndef NET_SOCK_H
#define NET_SOCK_H

#include <kernel/list.h>
#include <kernel/wait.h>
#include <net/skbuff.h>
#include <net/socket.h>

/*
 * sk_state values: Linux's TCP states (include/net/tcp_states.h), which
 * datagram sockets use too: TCP_CLOSE unconnected, TCP_ESTABLISHED with a
 * default peer.  RFC 9293 §3.3.2 names them.
 */
enum {
    TCP_ESTABLISHED = 1,
    TCP_SYN_SENT,
    TCP_SYN_RECV,
    TCP_FIN_WAIT1,
    TCP_FIN_WAIT2,
    TCP_TIME_WAIT,
    TCP_CLOSE,
    TCP_CLOSE_WAIT,
    TCP_LAST_ACK,
    TCP_LISTEN,
    TCP_CLOSING,
    TCP_NEW_SYN_RECV,
    TCP_MAX_STATES
};

/* sk_shutdown bits (SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN). */
#define RCV_SHUTDOWN    1
#define SEND_SHUTDOWN   2
#define SHUTDOWN_MASK   3

/* sk_flags bits (Linux enum sock_flags subset); test with sock_flag(). */
enum sock_flags {
    SOCK_DEAD,                  /* orphaned: no socket/file any more, waiting to be freed */
    SOCK_DONE,                  /* peer finished sending (TCP FIN) */
    SOCK_BROADCAST,             /* SO_BROADCAST: may send to broadcast addresses */
    SOCK_KEEPOPEN,              /* SO_KEEPALIVE */
    SOCK_LINGER,                /* SO_LINGER on, sk_lingertime valid */
    SOCK_RCVTSTAMP,
    SOCK_KERN,                  /* a kernel socket (DHCP): no fd */
};

/* sk_userlocks: the app fixed these sizes; autotuning leaves them alone. */
#define SOCK_SNDBUF_LOCK 1
#define SOCK_RCVBUF_LOCK 2
#define SOCK_BINDADDR_LOCK 4        /* bind() gave an address: disconnect keeps it */
#define SOCK_BINDPORT_LOCK 8        /* bind() gave a port: disconnect keeps it */

/*
 * Buffer sizes, bytes of truesize (skb struct + buffer), as Linux's
 * defaults (net.core.{r,w}mem_default/_max = 212992) and SOCK_MIN_*.
 * setsockopt doubles the value it is given and clamps it to [min, max].
 */
#define SYSCTL_RMEM_DEFAULT 212992
#define SYSCTL_WMEM_DEFAULT 212992
#define SYSCTL_RMEM_MAX     212992
#define SYSCTL_WMEM_MAX     212992
#define SOCK_MIN_RCVBUF     2304    /* 2 * (2048 + sizeof(struct sk_buff)) in Linux: we keep its number */
#define SOCK_MIN_SNDBUF     4608

/* A protocol's ioctl hook answers this for commands it leaves to the generic code (Linux's value). */
#define ENOIOCTLCMD     515

struct proto;

struct sock {
    struct proto *sk_prot;          /* the transport (udp_prot, ping_prot, raw_prot, tcp_prot) */
    struct socket *sk_socket;       /* NULL for an orphan (closed fd, TCP finishing) */
    u16 sk_family;                  /* AF_INET */
    u16 sk_type;                    /* SOCK_DGRAM, SOCK_STREAM, SOCK_RAW */
    u8 sk_protocol;                 /* IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_TCP */
    u8 sk_state;                    /* TCP_* above */
    u8 sk_shutdown;                 /* RCV_SHUTDOWN | SEND_SHUTDOWN */
    u8 sk_reuse;                    /* SO_REUSEADDR (Linux SK_CAN_REUSE) */
    u8 sk_reuseport;                /* SO_REUSEPORT */
    u8 sk_userlocks;                /* SOCK_*BUF_LOCK */
    unsigned long sk_flags;         /* bit set of enum sock_flags */
    u32 sk_refcnt;                  /* see sock_hold()/sock_put() */

    struct sk_buff_head sk_receive_queue;   /* datagrams (or in-order TCP data) for the app */
    struct sk_buff_head sk_write_queue;     /* TCP: data not yet acked; unused by datagrams */
    int sk_rcvbuf;                  /* bytes: limit on sk_rmem_alloc */
    int sk_sndbuf;                  /* bytes: limit on sk_wmem_alloc */
    u32 sk_rmem_alloc;              /* bytes (truesize) of skbs charged to receive */
    u32 sk_wmem_alloc;              /* bytes (truesize) of skbs in flight from us (freed at TX completion) */
    u32 sk_drops;                   /* datagrams dropped for want of receive space */
    int sk_rcvlowat;                /* bytes: SO_RCVLOWAT, >= 1 */
    u64 sk_rcvtimeo;                /* ns a receive may block; WAIT_FOREVER when unset */
    u64 sk_sndtimeo;                /* ns a send may block; WAIT_FOREVER when unset */
    u64 sk_lingertime;              /* ns, SO_LINGER */
    int sk_err;                     /* pending error, positive errno (SO_ERROR reads and clears it) */
    int sk_err_soft;                /* TCP: last soft error, reported on timeout */
    int sk_bound_dev_if;            /* ifindex the socket is tied to (DHCP), 0 for any */
    u32 sk_priority;                /* SO_PRIORITY, stored only */

    struct list_head sk_node;       /* protocol's lookup hash chain (UDP port chain, TCP ehash) */
    struct list_head sk_bind_node;  /* bind table chain (struct inet_bind_table) */

    /* Thread and poll/epoll waiters; woken with EPOLL* keys by the callbacks below. */
    struct wait_queue_head sk_wq;
    /* Callbacks (softirq or thread context; never block). */
    void (*sk_state_change)(struct sock *sk);       /* sk_state changed: wake everyone */
    void (*sk_data_ready)(struct sock *sk);         /* data queued: EPOLLIN */
    void (*sk_write_space)(struct sock *sk);        /* send space freed: EPOLLOUT */
    void (*sk_error_report)(struct sock *sk);       /* sk_err set: EPOLLERR */
    void (*sk_destruct)(struct sock *sk);           /* last reference gone, before the free */
    void *sk_user_data;             /* owner's context for kernel sockets (DHCP) */
};

/*
 * A transport's operations (Linux's struct proto).  Hooks are optional
 * unless noted; proto_ops in net/af_inet.c call them and supply Linux's
 * errno for a missing one (EOPNOTSUPP).  Addresses are kernel copies;
 * optval/optlen user pointers.  All return 0 or a negative errno;
 * sendmsg/recvmsg return bytes.  (poll lives in proto_ops, as in Linux.)
 */
struct proto {
    const char *name;               /* "UDP", "PING", "RAW", "TCP" */
    size_t obj_size;                /* bytes of the protocol's sock (udp_sock, tcp_sock ...) */
    void (*close)(struct sock *sk, u64 timeout_ns);             /* the fd went away; required */
    int (*connect)(struct sock *sk, const void *addr, int addrlen);
    int (*disconnect)(struct sock *sk, int flags);              /* connect(AF_UNSPEC) */
    struct sock *(*accept)(struct sock *sk, int flags, int *err);
    int (*ioctl)(struct sock *sk, unsigned cmd, unsigned long arg);
    int (*init)(struct sock *sk);                               /* after sock_init_data */
    void (*destroy)(struct sock *sk);                           /* free protocol state */
    void (*shutdown)(struct sock *sk, int how);                 /* how: SHUT_* + 1 bits */
    int (*setsockopt)(struct sock *sk, int level, int optname, u64 optval, unsigned optlen);
    int (*getsockopt)(struct sock *sk, int level, int optname, u64 optval, u64 optlen);
    long (*sendmsg)(struct sock *sk, struct msghdr *msg, size_t len);
    /* *addr_len: bytes written to msg->msg_name.  flags: MSG_PEEK, MSG_DONTWAIT, MSG_TRUNC. */
    long (*recvmsg)(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *addr_len);
    int (*bind)(struct sock *sk, const void *addr, int addrlen);
    int (*backlog_rcv)(struct sock *sk, struct sk_buff *skb);
    int (*hash)(struct sock *sk);                               /* enter the lookup table */
    void (*unhash)(struct sock *sk);
    /* Take local port snum (host order; 0: pick an ephemeral one) in the bind table. */
    int (*get_port)(struct sock *sk, u16 snum);
    /* SO_KEEPALIVE changed on a live sock: start or stop the protocol's timer (Linux's keepalive). */
    void (*keepalive)(struct sock *sk, bool on);
};

static inline bool sock_flag(const struct sock *sk, enum sock_flags f) { return sk->sk_flags & (1UL << f); }
static inline void sock_set_flag(struct sock *sk, enum sock_flags f) { sk->sk_flags |= 1UL << f; }
static inline void sock_reset_flag(struct sock *sk, enum sock_flags f) { sk->sk_flags &= ~(1UL << f); }
static inline void sock_valbool_flag(struct sock *sk, enum sock_flags f, bool on)
{
    if (on)
        sock_set_flag(sk, f);
    else
        sock_reset_flag(sk, f);
}

/*
 * Allocate prot->obj_size zeroed bytes as a sock of `family` with one
 * reference (the caller's), defaults from sock_init_data().  NULL when out
 * of memory.  Freed by the last sock_put().
 */
struct sock *sk_alloc(int family, struct proto *prot);
/* Defaults (Linux sock_init_data): buffers, timeouts forever, TCP_CLOSE, default callbacks; link sock<->sk. */
void sock_init_data(struct socket *sock, struct sock *sk);
static inline void sock_hold(struct sock *sk) { sk->sk_refcnt++; }
/* Drop a reference; the last one purges the queues, runs sk_destruct, prot->destroy and frees. */
void sock_put(struct sock *sk);
/* Detach sk from its socket (close): SOCK_DEAD, sk_socket NULL, waiters woken. */
void sock_orphan(struct sock *sk);

/* Bytes of receive space left (may be negative when over, as after SO_RCVBUF shrinks). */
static inline int sk_rmem_left(const struct sock *sk) { return sk->sk_rcvbuf - (int)sk->sk_rmem_alloc; }
/* True if the app may queue another datagram for sending (Linux sock_writeable: half the buffer). */
static inline bool sock_writeable(const struct sock *sk) { return sk->sk_wmem_alloc < (u32)sk->sk_sndbuf / 2; }

/*
 * Queue skb on sk_receive_queue charged to sk_rmem_alloc, then
 * sk_data_ready.  Refused with -ENOMEM (and sk_drops bumped) when the
 * receive buffer is already full: the caller frees skb with its drop reason.
 * skb->sk and destructor are set so that freeing it uncharges.
 */
int sock_queue_rcv_skb(struct sock *sk, struct sk_buff *skb);
/* Charge skb (truesize) to sk's receive memory / uncharge on free. */
void skb_set_owner_r(struct sk_buff *skb, struct sock *sk);
/* Charge skb to sk's send memory; its free returns the space and calls sk_write_space. */
void skb_set_owner_w(struct sk_buff *skb, struct sock *sk);

/*
 * Allocate an skb of `size` bytes charged to sk's send buffer, waiting up
 * to the send timeout (0 when nonblock) while the buffer is full.  NULL
 * with *err = -EAGAIN (time ran out), -EPIPE (shut down for sending),
 * -ENOMEM, or a pending sk_err.
 */
struct sk_buff *sock_alloc_send_skb(struct sock *sk, unsigned size, bool nonblock, int *err);

/*
 * The next datagram, waiting up to the receive timeout (0 when
 * MSG_DONTWAIT or nonblock): the skb (dequeued, or with MSG_PEEK a new
 * reference left on the queue), or NULL with *err = -EAGAIN, a pending
 * sk_err (cleared), or 0 after shutdown(SHUT_RD) (end of file).
 */
struct sk_buff *skb_recv_datagram(struct sock *sk, unsigned flags, bool nonblock, int *err);

/* Timeouts for one call: 0 when non-blocking, else sk_rcvtimeo / sk_sndtimeo (ns). */
static inline u64 sock_rcvtimeo(const struct sock *sk, bool nonblock) { return nonblock ? 0 : sk->sk_rcvtimeo; }
static inline u64 sock_sndtimeo(const struct sock *sk, bool nonblock) { return nonblock ? 0 : sk->sk_sndtimeo; }

/*
 * Block the current thread on sk->sk_wq until cond or *timeo_ns runs out;
 * *timeo_ns is left with the time remaining.  True if cond held.  The one
 * blocking helper every protocol uses: a callback that changes cond wakes
 * sk_wq afterwards, and the condition is re-checked after queueing.
 */
#define sk_wait_event(sk, timeo_ns, cond)                                   \
    ({                                                                      \
        u64 __r = wait_event_timeout(&(sk)->sk_wq, (cond), *(timeo_ns));    \
        *(timeo_ns) = __r ? (*(timeo_ns) == WAIT_FOREVER ? WAIT_FOREVER : __r) : 0; \
        __r != 0;                                                           \
    })

/* Take and clear the pending error: 0 or -errno (Linux sock_error). */
static inline int sock_error(struct sock *sk)
{
    int err = sk->sk_err;

    sk->sk_err = 0;
    return -err;
}

/* Report err (positive errno) asynchronously: sk_err = err, then sk_error_report. */
void sk_set_err(struct sock *sk, int err);

/* SOL_SOCKET options common to every protocol (sock_setsockopt/sock_getsockopt). */
int sock_setsockopt(struct sock *sk, int optname, u64 optval, unsigned optlen);
int sock_getsockopt(struct sock *sk, int optname, u64 optval, u64 optlen);
/* Helpers for protocols' own options: read an int option value (Linux copies min(optlen, 4) bytes). */
int sockopt_get_int(u64 optval, unsigned optlen, int *val);
/* Write an int option value back (getsockopt): 0, -EFAULT, -EINVAL for a negative length. */
int sockopt_put_int(u64 optval, u64 optlen, int val);

/* poll for datagram sockets (Linux datagram_poll): EPOLLIN/OUT/ERR/HUP/RDHUP. */
unsigned datagram_poll(struct file *file, struct socket *sock, struct poll_table_struct *pt);

/* Default callbacks (installed by sock_init_data; protocols or kernel users may replace them). */
void sock_def_readable(struct sock *sk);
void sock_def_write_space(struct sock *sk);
void sock_def_wakeup(struct sock *sk);
void sock_def_error_report(struct sock *sk);

/*
 * A private copy of skb (Linux skb_copy): same headroom, data, header
 * offsets, cb, dev, pkt_type and tstamp; no owner.  NULL when out of memory.
 * For delivering one datagram to several socks (broadcast, raw).
 */
struct sk_buff *skb_copy(const struct sk_buff *skb);

/* Socks allocated and not yet freed (leak checks in tests). */
unsigned sock_count(void);

#endif
