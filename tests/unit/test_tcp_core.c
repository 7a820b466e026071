/* TCP core (net/tcp*.c) on the fake device with the fake clock: the state
 * machine of RFC 9293 driven by crafted segments from a scripted peer, each
 * reply checked field by field, drops asserted by their named counters, and
 * the heap and sock count back to baseline after every test. */
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
#include <net/tcp.h>
#include <net/wire/arp.h>
#include "../../net/tcp_impl.h"
#include "host/fake_clock.h"
#include "host/fake_netdev.h"

#define OUR  0x0a000002u
#define PEER 0x0a000005u
#define PISN 1000u              /* the peer's ISN */
#define MS   NSEC_PER_MSEC
#define R(x) (skb_drop_counts[SKB_DROP_REASON_##x])
static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 zero[6];

static struct net_device *eth0;
static u64 heap_base;
static u8 f[4000];

/* One segment as the peer saw it on the wire. */
struct seg {
    u8 flags;
    u32 seq, ack;
    u16 win, mss;               /* mss: the MSS option, 0 when absent */
    unsigned len;
    u8 data[1600];
};

static int setup(void **state)
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

static int teardown(void **state)
{
    net_test_finish(eth0);
    assert_int_equal(sock_count(), 0);
    assert_int_equal(kmem_bytes_in_use(), heap_base);
    return 0;
}

/* Inject a segment PEER:sport -> OUR:dport; opt/olen raw options (multiple of 4). */
static int inject_opt(u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, u16 win, const void *data,
                      unsigned len, const u8 *opt, unsigned olen)
{
    u8 seg[1700];
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
    return fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_TCP, 1, 0, seg, 20 + olen + len));
}

static int inject(u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, const void *data, unsigned len)
{
    static const u8 mss[4] = { TCPOPT_MSS, 4, 0x05, 0xb4 };     /* 1460 on SYNs */

    return inject_opt(sport, dport, flags, seq, ack, 65535, data, len, mss,
                      (flags & TCPHDR_SYN) ? 4 : 0);
}

/* Pop the next transmitted frame as a segment; false if none was sent. */
static bool pop(struct seg *s)
{
    struct sk_buff *skb = fake_netdev_pop_tx(eth0);
    const struct iphdr *iph;
    const struct tcphdr *th;
    unsigned hl;

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
    assert_int_equal(csum_fold(csum_tcpudp_nofold(iph->saddr, iph->daddr, ntohs(iph->tot_len) - iph_hlen(iph),
                                                  IPPROTO_TCP, csum_partial(th, ntohs(iph->tot_len) - iph_hlen(iph), 0))), 0);
    *s = (struct seg){ .flags = th->flags, .seq = ntohl(th->seq), .ack = ntohl(th->ack_seq),
                       .win = ntohs(th->window), .len = ntohs(iph->tot_len) - iph_hlen(iph) - hl };
    if (hl >= 24 && ((const u8 *)th)[20] == TCPOPT_MSS)
        s->mss = (u16)(((const u8 *)th)[22] << 8 | ((const u8 *)th)[23]);
    memcpy(s->data, (const u8 *)th + hl, s->len);
    consume_skb(skb);
    return true;
}

static struct socket *tcp_socket(void)
{
    struct socket *s;

    assert_int_equal(sock_create(AF_INET, SOCK_STREAM, 0, &s, false), 0);
    return s;
}

static struct socket *listener(u16 port, int backlog)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    struct socket *s = tcp_socket();

    assert_int_equal(s->ops->bind(s, &sin, sizeof(sin)), 0);
    assert_int_equal(s->ops->listen(s, backlog), 0);
    return s;
}

static long send_k(struct socket *s, const void *buf, size_t len, unsigned flags)
{
    struct user_iov kv = { (u64)(uintptr_t)buf, len };
    struct msghdr msg = { .msg_flags = flags | MSG_DONTWAIT };

    iov_iter_init(&msg.msg_iter, ITER_KVEC, &kv, 1, len);
    return s->ops->sendmsg(s, &msg, len);
}

static long recv_k(struct socket *s, void *buf, size_t len, int flags)
{
    struct user_iov kv = { (u64)(uintptr_t)buf, len };
    struct msghdr msg = { 0 };

    iov_iter_init(&msg.msg_iter, ITER_KVEC, &kv, 1, len);
    return s->ops->recvmsg(s, &msg, len, flags | MSG_DONTWAIT);
}

