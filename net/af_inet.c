/*
 * AF_INET (Linux net/ipv4/af_inet.c, reduced): socket(AF_INET, ...)
 * creation through the table of registered protocols (inet_protosw), and
 * the proto_ops that forward each socket call to the sock's struct proto
 * with Linux's checks and errnos (bind, datagram connect, autobind,
 * getname, shutdown, options by level).  Layer: below net/socket.c (the
 * syscalls), above UDP, ping, raw and later TCP, which register here.
 * Owns the protocol switch table.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <net/inet_sock.h>
#include <net/inetdevice.h>
#include <net/ping.h>
#include <net/tcp.h>
#include <net/udp.h>

#define SIOCINQ     0x541B      /* FIONREAD */
#define SIOCOUTQ    0x5411      /* TIOCOUTQ */

static LIST_HEAD(inetsw);

void inet_register_protosw(struct inet_protosw *p)
{
    list_add_tail(&p->list, &inetsw);
}

/*
 * Linux inet_create's lookup: an exact protocol, or protocol 0 taking the
 * type's default, or a wildcard (IPPROTO_IP) entry such as raw's.  A type
 * nobody serves is ESOCKTNOSUPPORT, a protocol the type lacks EPROTONOSUPPORT.
 */
static struct inet_protosw *inet_lookup_protosw(short type, int *protocol, int *err)
{
    struct inet_protosw *p;

    *err = -ESOCKTNOSUPPORT;
    list_for_each_entry(p, &inetsw, list) {
        if (p->type != type)
            continue;
        *err = -EPROTONOSUPPORT;
        if (*protocol == p->protocol) {
            if (*protocol != IPPROTO_IP)
                return p;
        } else if (*protocol == IPPROTO_IP) {
            *protocol = p->protocol;
            return p;
        } else if (p->protocol == IPPROTO_IP) {
            return p;
        }
    }
    return NULL;
}

static int inet_create(struct socket *sock, int protocol, bool kern)
{
    struct inet_protosw *answer;
    struct sock *sk;
    int err;

    if (protocol < 0 || protocol >= IPPROTO_MAX)
        return -EINVAL;
    answer = inet_lookup_protosw(sock->type, &protocol, &err);
    if (!answer)
        return err;
    sk = sk_alloc(AF_INET, answer->prot);
    if (!sk)
        return -ENOMEM;
    sock->ops = answer->ops;
    sock->state = SS_UNCONNECTED;
    sock_init_data(sock, sk);
    sk->sk_protocol = (u8)protocol;
    inet_sk(sk)->uc_ttl = -1;
    if (kern)
        sock_set_flag(sk, SOCK_KERN);
    if (sock->type == SOCK_RAW)
        inet_sk(sk)->inet_num = (u16)protocol;   /* raw socks are "bound" to their protocol */
    err = sk->sk_prot->init ? sk->sk_prot->init(sk) : 0;
    if (!err && inet_sk(sk)->inet_num && sk->sk_prot->hash)
        err = sk->sk_prot->hash(sk);
    if (err) {
        sock->sk = NULL;
        sk->sk_socket = NULL;
        sock_put(sk);
    }
    return err;
}

int inet_release(struct socket *sock)
{
    struct sock *sk = sock->sk;

    if (!sk)
        return 0;
    sock->sk = NULL;
    sk->sk_prot->close(sk, sock_flag(sk, SOCK_LINGER) ? sk->sk_lingertime : 0);
    return 0;
}

/* Linux __inet_bind. */
int inet_bind(struct socket *sock, const void *addr, int addrlen)
{
    struct sock *sk = sock->sk;
    struct inet_sock *inet = inet_sk(sk);
    struct sockaddr_in sin;
    enum rtn_type type;
    u16 snum;

    if (sk->sk_prot->bind)
        return sk->sk_prot->bind(sk, addr, addrlen);
    if (addrlen < (int)sizeof(sin))
        return -EINVAL;
    memcpy(&sin, addr, sizeof(sin));
    if (sin.sin_family != AF_INET && (sin.sin_family != AF_UNSPEC || sin.sin_addr != INADDR_ANY))
        return -EAFNOSUPPORT;
    type = inet_addr_type(NULL, sin.sin_addr);
    if (sin.sin_addr != INADDR_ANY && type == RTN_UNICAST)
        return -EADDRNOTAVAIL;
    snum = ntohs(sin.sin_port);
    if (sk->sk_state != TCP_CLOSE || inet->inet_num)
        return -EINVAL;
    inet->inet_rcv_saddr = inet->inet_saddr = sin.sin_addr;
    if (type == RTN_BROADCAST || type == RTN_MULTICAST)
        inet->inet_saddr = 0;       /* send from the route's address */
    if (sk->sk_prot->get_port(sk, snum)) {
        inet->inet_saddr = inet->inet_rcv_saddr = 0;
        return -EADDRINUSE;
    }
    if (inet->inet_rcv_saddr)
        sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
    if (snum)
        sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
    inet->inet_daddr = 0;
    inet->inet_dport = 0;
    return 0;
}

/* Linux inet_autobind / inet_send_prepare: an unbound datagram sock takes an ephemeral port. */
static int inet_autobind(struct sock *sk)
{
    if (inet_sk(sk)->inet_num || !sk->sk_prot->get_port)
        return 0;
    return sk->sk_prot->get_port(sk, 0) ? -EAGAIN : 0;
}

