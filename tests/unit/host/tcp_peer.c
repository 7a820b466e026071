/*
 * The scripted TCP peer shared by the TCP host tests (test_tcp_core.c,
 * test_tcp_states.c, test_tcp_timewait.c, test_tcp_sack.c): it speaks to the stack only through the fake eth0
 * (frames in, captured frames out) and the socket ops, as the network and
 * the application would.  Below: fake_netdev.c's frame builders and fixture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <net/byteorder.h>
#include <net/checksum.h>
#include <net/inet_sock.h>
#include <net/wire/arp.h>
#include "../../../net/tcp_impl.h"
#include "fake_netdev.h"
#include "tcp_peer.h"

static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 zero[6];

struct net_device *eth0;
static u64 heap_base;
static u8 f[4000];              /* the frame being built */

int tcp_peer_setup(void **state)
{
    unsigned n;

    heap_base = kmem_bytes_in_use();
    eth0 = net_test_eth0();
    n = build_arp(f, bcast, ARPOP_REQUEST, peer_mac, PEER, zero, OUR);
    fake_netdev_rx(eth0, f, n);
    n = build_arp(f, fake_mac, ARPOP_REPLY, peer_mac, PEER, fake_mac, OUR);
    fake_netdev_rx(eth0, f, n);
    fake_netdev_clear_tx(eth0);
    memset(&tcp_stats, 0, sizeof(tcp_stats));
    tcp_msl_ns = 30 * NSEC_PER_SEC;
    return 0;
}

int tcp_peer_teardown(void **state)
{
    net_test_finish(eth0);
    assert_int_equal(sock_count(), 0);
    assert_int_equal(kmem_bytes_in_use(), heap_base);
    return 0;
}

int inject_raw(const void *seg, unsigned len)
{
    return fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_TCP, 1, 0, seg, len));
}

unsigned tcp_peer_build(u8 *seg, u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, u16 win,
                        const void *data, unsigned len, const u8 *opt, unsigned olen)
{
    struct tcphdr *th = (struct tcphdr *)seg;

    *th = (struct tcphdr){ .source = htons(sport), .dest = htons(dport), .seq = htonl(seq),
                           .ack_seq = htonl(ack), .doff_res = (u8)(((20 + olen) / 4) << 4),
                           .flags = flags, .window = htons(win) };
    if (olen)
        memcpy(th + 1, opt, olen);
    if (len)
        memcpy(seg + 20 + olen, data, len);
    th->check = csum_fold(csum_tcpudp_nofold(htonl(PEER), htonl(OUR), 20 + olen + len, IPPROTO_TCP,
                                             csum_partial(seg, 20 + olen + len, 0)));
    return 20 + olen + len;
}

int inject_opt(u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, u16 win, const void *data,
               unsigned len, const u8 *opt, unsigned olen)
{
    u8 seg[1700];

    return inject_raw(seg, tcp_peer_build(seg, sport, dport, flags, seq, ack, win, data, len, opt, olen));
}

/* MSS 1460 on SYNs, then (for a SACK peer) NOP NOP SACK-permitted. */
static const u8 syn_opts[8] = { TCPOPT_MSS, 4, 0x05, 0xb4, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERM, 2 };

int inject(u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, const void *data, unsigned len)
{
    return inject_opt(sport, dport, flags, seq, ack, 65535, data, len, syn_opts,
                      (flags & TCPHDR_SYN) ? 4 : 0);
}

static void wr32(u8 *p, u32 v)
{
    p[0] = (u8)(v >> 24), p[1] = (u8)(v >> 16), p[2] = (u8)(v >> 8), p[3] = (u8)v;
}