static struct socket *accept_k(struct socket *l)
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

/* Passive handshake on port 80 from peer port pport; returns the accepted socket, *iss our ISN. */
static struct socket *passive_open(struct socket *l, u16 pport, u32 *iss)
{
    struct seg s;

    inject(pport, 80, TCPHDR_SYN, PISN, 0, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
    assert_int_equal(s.ack, PISN + 1);
    assert_int_equal(s.mss, 1460);
    *iss = s.seq;
    inject(pport, 80, TCPHDR_ACK, PISN + 1, s.seq + 1, NULL, 0);
    assert_false(pop(&s));
    return accept_k(l);
}

static void test_passive_open_data_and_peer_close(void **state)
{
    struct socket *l = listener(80, 5), *c;
    struct seg s;
    u8 buf[100];
    u32 iss;

    assert_null(accept_k(l));
    c = passive_open(l, 4000, &iss);
    assert_non_null(c);
    assert_int_equal(c->sk->sk_state, TCP_ESTABLISHED);
    assert_int_equal(tcp_stats.passive_opens, 1);
    assert_int_equal(tcp_stats.curr_estab, 1);
    /* Data in: the first segments are ACKed at once (quick-ACK mode). */
    inject(4000, 80, TCPHDR_ACK | TCPHDR_PSH, PISN + 1, iss + 1, "hello", 5);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK);
    assert_int_equal(s.ack, PISN + 6);
    assert_int_equal(recv_k(c, buf, 3, MSG_PEEK), 3);
    assert_int_equal(recv_k(c, buf, sizeof(buf), 0), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(recv_k(c, buf, sizeof(buf), 0), -EAGAIN);
    /* Data out. */
    assert_int_equal(send_k(c, "world", 5, 0), 5);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK | TCPHDR_PSH);
    assert_int_equal(s.seq, iss + 1);
    assert_int_equal(s.len, 5);
    assert_memory_equal(s.data, "world", 5);
    inject(4000, 80, TCPHDR_ACK, PISN + 6, iss + 6, NULL, 0);
    assert_int_equal(tcp_sk(c->sk)->snd_una, iss + 6);
    /* The peer closes first: CLOSE-WAIT, EOF, then our FIN from close(): LAST-ACK, then gone. */
    inject(4000, 80, TCPHDR_ACK | TCPHDR_FIN, PISN + 6, iss + 6, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.ack, PISN + 7);
    assert_int_equal(c->sk->sk_state, TCP_CLOSE_WAIT);
    assert_int_equal(recv_k(c, buf, sizeof(buf), 0), 0);
    sock_release(c);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK | TCPHDR_FIN);
    assert_int_equal(s.seq, iss + 6);
    assert_int_equal(sock_count(), 2);
    inject(4000, 80, TCPHDR_ACK, PISN + 7, iss + 7, NULL, 0);
    assert_int_equal(sock_count(), 1);      /* LAST-ACK -> CLOSED: the orphan is freed */
    assert_int_equal(tcp_stats.curr_estab, 0);
    sock_release(l);
}

static void test_rst_for_closed_port(void **state)
{
    struct seg s;

    inject(4000, 81, TCPHDR_SYN, PISN, 0, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_RST | TCPHDR_ACK);
    assert_int_equal(s.seq, 0);
    assert_int_equal(s.ack, PISN + 1);
    inject(4000, 81, TCPHDR_ACK, PISN, 777, "x", 1);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_RST);
    assert_int_equal(s.seq, 777);
    inject(4000, 81, TCPHDR_RST, PISN, 0, NULL, 0);     /* never answer an RST */
    assert_false(pop(&s));
    assert_int_equal(R(TCP_NO_SOCKET), 3);
    assert_int_equal(tcp_stats.out_rsts, 2);
}

