/*
 * The BSD socket layer (Linux's include/linux/net.h + socket.h, reduced):
 * the socket ABI constants and structures an app passes (Linux x86-64
 * values), the kernel's view of a message (struct msghdr with an iov_iter
 * over the app's iovecs), struct socket (what an fd's file points to) and
 * proto_ops (the family's operations on it).  net/socket.c owns the
 * syscalls and the file glue; net/iov_iter.c the copy helpers.
 * Addresses and ports in sockaddr_in are network byte order, as on the wire.
 */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <kernel/file.h>
#include <kernel/types.h>

/* Address families and socket types (<bits/socket.h>). */
#define AF_UNSPEC       0
#define AF_INET         2
#define AF_INET6        10
#define AF_MAX          46
#define SOCK_STREAM     1
#define SOCK_DGRAM      2
#define SOCK_RAW        3
#define SOCK_SEQPACKET  5
#define SOCK_MAX        11
#define SOCK_TYPE_MASK  0xf
#define SOCK_NONBLOCK   O_NONBLOCK
#define SOCK_CLOEXEC    O_CLOEXEC

/* Option levels and SOL_SOCKET options (asm-generic/socket.h, x86-64). */
#define SOL_SOCKET      1
#define SOL_IP          0
#define SO_DEBUG        1
#define SO_REUSEADDR    2
#define SO_TYPE         3
#define SO_ERROR        4
#define SO_DONTROUTE    5
#define SO_BROADCAST    6
#define SO_SNDBUF       7
#define SO_RCVBUF       8
#define SO_KEEPALIVE    9
#define SO_OOBINLINE    10
#define SO_NO_CHECK     11
#define SO_PRIORITY     12
#define SO_LINGER       13
#define SO_REUSEPORT    15
#define SO_RCVLOWAT     18
#define SO_SNDLOWAT     19
#define SO_RCVTIMEO_OLD 20      /* struct timeval (64-bit time_t on x86-64) */
#define SO_SNDTIMEO_OLD 21
#define SO_BINDTODEVICE 25
#define SO_ACCEPTCONN   30
#define SO_SNDBUFFORCE  32
#define SO_RCVBUFFORCE  33
#define SO_PROTOCOL     38
#define SO_DOMAIN       39
#define SO_RCVTIMEO_NEW 66      /* struct __kernel_sock_timeval: same layout here */
#define SO_SNDTIMEO_NEW 67

/* SOL_IP options (<linux/in.h>). */
#define IP_TOS          1
#define IP_TTL          2
#define IP_HDRINCL      3
#define IP_PKTINFO      8
#define IP_RECVERR      11

/* send/recv flags (<bits/socket.h>). */
#define MSG_OOB         0x1
#define MSG_PEEK        0x2
#define MSG_DONTROUTE   0x4
#define MSG_CTRUNC      0x8
#define MSG_TRUNC       0x20
#define MSG_DONTWAIT    0x40
#define MSG_EOR         0x80
#define MSG_WAITALL     0x100
#define MSG_CONFIRM     0x800
#define MSG_ERRQUEUE    0x2000
#define MSG_NOSIGNAL    0x4000
#define MSG_MORE        0x8000
#define MSG_WAITFORONE  0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

/* shutdown(2) how; sk_shutdown bits are how + 1 as in Linux. */
#define SHUT_RD         0
#define SHUT_WR         1
#define SHUT_RDWR       2

#define INADDR_ANY      0u
#define INADDR_BROADCAST 0xffffffffu

/* struct sockaddr_in: sin_port and sin_addr network byte order. */
struct sockaddr_in {
    u16 sin_family;             /* AF_INET, host order */
    __be16_t sin_port;
    __be32_t sin_addr;
    u8 sin_zero[8];
};
_Static_assert(sizeof(struct sockaddr_in) == 16, "sockaddr_in");

/* Big enough for any address we take (Linux's sockaddr_storage is 128). */
#define SOCKADDR_MAX    128

/* Control message header (x86-64 <bits/socket.h>: size_t len, int level, int type). */
struct cmsghdr {
    u64 cmsg_len;               /* bytes, header included */
    int cmsg_level;
    int cmsg_type;
};
#define CMSG_ALIGN(len) (((len) + sizeof(u64) - 1) & ~(sizeof(u64) - 1))
#define CMSG_SPACE(len) (sizeof(struct cmsghdr) + CMSG_ALIGN(len))
#define CMSG_LEN(len)   (sizeof(struct cmsghdr) + (len))

