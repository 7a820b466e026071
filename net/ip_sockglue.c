/*
 * The IPv4 part every AF_INET datagram sock shares (Linux ip_sockglue.c and
 * datagram.c): SOL_IP options, IP_PKTINFO control messages, routing a
 * datagram from a sock, datagram connect/disconnect, and sockaddr_in
 * checks.  Layer: between the transports' sendmsg/recvmsg (UDP, ping, raw)
 * and routing (ip_route_output).  Owns nothing.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <net/inet_sock.h>
#include <net/icmp.h>
#include <net/inetdevice.h>

int inet_addr_from(const void *addr, int addrlen, struct sockaddr_in *sin)
{
    if (addrlen < (int)sizeof(*sin))
        return -EINVAL;
    memcpy(sin, addr, sizeof(*sin));
    if (sin->sin_family != AF_INET)
        return -EAFNOSUPPORT;
    return 0;
}

int inet_fill_sockaddr(void *buf, __be32_t addr, __be16_t port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = port, .sin_addr = addr };

    memcpy(buf, &sin, sizeof(sin));
    return sizeof(sin);
}

int inet_dgram_route(struct sock *sk, __be32_t daddr, struct flowi4 *fl, struct rtable *rt)
{
    struct inet_sock *inet = inet_sk(sk);
    int err;

    *fl = (struct flowi4){ .daddr = daddr, .saddr = inet->inet_saddr, .oif = sk->sk_bound_dev_if,
                           .proto = sk->sk_protocol, .tos = inet->tos, .ttl = inet_ttl(inet) };
    err = ip_route_output(fl, rt);
    if (err)
        return err;
    /* Linux: RTCF_BROADCAST routes need SO_BROADCAST (udp_sendmsg, ip4_datagram_connect). */
    if (rt->rt_type == RTN_BROADCAST && !sock_flag(sk, SOCK_BROADCAST))
        return -EACCES;
    return 0;
}

int ip4_datagram_connect(struct sock *sk, const void *addr, int addrlen)
{
    struct inet_sock *inet = inet_sk(sk);
    struct sockaddr_in sin;
    struct flowi4 fl;
    struct rtable rt;
    int err = inet_addr_from(addr, addrlen, &sin);

    if (err)
        return err;
    err = inet_dgram_route(sk, sin.sin_addr, &fl, &rt);
    if (err)
        return err;
    if (!inet->inet_saddr)
        inet->inet_saddr = fl.saddr;
    if (!inet->inet_rcv_saddr)
        inet->inet_rcv_saddr = fl.saddr;
    inet->inet_daddr = sin.sin_addr;
    inet->inet_dport = sin.sin_port;
    sk->sk_state = TCP_ESTABLISHED;
    return 0;
}

int udp_disconnect(struct sock *sk, int flags)
{
    struct inet_sock *inet = inet_sk(sk);

    sk->sk_state = TCP_CLOSE;
    inet->inet_daddr = 0;
    inet->inet_dport = 0;
    if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
        inet->inet_saddr = inet->inet_rcv_saddr = 0;
    if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK) && sk->sk_prot->unhash)
        sk->sk_prot->unhash(sk);    /* an autobound port goes back (Linux __udp_disconnect) */
    return 0;
}

bool ip_icmp_err_fatal(const struct icmp_err *err)
{
    /* bit per ICMP_DEST_UNREACH code 0..15 that Linux marks fatal */
    static const u16 fatal_unreach = 0xe3cc;   /* codes 2,3,6,7,8,9,13,14,15 */

    if (err->type == ICMP_PARAMETERPROB)
        return true;
    if (err->type == ICMP_DEST_UNREACH)
        return err->code < 16 && (fatal_unreach >> err->code) & 1;
    return false;
}