static void test_header_validation(void **state)
{
    static const u8 bad_opt[4] = { TCPOPT_MSS, 0, 0, 0 }, overrun[4] = { 1, 1, 8, 10 };
    struct socket *l = listener(80, 5);
    struct seg s;

    inject_opt(4000, 80, TCPHDR_SYN, PISN, 0, 100, NULL, 0, bad_opt, 4);
    inject_opt(4000, 80, TCPHDR_SYN, PISN, 0, 100, NULL, 0, overrun, 4);
    assert_int_equal(R(TCP_OPTIONS), 2);
    inject(4000, 80, TCPHDR_SYN | TCPHDR_FIN, PISN, 0, NULL, 0);
    inject(4000, 80, TCPHDR_SYN | TCPHDR_RST, PISN, 0, NULL, 0);
    assert_int_equal(R(TCP_FLAGS), 2);
    inject(4000, 80, 0, PISN, 0, NULL, 0);              /* no flags at a listener */
    assert_int_equal(R(TCP_FLAGS), 3);
    /* Data offset 4, and beyond the segment. */
    u8 seg[20] = { 0x0f, 0xa0, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x40, TCPHDR_SYN, 1, 0 };
    fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_TCP, 1, 0, seg, 20));
    seg[12] = 0x60;
    fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_TCP, 1, 0, seg, 20));
    assert_int_equal(R(TCP_HDR), 2);
    seg[12] = 0x50;     /* valid header, checksum 0: wrong */
    fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_TCP, 1, 0, seg, 20));
    assert_int_equal(R(TCP_CSUM), 1);
    assert_int_equal(tcp_stats.in_csum_errors, 1);
    assert_false(pop(&s));
    sock_release(l);
}

/* Our connect() to PEER:5000; returns the socket after the SYN went out, *iss our ISN. */
static struct socket *active_syn(u32 *iss)
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

static u16 lport(struct socket *c) { return ntohs(inet_sk(c->sk)->inet_sport); }

static void test_active_open_and_client_close_time_wait(void **state)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(5000), .sin_addr = htonl(PEER) };
    u32 iss;
    struct socket *c = active_syn(&iss);
    u16 p = lport(c);
    struct seg s;

    inject(5000, p, TCPHDR_SYN | TCPHDR_ACK, PISN, iss + 1, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK);
    assert_int_equal(s.seq, iss + 1);
    assert_int_equal(s.ack, PISN + 1);
    assert_int_equal(c->sk->sk_state, TCP_ESTABLISHED);
    assert_int_equal(c->ops->connect(c, &sin, sizeof(sin), O_NONBLOCK), 0);
    assert_int_equal(c->ops->connect(c, &sin, sizeof(sin), O_NONBLOCK), -EISCONN);
    /* We close first: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT for 2 MSL. */
    sock_release(c);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_FIN | TCPHDR_ACK);
    inject(5000, p, TCPHDR_ACK, PISN + 1, iss + 2, NULL, 0);
    inject(5000, p, TCPHDR_ACK | TCPHDR_FIN, PISN + 1, iss + 2, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK);
    assert_int_equal(s.ack, PISN + 2);
    assert_int_equal(sock_count(), 1);
    inject(5000, p, TCPHDR_ACK | TCPHDR_FIN, PISN + 1, iss + 2, NULL, 0);   /* FIN again: ACK again */
    assert_true(pop(&s));
    assert_int_equal(s.ack, PISN + 2);
    net_test_run(59 * NSEC_PER_SEC);
    assert_int_equal(sock_count(), 1);
    net_test_run(2 * NSEC_PER_SEC);
    assert_int_equal(sock_count(), 0);
}

static void test_connect_refused_and_syn_timeout(void **state)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(5000), .sin_addr = htonl(PEER) };
    u32 iss;
    struct socket *c = active_syn(&iss);
    struct seg s;
    int err = 0;

    inject(5000, lport(c), TCPHDR_RST | TCPHDR_ACK, 0, iss + 1, NULL, 0);
    assert_int_equal(c->sk->sk_state, TCP_CLOSE);
    assert_int_equal(c->ops->connect(c, &sin, sizeof(sin), O_NONBLOCK), -ECONNREFUSED);
    sock_release(c);
    /* No answer at all: SYN at 1, 3, 7, 15, 31, 63 s, then ETIMEDOUT through SO_ERROR. */
    c = active_syn(&iss);
    for (int i = 0; i < 6; i++) {
        net_test_run(((1000ull << i) + 5) * MS);
        assert_true(pop(&s));
        assert_int_equal(s.flags, TCPHDR_SYN);
        assert_int_equal(s.seq, iss);
    }
    net_test_run(128 * NSEC_PER_SEC);
    assert_false(pop(&s));
    assert_int_equal(c->sk->sk_state, TCP_CLOSE);
    err = c->sk->sk_err;
    assert_int_equal(err, ETIMEDOUT);
    sock_release(c);
}