/* IP_PKTINFO payload: arrival ifindex, the local address, the header's destination. */
struct in_pktinfo {
    int ipi_ifindex;
    __be32_t ipi_spec_dst;
    __be32_t ipi_addr;
};

/* The user ABI's struct iovec and struct msghdr / mmsghdr (x86-64 layouts). */
struct user_iov {
    u64 base;                   /* user address */
    u64 len;                    /* bytes */
};
struct user_msghdr {
    u64 msg_name;               /* user address of a sockaddr, or 0 */
    u32 msg_namelen;
    u32 pad0;
    u64 msg_iov;                /* user address of struct iovec[msg_iovlen] */
    u64 msg_iovlen;
    u64 msg_control;            /* user address of cmsg buffer, or 0 */
    u64 msg_controllen;
    u32 msg_flags;
    u32 pad1;
};
_Static_assert(sizeof(struct user_msghdr) == 56, "msghdr");
struct user_mmsghdr {
    struct user_msghdr msg_hdr;
    u32 msg_len;                /* bytes sent/received for this message */
    u32 pad;
};
_Static_assert(sizeof(struct user_mmsghdr) == 64, "mmsghdr");

/*
 * A cursor over the segments of a message (Linux's iov_iter).  Segments are
 * user memory (ITER_USER: every copy goes through copy_{to,from}_user and can
 * fail with -EFAULT) or kernel memory (ITER_KVEC: kernel senders such as
 * DHCP).  The segment array itself is kernel memory, owned by whoever built
 * the iterator.  count is the bytes left; copies advance the cursor.
 */
enum iter_kind { ITER_USER, ITER_KVEC };
struct iov_iter {
    enum iter_kind kind;
    const struct user_iov *iov; /* base is a user or (ITER_KVEC) kernel address */
    unsigned long nr_segs;
    size_t iov_offset;          /* bytes consumed of iov[0] */
    size_t count;               /* bytes left in the whole iterator */
};

/* Point i at nr_segs segments; count is their sum (capped by the importer). */
void iov_iter_init(struct iov_iter *i, enum iter_kind kind, const struct user_iov *iov,
                   unsigned long nr_segs, size_t count);
/*
 * Copy n bytes (n <= i->count) to/from the iterator and advance it.  0, or
 * -EFAULT when a user segment is unmapped (the cursor then stands after the
 * bytes that were copied).
 */
int copy_to_iter(const void *src, size_t n, struct iov_iter *i);
int copy_from_iter(void *dst, size_t n, struct iov_iter *i);
/* Skip n bytes (n <= i->count). */
void iov_iter_advance(struct iov_iter *i, size_t n);
/*
 * import_iovec() for sockets: copy the user's iovec array into a kmalloc'ed
 * one (*out, the caller kfrees it) and point i at it.  -EMSGSIZE for more
 * than UIO_MAXIOV (1024) segments as Linux's sendmsg gives, -EINVAL for a
 * negative length, -EFAULT for an unreadable array or a segment outside user
 * space.  The total is capped at MAX_RW_COUNT bytes.
 */
int import_user_iovec(u64 uvec, u64 nr_segs, struct user_iov **out, struct iov_iter *i);

/*
 * The kernel's view of one message.  msg_name is a kernel buffer (the
 * socket layer copies the address in before sendmsg and out after recvmsg);
 * msg_control stays a user pointer, written by put_cmsg().
 */
struct msghdr {
    void *msg_name;             /* kernel sockaddr buffer (SOCKADDR_MAX bytes), or NULL */
    int msg_namelen;            /* bytes valid in msg_name */
    struct iov_iter msg_iter;   /* the data */
    u64 msg_control;            /* user address of the cmsg buffer, 0 for none */
    u64 msg_controllen;         /* bytes left there; put_cmsg() consumes it */
    unsigned msg_flags;         /* in: the call's flags; out: MSG_TRUNC, MSG_CTRUNC */
    bool msg_kernel_control;    /* msg_control is a kernel buffer (kernel receivers) */
};

/* Append one control message to msg (Linux put_cmsg): 0, or -EFAULT; a short buffer sets MSG_CTRUNC. */
int put_cmsg(struct msghdr *msg, int level, int type, unsigned len, const void *data);

