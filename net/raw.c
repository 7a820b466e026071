/*
 * Raw IPv4 sockets (Linux net/ipv4/raw.c, reduced): socket(AF_INET,
 * SOCK_RAW, proto) receives a copy of every datagram of `proto` delivered
 * to us, IP header included, and sends the app's bytes as the payload of a
 * datagram of that protocol (IP_HDRINCL is recorded but not honoured: the
 * kernel always writes the IP header).  Enough for ping(8)-style apps with
 * IPPROTO_ICMP.  Layer: registered with socket(2) and with IPv4's raw hook.
 * Owns the list of raw socks.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <net/ping.h>

static LIST_HEAD(raw_socks);

static int raw_hash(struct sock *sk)
{
    list_add_tail(&sk->sk_node, &raw_socks);
    return 0;
}

static void raw_unhash(struct sock *sk)
{
    list_del_init(&sk->sk_node);
}

static void raw_close(struct sock *sk, u64 timeout_ns)
{
    raw_unhash(sk);
    sock_orphan(sk);
    sock_put(sk);
}

/* Linux raw_v4_match: the protocol, and the bound/connected addresses if any. */
static bool raw_match(const struct sock *sk, const struct iphdr *iph, int iif)
{
    const struct inet_sock *inet = inet_sk(sk);

    return inet->inet_num == iph->protocol &&
           (!inet->inet_daddr || inet->inet_daddr == iph->saddr) &&
           (!inet->inet_rcv_saddr || inet->inet_rcv_saddr == iph->daddr) &&
           (!sk->sk_bound_dev_if || sk->sk_bound_dev_if == iif);
}

void raw_local_deliver(struct sk_buff *skb)
{
    const struct iphdr *iph = ip_hdr(skb);
    struct sock *sk;

    list_for_each_entry(sk, &raw_socks, sk_node) {
        struct sk_buff *copy;

        if (!raw_match(sk, iph, IPCB(skb)->iif) || !(copy = skb_copy(skb)))
            continue;
        skb_push(copy, skb_network_offset(copy));   /* the app reads from the IP header */
        if (sock_queue_rcv_skb(sk, copy))
            kfree_skb_reason(copy, SKB_DROP_REASON_SOCKET_RCVBUFF);
    }
}

/* Linux raw_sendmsg: msg_name (family AF_INET or 0) or the connected peer; the app's bytes as payload. */
static long raw_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
    struct sockaddr_in sin;
    struct sk_buff *skb;
    struct flowi4 fl;
    struct rtable rt;
    __be32_t daddr = inet_sk(sk)->inet_daddr;
    int err;

    if (len > 0xffff)
        return -EMSGSIZE;
    if (msg->msg_flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (msg->msg_name) {
        if (msg->msg_namelen < (int)sizeof(sin))
            return -EINVAL;
        memcpy(&sin, msg->msg_name, sizeof(sin));
        if (sin.sin_family != AF_INET && sin.sin_family)
            return -EAFNOSUPPORT;
        daddr = sin.sin_addr;
    } else if (sk->sk_state != TCP_ESTABLISHED) {
        return -EDESTADDRREQ;
    }
    if ((err = inet_dgram_route(sk, daddr, &fl, &rt)))
        return err;
    skb = sock_alloc_send_skb(sk, MAX_HEADER + (unsigned)len, msg->msg_flags & MSG_DONTWAIT, &err);
    if (!skb)
        return err;
    skb_reserve(skb, MAX_HEADER);
    if (copy_from_iter(skb_put(skb, (unsigned)len), len, &msg->msg_iter)) {
        kfree_skb(skb);
        return -EFAULT;
    }
    err = ip_local_out(skb, &fl, &rt);
    return err ? err : (long)len;
}

static long raw_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *addr_len)
{
    return ip_recv_datagram(sk, msg, len, flags, addr_len, NULL);
}

/* Raw socks are bound to their protocol, not a port: bind only picks the local address. */
static int raw_bind(struct sock *sk, const void *addr, int addrlen)
{
    struct sockaddr_in sin;
    int err = inet_addr_from(addr, addrlen, &sin);

    if (err)
        return err;
    if (sin.sin_addr && inet_addr_type(NULL, sin.sin_addr) == RTN_UNICAST)
        return -EADDRNOTAVAIL;
    inet_sk(sk)->inet_rcv_saddr = inet_sk(sk)->inet_saddr = sin.sin_addr;
    return 0;
}

struct proto raw_prot = {
    .name = "RAW", .obj_size = sizeof(struct inet_sock), .close = raw_close,
    .connect = ip4_datagram_connect, .disconnect = udp_disconnect, .sendmsg = raw_sendmsg,
    .recvmsg = raw_recvmsg, .bind = raw_bind, .hash = raw_hash, .unhash = raw_unhash,
};

static struct inet_protosw raw_protosw = {
    .type = SOCK_RAW, .protocol = IPPROTO_IP, .prot = &raw_prot, .ops = &inet_dgram_ops,
};

void raw_init(void)
{
    inet_register_protosw(&raw_protosw);
    ip_set_raw_deliver(raw_local_deliver);
}