static void test_close_with_unread_data_sends_rst(void **state)
{
    struct socket *l = listener(80, 5), *c;
    struct seg s;
    u32 iss;

    c = passive_open(l, 4001, &iss);
    inject(4001, 80, TCPHDR_ACK, PISN + 1, iss + 1, "abc", 3);
    pop(&s);
    sock_release(c);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_RST | TCPHDR_ACK);
    assert_int_equal(s.seq, iss + 1);
    assert_int_equal(tcp_stats.abort_on_close, 1);
    sock_release(l);
}

static void test_retransmission_backoff(void **state)
{
    struct socket *l = listener(80, 5), *c;
    struct seg s;
    u32 iss;

    c = passive_open(l, 4002, &iss);
    assert_int_equal(send_k(c, "data", 4, 0), 4);
    assert_true(pop(&s));
    u64 rto = inet_csk(c->sk)->icsk_rto;
    net_test_run(rto + 2 * MS);
    assert_true(pop(&s));
    assert_int_equal(s.seq, iss + 1);
    assert_int_equal(s.len, 4);
    net_test_run(rto);          /* backed off: nothing yet */
    assert_false(pop(&s));
    net_test_run(rto + 2 * MS);
    assert_true(pop(&s));
    assert_int_equal(tcp_stats.retrans_segs, 2);
    inject(4002, 80, TCPHDR_ACK, PISN + 1, iss + 5, NULL, 0);
    assert_int_equal(tcp_sk(c->sk)->packets_out, 0);
    assert_int_equal(inet_csk(c->sk)->icsk_backoff, 0);
    sock_release(c);
    assert_true(pop(&s));
    inject(4002, 80, TCPHDR_ACK | TCPHDR_FIN, PISN + 1, iss + 6, NULL, 0);
    assert_int_equal(sock_count(), 2);      /* l, and c in TIME-WAIT */
    sock_release(l);
}

static void test_rst_in_window_challenge(void **state)
{
    struct socket *l = listener(80, 5), *c;
    struct seg s;
    u32 iss;
    u8 buf[4];

    c = passive_open(l, 4003, &iss);
    inject(4003, 80, TCPHDR_RST, PISN + 100, 0, NULL, 0);          /* in window, not exact */
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK);
    assert_int_equal(R(TCP_RST_CHALLENGE), 1);
    assert_int_equal(c->sk->sk_state, TCP_ESTABLISHED);
    net_test_run(600 * MS);                                         /* RFC 5961 §7 per-socket limit */
    inject(4003, 80, TCPHDR_SYN, PISN + 50, 0, NULL, 0);            /* SYN when synchronized */
    assert_true(pop(&s));
    assert_int_equal(R(TCP_SYN_CHALLENGE), 1);
    net_test_run(600 * MS);
    inject(4003, 80, TCPHDR_ACK, PISN + 1 + 70000, iss + 1, "z", 1); /* outside the window */
    assert_true(pop(&s));
    assert_int_equal(R(TCP_INVALID_SEQUENCE), 1);
    inject(4003, 80, TCPHDR_RST, PISN + 1, 0, NULL, 0);             /* exact: reset */
    assert_int_equal(c->sk->sk_state, TCP_CLOSE);
    assert_int_equal(recv_k(c, buf, 4, 0), -ECONNRESET);
    assert_int_equal(tcp_stats.estab_resets, 1);
    sock_release(c);
    sock_release(l);
}

static void test_simultaneous_close(void **state)
{
    struct socket *l = listener(80, 5), *c;
    struct seg s;
    u32 iss;

    c = passive_open(l, 4004, &iss);
    assert_int_equal(c->ops->shutdown(c, SHUT_WR), 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_FIN | TCPHDR_ACK);
    inject(4004, 80, TCPHDR_FIN | TCPHDR_ACK, PISN + 1, iss + 1, NULL, 0);   /* FIN crossing ours */
    assert_int_equal(c->sk->sk_state, TCP_CLOSING);
    assert_true(pop(&s));
    assert_int_equal(s.ack, PISN + 2);
    inject(4004, 80, TCPHDR_ACK, PISN + 2, iss + 2, NULL, 0);
    assert_int_equal(c->sk->sk_state, TCP_TIME_WAIT);
    sock_release(c);
    sock_release(l);
    net_test_run(61 * NSEC_PER_SEC);
}