static u32 rd32(const u8 *p)
{
    return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

int inject_sack(u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, const void *data, unsigned len,
                unsigned n, const struct tcp_sack_block *b)
{
    u8 o[4 + 8 * 4] = { TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, (u8)(2 + 8 * n) };

    if (flags & TCPHDR_SYN)
        return inject_opt(sport, dport, flags, seq, ack, 65535, data, len, syn_opts, sizeof(syn_opts));
    assert_true(n <= 4);
    for (unsigned i = 0; i < n; i++) {
        wr32(o + 4 + 8 * i, b[i].start_seq);
        wr32(o + 8 + 8 * i, b[i].end_seq);
    }
    return inject_opt(sport, dport, flags, seq, ack, 65535, data, len, o, n ? 4 + 8 * n : 0);
}

/* The options of th (hl bytes of header) the tests look at: MSS and SACK blocks. */
static void parse_opts(struct seg *s, const u8 *th, unsigned hl)
{
    for (const u8 *o = th + 20; o < th + hl && *o != TCPOPT_EOL; o += *o == TCPOPT_NOP ? 1 : o[1]) {
        if (*o != TCPOPT_NOP)
            assert_true(o[1] >= 2);     /* our options are well formed: never loop */
        if (*o == TCPOPT_MSS)
            s->mss = (u16)(o[2] << 8 | o[3]);
        if (*o != TCPOPT_SACK)
            continue;
        s->nsack = (o[1] - 2) / 8;
        for (unsigned i = 0; i < s->nsack; i++)
            s->sack[i] = (struct tcp_sack_block){ rd32(o + 2 + 8 * i), rd32(o + 6 + 8 * i) };
    }
}

bool pop(struct seg *s)
{
    struct sk_buff *skb = fake_netdev_pop_tx(eth0);
    const struct iphdr *iph;
    const struct tcphdr *th;
    unsigned hl, tl;            /* TCP header length, segment length */

    if (!skb)
        return false;
    if (((const struct ethhdr *)skb->data)->h_proto == htons(ETH_P_ARP)) {
        consume_skb(skb);       /* the cache entry aged out: answer, the waiting segment follows */
        fake_netdev_rx(eth0, f, build_arp(f, fake_mac, ARPOP_REPLY, peer_mac, PEER, fake_mac, OUR));
        return pop(s);
    }
    iph = (const struct iphdr *)(skb->data + ETH_HLEN);
    assert_int_equal(iph->protocol, IPPROTO_TCP);
    th = (const struct tcphdr *)((const u8 *)iph + iph_hlen(iph));
    hl = tcp_hdrlen(th);
    tl = ntohs(iph->tot_len) - iph_hlen(iph);
    assert_int_equal(csum_fold(csum_tcpudp_nofold(iph->saddr, iph->daddr, tl, IPPROTO_TCP,
                                                  csum_partial(th, tl, 0))), 0);
    *s = (struct seg){ .flags = th->flags, .seq = ntohl(th->seq), .ack = ntohl(th->ack_seq),
                       .win = ntohs(th->window), .len = tl - hl, .iplen = ntohs(iph->tot_len) };
    parse_opts(s, (const u8 *)th, hl);
    memcpy(s->data, (const u8 *)th + hl, s->len);
    consume_skb(skb);
    return true;
}

struct socket *tcp_socket(void)
{
    struct socket *s;

    assert_int_equal(sock_create(AF_INET, SOCK_STREAM, 0, &s, false), 0);
    return s;
}

struct socket *listener(u16 port, int backlog)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    struct socket *s = tcp_socket();

    assert_int_equal(s->ops->bind(s, &sin, sizeof(sin)), 0);
    assert_int_equal(s->ops->listen(s, backlog), 0);
    return s;
}

long send_k(struct socket *s, const void *buf, size_t len, unsigned flags)
{
    struct user_iov kv = { (u64)(uintptr_t)buf, len };
    struct msghdr msg = { .msg_flags = flags | MSG_DONTWAIT };

    iov_iter_init(&msg.msg_iter, ITER_KVEC, &kv, 1, len);
    return s->ops->sendmsg(s, &msg, len);
}

long recv_k(struct socket *s, void *buf, size_t len, int flags)
{
    struct user_iov kv = { (u64)(uintptr_t)buf, len };
    struct msghdr msg = { 0 };

    iov_iter_init(&msg.msg_iter, ITER_KVEC, &kv, 1, len);
    return s->ops->recvmsg(s, &msg, len, flags | MSG_DONTWAIT);
}

struct socket *accept_k(struct socket *l)
{
    struct socket *c = kzalloc(sizeof(*c));

    c->type = l->type;
    c->ops = l->ops;
    if (l->ops->accept(l, c, O_NONBLOCK)) {
        kfree(c);
        return NULL;
    }
    return c;
}

static struct socket *handshake(struct socket *l, u16 pport, u32 *iss, bool sack)
{
    struct socket *c;
    struct seg s;

    if (sack)
        inject_sack(pport, 80, TCPHDR_SYN, PISN, 0, NULL, 0, 0, NULL);
    else
        inject(pport, 80, TCPHDR_SYN, PISN, 0, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
    assert_int_equal(s.ack, PISN + 1);
    assert_int_equal(s.mss, 1460);
    *iss = s.seq;
    inject(pport, 80, TCPHDR_ACK, PISN + 1, s.seq + 1, NULL, 0);
    assert_false(pop(&s));
    c = accept_k(l);
    if (c)
        assert_int_equal(tcp_sk(c->sk)->rx_opt.sack_ok, sack);
    return c;
}

struct socket *passive_open(struct socket *l, u16 pport, u32 *iss)
{
    return handshake(l, pport, iss, false);
}

struct socket *passive_open_sack(struct socket *l, u16 pport, u32 *iss)
{
    return handshake(l, pport, iss, true);
}

struct socket *active_syn(u32 *iss)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(5000), .sin_addr = htonl(PEER) };
    struct socket *c = tcp_socket();
    struct seg s;

    assert_int_equal(c->ops->connect(c, &sin, sizeof(sin), O_NONBLOCK), -EINPROGRESS);
    assert_int_equal(c->ops->connect(c, &sin, sizeof(sin), O_NONBLOCK), -EALREADY);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_SYN);
    assert_int_equal(s.mss, 1460);
    *iss = s.seq;
    return c;
}

u16 lport(struct socket *c)
{
    return ntohs(inet_sk(c->sk)->inet_sport);
}