int ip_cmsg_recv(struct msghdr *msg, struct sock *sk, struct sk_buff *skb)
{
    struct in_pktinfo info;
    const struct iphdr *iph = ip_hdr(skb);

    if (!(inet_sk(sk)->cmsg_flags & IP_CMSG_PKTINFO))
        return 0;
    info.ipi_ifindex = IPCB(skb)->iif;
    info.ipi_addr = iph->daddr;
    /* Linux fib_compute_spec_dst: the address a reply would come from. */
    info.ipi_spec_dst = IPCB(skb)->rt_type == RTN_LOCAL ? iph->daddr
                        : (skb->dev ? inet_dev_addr(skb->dev) : 0);
    return put_cmsg(msg, SOL_IP, IP_PKTINFO, sizeof(info), &info);
}

/* SOL_IP ints may be 1 byte (do_ip_setsockopt); 0-length means 0. */
static int ip_get_val(u64 optval, unsigned optlen, int *val)
{
    u8 c;

    *val = 0;
    if (optlen >= sizeof(int))
        return copy_from_user(val, (void *)optval, sizeof(int));
    if (optlen >= 1) {
        if (copy_from_user(&c, (void *)optval, 1))
            return -EFAULT;
        *val = c;
    }
    return 0;
}

int ip_setsockopt(struct sock *sk, int optname, u64 optval, unsigned optlen)
{
    struct inet_sock *inet = inet_sk(sk);
    int val, err = ip_get_val(optval, optlen, &val);

    if (err)
        return err;
    switch (optname) {
    case IP_TTL:
        if (optlen < 1 || (val != -1 && (val < 1 || val > 255)))
            return -EINVAL;
        inet->uc_ttl = (s16)val;
        return 0;
    case IP_TOS:
        inet->tos = (u8)val;
        return 0;
    case IP_PKTINFO:
        inet->cmsg_flags = val ? inet->cmsg_flags | IP_CMSG_PKTINFO
                               : inet->cmsg_flags & ~IP_CMSG_PKTINFO;
        return 0;
    case IP_HDRINCL:
        if (sk->sk_type != SOCK_RAW)
            return -ENOPROTOOPT;
        inet->hdrincl = val != 0;
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

int ip_getsockopt(struct sock *sk, int optname, u64 optval, u64 optlen)
{
    struct inet_sock *inet = inet_sk(sk);
    int val, len;
    u8 c;

    switch (optname) {
    case IP_TTL:     val = inet_ttl(inet); break;
    case IP_TOS:     val = inet->tos; break;
    case IP_PKTINFO: val = !!(inet->cmsg_flags & IP_CMSG_PKTINFO); break;
    case IP_HDRINCL: val = inet->hdrincl; break;
    default:
        return -ENOPROTOOPT;
    }
    if (get_user(len, (int *)optlen))
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    if (len < (int)sizeof(int) && len > 0 && val >= 0 && val <= 255) {
        c = (u8)val;    /* Linux hands a short buffer one byte */
        return put_user(1, (int *)optlen) ? -EFAULT : copy_to_user((void *)optval, &c, 1);
    }
    len = MIN(len, (int)sizeof(int));
    if (put_user(len, (int *)optlen))
        return -EFAULT;
    return copy_to_user((void *)optval, &val, (size_t)len);
}

long ip_recv_datagram(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *addr_len,
                      __be16_t (*src_port)(const struct sk_buff *skb))
{
    struct sk_buff *skb;
    size_t copied;
    int err;

    if (flags & MSG_ERRQUEUE)
        return -EAGAIN;     /* no IP_RECVERR queue: Linux's answer for an empty one */
    skb = skb_recv_datagram(sk, (unsigned)flags, false, &err);
    if (!skb)
        return err;
    copied = MIN(len, (size_t)skb->len);
    if (copied < skb->len)
        msg->msg_flags |= MSG_TRUNC;
    err = copy_to_iter(skb->data, copied, &msg->msg_iter);
    if (!err && msg->msg_name)
        *addr_len = inet_fill_sockaddr(msg->msg_name, ip_hdr(skb)->saddr,
                                       src_port ? src_port(skb) : 0);
    if (!err)
        err = ip_cmsg_recv(msg, sk, skb);
    if (!err)
        err = (flags & MSG_TRUNC) ? (int)skb->len : (int)copied;
    consume_skb(skb);
    return err;
}