static void test_half_close_data_flows(void **state)
{
    struct socket *l = listener(80, 5), *c;
    struct seg s;
    u32 iss;
    u8 buf[10];

    c = passive_open(l, 4005, &iss);
    inject(4005, 80, TCPHDR_FIN | TCPHDR_ACK, PISN + 1, iss + 1, NULL, 0);   /* peer SHUT_WR */
    pop(&s);
    assert_int_equal(recv_k(c, buf, sizeof(buf), 0), 0);
    assert_int_equal(send_k(c, "more", 4, 0), 4);                           /* we still send */
    assert_true(pop(&s));
    assert_int_equal(s.len, 4);
    inject(4005, 80, TCPHDR_ACK, PISN + 2, iss + 5, NULL, 0);
    sock_release(c);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_FIN | TCPHDR_ACK);
    inject(4005, 80, TCPHDR_ACK, PISN + 2, iss + 6, NULL, 0);
    sock_release(l);
}

static void test_backlog_overflow(void **state)
{
    struct socket *l = listener(80, 1), *c[3];
    struct seg s;
    u32 iss;

    c[0] = passive_open(l, 4100, &iss);     /* accepted: queue empty again */
    /* Two completed, not accepted: backlog 1 allows 2 (Linux: > backlog is full). */
    for (u16 p = 4101; p <= 4102; p++) {
        inject(p, 80, TCPHDR_SYN, PISN, 0, NULL, 0);
        assert_true(pop(&s));
        inject(p, 80, TCPHDR_ACK, PISN + 1, s.seq + 1, NULL, 0);
    }
    inject(4103, 80, TCPHDR_SYN, PISN, 0, NULL, 0);
    assert_false(pop(&s));
    assert_int_equal(R(TCP_LISTEN_OVERFLOW), 1);
    assert_int_equal(tcp_stats.listen_overflows, 1);
    c[1] = accept_k(l);
    c[2] = accept_k(l);
    assert_non_null(c[1]);
    assert_non_null(c[2]);
    assert_int_equal(ntohs(inet_sk(c[1]->sk)->inet_dport), 4101);   /* oldest first */
    for (int i = 0; i < 3; i++) {
        sock_set_flag(c[i]->sk, SOCK_LINGER);   /* SO_LINGER 0: RST, freed at once */
        sock_release(c[i]);
    }
    sock_release(l);
    assert_int_equal(sock_count(), 0);
}

static void test_zero_window_persist(void **state)
{
    struct socket *l = listener(80, 5), *c;
    struct seg s;
    u32 iss;

    c = passive_open(l, 4006, &iss);
    inject_opt(4006, 80, TCPHDR_ACK, PISN + 1, iss + 1, 0, NULL, 0, NULL, 0);   /* window 0 */
    assert_int_equal(send_k(c, "blocked", 7, 0), 7);
    assert_false(pop(&s));
    net_test_run(inet_csk(c->sk)->icsk_rto + 2 * MS);
    assert_true(pop(&s));               /* a probe: old sequence number, no data */
    assert_int_equal(s.seq, iss);
    assert_int_equal(s.len, 0);
    assert_int_equal(tcp_stats.persist_probes, 1);
    inject_opt(4006, 80, TCPHDR_ACK, PISN + 1, iss + 1, 1000, NULL, 0, NULL, 0); /* it opens */
    assert_true(pop(&s));
    assert_int_equal(s.len, 7);
    inject(4006, 80, TCPHDR_ACK, PISN + 1, iss + 8, NULL, 0);
    sock_release(c);
    pop(&s);
    inject(4006, 80, TCPHDR_ACK | TCPHDR_FIN, PISN + 1, iss + 9, NULL, 0);
    sock_release(l);
}

static void test_linger_zero_aborts(void **state)
{
    struct socket *l = listener(80, 5), *c;
    struct seg s;
    u32 iss;

    c = passive_open(l, 4007, &iss);
    sock_set_flag(c->sk, SOCK_LINGER);
    c->sk->sk_lingertime = 0;
    sock_release(c);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_RST | TCPHDR_ACK);
    sock_release(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_passive_open_data_and_peer_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rst_for_closed_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_active_open_and_client_close_time_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_refused_and_syn_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_with_unread_data_sends_rst, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retransmission_backoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rst_in_window_challenge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_simultaneous_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_half_close_data_flows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backlog_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_window_persist, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linger_zero_aborts, setup, teardown),
    };

    net_test_boot();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
