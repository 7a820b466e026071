/* UDP and the socket layer under it (net/udp.c, net/sock*.c, net/af_inet.c,
 * net/inet_hashtables.c) on the fake device: delivery and recvmsg flags,
 * malformed datagrams dropped under their named counters, port unreachable,
 * the receive-buffer limit, bind conflicts, ephemeral ports, ICMP errors to
 * connected sockets, sending; heap and socks back to baseline after each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <net/byteorder.h>
#include <net/checksum.h>
#include <net/udp.h>
#include <net/wire/arp.h>
#include <net/wire/icmp.h>
#include "host/fake_netdev.h"

#define OUR  0x0a000002u
#define PEER 0x0a000005u
#define R(x) (skb_drop_counts[SKB_DROP_REASON_##x])
static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 zero[6];

static struct net_device *eth0;
static u64 heap_base;
static u8 f[70000], pl[66000];

static int setup(void **state)
{
    unsigned n;

    heap_base = kmem_bytes_in_use();
    eth0 = net_test_eth0();
    n = build_arp(f, bcast, ARPOP_REQUEST, peer_mac, PEER, zero, OUR);    /* learn the peer ... */
    fake_netdev_rx(eth0, f, n);
    n = build_arp(f, fake_mac, ARPOP_REPLY, peer_mac, PEER, fake_mac, OUR); /* ... as reachable */
    fake_netdev_rx(eth0, f, n);
    fake_netdev_clear_tx(eth0);
    memset(&udp_stats, 0, sizeof(udp_stats));
    return 0;
}

static int teardown(void **state)
{
    net_test_finish(eth0);
    assert_int_equal(sock_count(), 0);
    assert_int_equal(kmem_bytes_in_use(), heap_base);
    return 0;
}

/* A UDP datagram from PEER:sport to dst:dport; ulen_delta skews the length field, csum as given or computed. */
static unsigned udp_frame(u32 dst, u16 sport, u16 dport, unsigned len, int ulen_delta, int csum)
{
    struct udphdr *uh = (struct udphdr *)pl;

    for (unsigned i = 0; i < len; i++)
        pl[sizeof(*uh) + i] = (u8)(i * 7);
    uh->source = htons(sport);
    uh->dest = htons(dport);
    uh->len = htons((u16)(sizeof(*uh) + len + ulen_delta));
    uh->check = 0;
    if (csum < 0)
        uh->check = csum_fold(csum_tcpudp_nofold(htonl(PEER), htonl(dst), sizeof(*uh) + len, IPPROTO_UDP,
                                                 csum_partial(pl, sizeof(*uh) + len, 0)));
    else
        uh->check = (u16)csum;
    return build_ip(f, PEER, dst, IPPROTO_UDP, 1, 0, pl, sizeof(*uh) + len);
}

static struct socket *udp_bound(u16 port, bool reuse)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    struct socket *s;

    assert_int_equal(sock_create(AF_INET, SOCK_DGRAM, 0, &s, false), 0);
    s->sk->sk_reuse = reuse;
    if (port)
        assert_int_equal(s->ops->bind(s, &sin, sizeof(sin)), 0);
    return s;
}

static long recv_k(struct socket *s, void *buf, size_t len, int flags, struct sockaddr_in *from, unsigned *mflags)
{
    struct user_iov kv = { (u64)(uintptr_t)buf, len };
    struct msghdr msg = { .msg_name = from };
    long r;

    iov_iter_init(&msg.msg_iter, ITER_KVEC, &kv, 1, len);
    r = s->ops->recvmsg(s, &msg, len, flags | MSG_DONTWAIT);
    if (mflags)
        *mflags = msg.msg_flags;
    return r;
}

static long send_k(struct socket *s, const void *buf, size_t len, u32 dst, u16 port)
{
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = htonl(dst) };
    struct user_iov kv = { (u64)(uintptr_t)buf, len };
    struct msghdr msg = { .msg_name = dst ? &to : NULL, .msg_namelen = sizeof(to), .msg_flags = MSG_DONTWAIT };

    iov_iter_init(&msg.msg_iter, ITER_KVEC, &kv, 1, len);
    return s->ops->sendmsg(s, &msg, len);
}

static void test_delivery_and_flags(void **state)
{
    struct socket *s = udp_bound(7, false);
    struct sockaddr_in from;
    unsigned mf;
    u8 buf[100];

    fake_netdev_rx(eth0, f, udp_frame(OUR, 4000, 7, 50, 0, -1));
    fake_netdev_rx(eth0, f, udp_frame(OUR, 4001, 7, 0, 0, 0));        /* no checksum, empty */
    assert_int_equal(recv_k(s, buf, 10, MSG_PEEK, &from, &mf), 10);
    assert_true(mf & MSG_TRUNC);
    assert_int_equal(recv_k(s, buf, 10, MSG_TRUNC, &from, &mf), 50);  /* real length, as Linux */
    assert_int_equal(buf[9], 9 * 7);
    assert_int_equal(ntohs(from.sin_port), 4000);
    assert_int_equal(ntohl(from.sin_addr), PEER);
    assert_int_equal(recv_k(s, buf, sizeof(buf), 0, &from, &mf), 0);
    assert_int_equal(ntohs(from.sin_port), 4001);
    assert_int_equal(recv_k(s, buf, sizeof(buf), 0, &from, &mf), -EAGAIN);
    assert_int_equal(udp_stats.in_datagrams, 2);
    sock_release(s);
}