typedef enum {
    SS_FREE = 0,                /* not allocated */
    SS_UNCONNECTED,             /* unconnected to any socket */
    SS_CONNECTING,              /* in process of connecting */
    SS_CONNECTED,               /* connected to socket */
    SS_DISCONNECTING,           /* in process of disconnecting */
} socket_state;

struct sock;
struct socket;
struct poll_table_struct;

/*
 * What a family does with a socket (Linux's proto_ops).  AF_INET's are in
 * net/af_inet.c and forward to the sock's struct proto.  All return 0 or a
 * negative errno (sendmsg/recvmsg: bytes).  Addresses are kernel copies.
 */
struct proto_ops {
    int family;
    int (*release)(struct socket *sock);
    int (*bind)(struct socket *sock, const void *addr, int addrlen);
    int (*connect)(struct socket *sock, const void *addr, int addrlen, int flags);
    /* newsock is allocated by the caller; flags: O_NONBLOCK of the listener's file. */
    int (*accept)(struct socket *sock, struct socket *newsock, int flags);
    /* Write our (peer=0) or the peer's address into addr; returns its length or -ENOTCONN. */
    int (*getname)(struct socket *sock, void *addr, int peer);
    /* Readiness mask; registers on sk->sk_wq through pt (datagram_poll, later tcp_poll). */
    unsigned (*poll)(struct file *file, struct socket *sock, struct poll_table_struct *pt);
    int (*ioctl)(struct socket *sock, unsigned cmd, unsigned long arg);
    int (*listen)(struct socket *sock, int backlog);
    int (*shutdown)(struct socket *sock, int how);
    /* optval/optlen are user pointers. */
    int (*setsockopt)(struct socket *sock, int level, int optname, u64 optval, unsigned optlen);
    int (*getsockopt)(struct socket *sock, int level, int optname, u64 optval, u64 optlen);
    long (*sendmsg)(struct socket *sock, struct msghdr *msg, size_t len);
    long (*recvmsg)(struct socket *sock, struct msghdr *msg, size_t len, int flags);
};

/*
 * The BSD-level object behind an fd.  Allocated by sock_create(); owned by
 * its file (file->private_data == socket, socket->file == file); released
 * when the file's last reference goes (ops->release, which orphans or frees
 * sk).  A kernel socket (sock_create_kern) has no file.
 */
struct socket {
    socket_state state;
    short type;                 /* SOCK_STREAM, SOCK_DGRAM, SOCK_RAW */
    unsigned long flags;
    struct file *file;          /* back pointer, NULL for kernel sockets */
    struct sock *sk;            /* the protocol's state; NULL once released */
    const struct proto_ops *ops;
};

/*
 * A family registers how to create its socks (net/af_inet.c for AF_INET).
 * create() fills sock->ops and sock->sk; 0, -EPROTONOSUPPORT,
 * -ESOCKTNOSUPPORT, -EPROTOTYPE, -ENOMEM.
 */
struct net_proto_family {
    int family;
    int (*create)(struct socket *sock, int protocol, bool kern);
};
/* 0, or -EEXIST if the family already has one. */
int sock_register(const struct net_proto_family *ops);

/*
 * Create a socket the way socket(2) does, without an fd: 0 and *res, or
 * -EAFNOSUPPORT, -EINVAL (bad type), the family's errors.  kern sockets
 * (DHCP) skip nothing but are marked for the protocol.
 */
int sock_create(int family, int type, int protocol, struct socket **res, bool kern);
/* Release a socket that has no file (kernel sockets, failed syscalls). */
void sock_release(struct socket *sock);
/* The socket behind fd: *fput_needed file reference, or NULL with *err (-EBADF, -ENOTSOCK). */
struct socket *sockfd_lookup(int fd, int *err, struct file **filep);
/* True if f is a socket's file (ENOTSOCK checks by other subsystems). */
bool file_is_socket(const struct file *f);

/*
 * Linux's sock_sendmsg()/sock_recvmsg(): every send and receive of the
 * socket layer goes through these, so the time spent below is accounted to
 * PROF_SOCK (include/kernel/prof.h).  Return what ops->sendmsg/recvmsg
 * return: bytes, or a negative errno.
 */
long sock_sendmsg(struct socket *sock, struct msghdr *msg, size_t len);
long sock_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags);

#endif