/* Linux inet_dgram_connect: AF_UNSPEC dissolves, else autobind then the protocol's connect. */
static int inet_dgram_connect(struct socket *sock, const void *addr, int addrlen, int flags)
{
    struct sock *sk = sock->sk;
    u16 family;

    if (addrlen < (int)sizeof(family))
        return -EINVAL;
    memcpy(&family, addr, sizeof(family));
    if (family == AF_UNSPEC)
        return sk->sk_prot->disconnect ? sk->sk_prot->disconnect(sk, flags) : -EOPNOTSUPP;
    if (inet_autobind(sk))
        return -EAGAIN;
    return sk->sk_prot->connect ? sk->sk_prot->connect(sk, addr, addrlen) : -EOPNOTSUPP;
}

int inet_getname(struct socket *sock, void *addr, int peer)
{
    struct sock *sk = sock->sk;
    struct inet_sock *inet = inet_sk(sk);

    if (peer) {
        if (!inet->inet_dport || (peer == 1 && (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_SYN_SENT)))
            return -ENOTCONN;
        return inet_fill_sockaddr(addr, inet->inet_daddr, inet->inet_dport);
    }
    return inet_fill_sockaddr(addr, inet->inet_rcv_saddr ? inet->inet_rcv_saddr : inet->inet_saddr,
                              inet->inet_sport);
}

/* Linux inet_shutdown: an unconnected datagram sock still records it (and answers ENOTCONN). */
int inet_shutdown(struct socket *sock, int how)
{
    struct sock *sk = sock->sk;
    int err = 0;

    how++;
    if ((how & ~SHUTDOWN_MASK) || !how)
        return -EINVAL;
    switch (sk->sk_state) {
    case TCP_LISTEN:
    case TCP_SYN_SENT:
        if (sk->sk_state == TCP_LISTEN && !(how & RCV_SHUTDOWN))
            break;
        err = sk->sk_prot->disconnect ? sk->sk_prot->disconnect(sk, O_NONBLOCK) : 0;
        sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
        break;
    case TCP_CLOSE:
        err = -ENOTCONN;
        /* pollers see EPOLLHUP even on unconnected UDP (Linux) */
        __attribute__((fallthrough));
    default:
        sk->sk_shutdown |= (u8)how;
        if (sk->sk_prot->shutdown)
            sk->sk_prot->shutdown(sk, how);
        break;
    }
    sk->sk_state_change(sk);
    return err;
}

/* FIONREAD: the protocol knows (UDP: first datagram's payload); SIOCOUTQ: bytes in flight. */
int inet_ioctl(struct socket *sock, unsigned cmd, unsigned long arg)
{
    struct sock *sk = sock->sk;

    if (sk->sk_prot->ioctl) {
        int err = sk->sk_prot->ioctl(sk, cmd, arg);

        if (err != -ENOIOCTLCMD)
            return err;
    }
    if (cmd == SIOCOUTQ)
        return put_user((int)sk->sk_wmem_alloc, (int *)arg);
    if (cmd == SIOCINQ) {
        struct sk_buff *skb = skb_queue_empty(&sk->sk_receive_queue) ? NULL :
            list_first_entry(&sk->sk_receive_queue.head, struct sk_buff, list);

        return put_user(skb ? (int)skb->len : 0, (int *)arg);
    }
    return -ENOTTY;
}

int inet_setsockopt(struct socket *sock, int level, int optname, u64 optval, unsigned optlen)
{
    struct sock *sk = sock->sk;

    if (level == SOL_IP)
        return ip_setsockopt(sk, optname, optval, optlen);
    return sk->sk_prot->setsockopt ? sk->sk_prot->setsockopt(sk, level, optname, optval, optlen)
                                   : -ENOPROTOOPT;
}

int inet_getsockopt(struct socket *sock, int level, int optname, u64 optval, u64 optlen)
{
    struct sock *sk = sock->sk;

    if (level == SOL_IP)
        return ip_getsockopt(sk, optname, optval, optlen);
    return sk->sk_prot->getsockopt ? sk->sk_prot->getsockopt(sk, level, optname, optval, optlen)
                                   : -ENOPROTOOPT;
}

long inet_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
    struct sock *sk = sock->sk;

    if (inet_autobind(sk))
        return -EAGAIN;
    return sk->sk_prot->sendmsg(sk, msg, len);
}

long inet_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
    int addr_len = 0;
    long err = sock->sk->sk_prot->recvmsg(sock->sk, msg, len, flags, &addr_len);

    if (err >= 0)
        msg->msg_namelen = addr_len;
    return err;
}

static int sock_no_listen(struct socket *sock, int backlog) { return -EOPNOTSUPP; }
static int sock_no_accept(struct socket *sock, struct socket *newsock, int flags) { return -EOPNOTSUPP; }

const struct proto_ops inet_dgram_ops = {
    .family = AF_INET, .release = inet_release, .bind = inet_bind,
    .connect = inet_dgram_connect, .accept = sock_no_accept, .getname = inet_getname,
    .poll = datagram_poll, .ioctl = inet_ioctl, .listen = sock_no_listen,
    .shutdown = inet_shutdown, .setsockopt = inet_setsockopt, .getsockopt = inet_getsockopt,
    .sendmsg = inet_sendmsg, .recvmsg = inet_recvmsg,
};

static const struct net_proto_family inet_family_ops = { .family = AF_INET, .create = inet_create };

int inet_init(void)
{
    int err = sock_register(&inet_family_ops);

    if (err)
        return err;
    udp_init();
    tcp_init();
    tcp_ack_batch_init();
    ping_init();
    raw_init();
    return 0;
}