static void test_malformed_dropped_and_counted(void **state)
{
    struct socket *s = udp_bound(7, false);
    u8 buf[100];

    fake_netdev_rx(eth0, f, udp_frame(OUR, 4000, 7, 20, 1, -1));      /* length beyond the payload */
    fake_netdev_rx(eth0, f, udp_frame(OUR, 4000, 7, 20, -21, -1));    /* length 7 */
    fake_netdev_rx(eth0, f, udp_frame(OUR, 4000, 7, 20, 0, 0x1234));  /* bad checksum */
    assert_int_equal(R(UDP_BADLEN), 2);
    assert_int_equal(R(UDP_CSUM), 1);
    assert_int_equal(udp_stats.in_errors, 3);
    assert_int_equal(udp_stats.in_csum_errors, 1);
    assert_int_equal(recv_k(s, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
    sock_release(s);
}

static void test_closed_port_unreachable(void **state)
{
    struct sk_buff *skb;
    const struct icmphdr *ic;

    fake_netdev_rx(eth0, f, udp_frame(OUR, 4000, 9999, 10, 0, -1));
    assert_int_equal(R(NO_SOCKET), 1);
    assert_int_equal(udp_stats.no_ports, 1);
    skb = fake_netdev_pop_tx(eth0);
    assert_non_null(skb);
    ic = (const struct icmphdr *)(skb->data + 14 + 20);
    assert_int_equal(ic->type, ICMP_DEST_UNREACH);
    assert_int_equal(ic->code, ICMP_PORT_UNREACH);
    consume_skb(skb);
}

static void test_rcvbuf_limit(void **state)
{
    struct socket *s = udp_bound(7, false);
    u8 buf[2000];
    unsigned got = 0;

    for (int i = 0; i < 1000; i++)
        fake_netdev_rx(eth0, f, udp_frame(OUR, 4000, 7, 1000, 0, -1));
    assert_true(s->sk->sk_rmem_alloc <= (u32)s->sk->sk_rcvbuf + 4096);
    assert_true(R(SOCKET_RCVBUFF) > 0);
    assert_int_equal(R(SOCKET_RCVBUFF), s->sk->sk_drops);
    assert_int_equal(udp_stats.rcvbuf_errors, s->sk->sk_drops);
    while (recv_k(s, buf, sizeof(buf), 0, NULL, NULL) == 1000)
        got++;
    assert_int_equal(got + s->sk->sk_drops, 1000);
    assert_int_equal(s->sk->sk_rmem_alloc, 0);
    sock_release(s);
}

static void test_bind_conflicts_and_ephemeral(void **state)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(7) };
    struct socket *a = udp_bound(7, false), *b = udp_bound(0, false), *c, *d = udp_bound(0, true), *e[20];

    assert_int_equal(b->ops->bind(b, &sin, sizeof(sin)), -EADDRINUSE);
    assert_int_equal(d->ops->bind(d, &sin, sizeof(sin)), -EADDRINUSE); /* only one side reuses */
    sock_release(a);
    c = udp_bound(7, true);
    assert_int_equal(d->ops->bind(d, &sin, sizeof(sin)), 0);           /* both SO_REUSEADDR */
    sin.sin_addr = htonl(0x0a000009);
    assert_int_equal(b->ops->bind(b, &sin, sizeof(sin)), -EADDRNOTAVAIL);
    sin.sin_addr = 0;
    sin.sin_port = 0;
    assert_int_equal(b->ops->bind(b, &sin, sizeof(sin)), 0);
    assert_int_equal(b->ops->bind(b, &sin, sizeof(sin)), -EINVAL);     /* already bound */
    for (int i = 0; i < 20; i++) {
        e[i] = udp_bound(0, false);
        assert_int_equal(e[i]->ops->bind(e[i], &sin, sizeof(sin)), 0);
        assert_in_range(inet_sk(e[i]->sk)->inet_num, INET_EPHEMERAL_LOW, INET_EPHEMERAL_HIGH);
        for (int j = 0; j < i; j++)
            assert_int_not_equal(inet_sk(e[i]->sk)->inet_num, inet_sk(e[j]->sk)->inet_num);
    }
    for (int i = 0; i < 20; i++)
        sock_release(e[i]);
    sock_release(b);
    sock_release(c);
    sock_release(d);
}

static void test_connected_icmp_error_and_send(void **state)
{
    struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(9), .sin_addr = htonl(PEER) };
    struct socket *s = udp_bound(0, false);
    struct sk_buff *skb;
    unsigned n;
    u8 buf[64];

    assert_int_equal(s->ops->connect(s, &peer, sizeof(peer), 0), 0);
    assert_int_equal(send_k(s, "ping", 4, 0, 0), 4);
    skb = fake_netdev_pop_tx(eth0);
    assert_non_null(skb);
    assert_int_equal(skb->len, 14 + 20 + 8 + 4);
    /* The peer answers port unreachable, quoting our datagram. */
    memcpy(buf, skb->data + 14, 20 + 8);
    n = build_icmp(pl, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, 0, buf, 28);
    consume_skb(skb);
    fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_ICMP, 2, 0, pl, n));
    assert_int_equal(recv_k(s, buf, sizeof(buf), 0, NULL, NULL), -ECONNREFUSED);
    assert_int_equal(recv_k(s, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);     /* reported once */
    assert_int_equal(send_k(s, buf, 65508, PEER, 9), -EMSGSIZE);
    assert_int_equal(send_k(s, buf, 1, 0x0a0000ff, 9), -EACCES);   /* broadcast without SO_BROADCAST */
    sock_release(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_delivery_and_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_dropped_and_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closed_port_unreachable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rcvbuf_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_conflicts_and_ephemeral, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connected_icmp_error_and_send, setup, teardown),
    };

    net_test_boot();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
