/*
 * Ping sockets (Linux net/ipv4/ping.c): socket(AF_INET, SOCK_DGRAM,
 * IPPROTO_ICMP) lets an app send ICMP echo requests without raw access.
 * The sock's bound "port" is the echo identifier (RFC 792 "Identifier"):
 * the kernel writes it into every request and routes replies carrying it
 * back; the app supplies type ECHO, code 0, the sequence and data, the
 * kernel the checksum.  Layer: registered with socket(2) and with ICMP's
 * socket hooks; below the socket layer.  Owns the identifier bind table.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ping.h>

static struct inet_bind_table ping_table;

static int ping_get_port(struct sock *sk, u16 ident)
{
    return inet_bind_port(&ping_table, sk, ident);
}

static void ping_unhash(struct sock *sk)
{
    inet_unbind_port(&ping_table, sk);
}

static void ping_close(struct sock *sk, u64 timeout_ns)
{
    ping_unhash(sk);
    sock_orphan(sk);
    sock_put(sk);
}

static struct sock *ping_lookup(__be16_t ident)
{
    u16 id = ntohs(ident);
    struct sock *sk;

    list_for_each_entry(sk, inet_bind_bucket(&ping_table, id), sk_bind_node)
        if (inet_sk(sk)->inet_num == id)
            return sk;
    return NULL;
}

void ping_rcv(struct sk_buff *skb)
{
    const struct icmphdr *icmph = (const struct icmphdr *)skb->data;
    struct sock *sk = ping_lookup(icmph->un.echo.id);

    if (!sk) {
        kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
        return;
    }
    if (sock_queue_rcv_skb(sk, skb))
        kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_RCVBUFF);
}

void ping_err(struct sk_buff *skb, const struct icmp_err *err)
{
    const struct iphdr *iph = (const struct iphdr *)skb->data;
    const struct icmphdr *icmph = (const struct icmphdr *)(skb->data + iph_hlen(iph));
    struct sock *sk;

    if (icmph->type != ICMP_ECHO || !(sk = ping_lookup(icmph->un.echo.id)))
        return;
    if (sk->sk_state == TCP_ESTABLISHED && (err->local || ip_icmp_err_fatal(err)))
        sk_set_err(sk, -err->err);
}

/* Linux ping_common_sendmsg + ping_v4_sendmsg: checks, then header fix-up and checksum. */
static long ping_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
    struct icmphdr *icmph;
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
    if (len < sizeof(*icmph))
        return -EINVAL;
    if (msg->msg_name) {
        if ((err = inet_addr_from(msg->msg_name, msg->msg_namelen, &sin)))
            return err;
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
    icmph = (struct icmphdr *)skb_put(skb, (unsigned)len);
    if (copy_from_iter(icmph, len, &msg->msg_iter) || icmph->type != ICMP_ECHO || icmph->code) {
        err = icmph->type != ICMP_ECHO || icmph->code ? -EINVAL : -EFAULT;
        kfree_skb(skb);
        return err;
    }
    icmph->un.echo.id = inet_sk(sk)->inet_sport;
    icmph->checksum = 0;
    icmph->checksum = ip_compute_csum(icmph, (unsigned)len);
    err = ip_local_out(skb, &fl, &rt);
    return err ? err : (long)len;
}

/* The app reads the ICMP message (header and data); the source address has port 0. */
static long ping_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *addr_len)
{
    return ip_recv_datagram(sk, msg, len, flags, addr_len, NULL);
}

struct proto ping_prot = {
    .name = "PING", .obj_size = sizeof(struct inet_sock), .close = ping_close,
    .connect = ip4_datagram_connect, .disconnect = udp_disconnect, .sendmsg = ping_sendmsg,
    .recvmsg = ping_recvmsg, .unhash = ping_unhash, .get_port = ping_get_port,
};

static struct inet_protosw ping_protosw = {
    .type = SOCK_DGRAM, .protocol = IPPROTO_ICMP, .prot = &ping_prot, .ops = &inet_dgram_ops,
};
static const struct icmp_sock_hooks ping_hooks = { .echo_reply = ping_rcv, .err = ping_err };

void ping_init(void)
{
    inet_bind_table_init(&ping_table, "ping", inet_dgram_bind_conflict);
    inet_register_protosw(&ping_protosw);
    icmp_register_sock_hooks(&ping_hooks);
}
