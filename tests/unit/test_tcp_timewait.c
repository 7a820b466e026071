/* TIME-WAIT as a tcp_timewait_sock (net/tcp_minisocks.c): the full sock is
 * freed when a connection enters TIME-WAIT and a 128-byte entry answers for
 * it: RFC 9293 §3.10.7.4 for that state (the peer's FIN again is ACKed and
 * restarts 2*MSL, an RST at RCV.NXT ends it, anything else is ACKed), PAWS
 * (RFC 7323 §5), reuse by a new SYN (RFC 6191), the 2*MSL timer, the
 * tcp_max_tw_buckets bound, and the port it keeps in the bind table.  Driven
 * through tests/unit/host/tcp_peer.h's scripted peer; every test ends with
 * the fixture's leak check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <net/byteorder.h>
#include <net/inet_sock.h>
#include <net/tcp.h>
#include <net/wire/tcp.h>
#include "../../net/tcp_impl.h"
#include "host/fake_netdev.h"
#include "host/tcp_peer.h"

#define SEC NSEC_PER_SEC

static int setup(void **state)
{
    tcp_max_tw_buckets = TCP_MAX_TW_BUCKETS_DEFAULT;
    return tcp_peer_setup(state);
}

static int teardown(void **state)
{
    tcp_max_tw_buckets = TCP_MAX_TW_BUCKETS_DEFAULT;
    return tcp_peer_teardown(state);
}

/* Objects in use in the slab cache "tcp_timewait". */
static u64 tw_cache_objs(void)
{
    struct kmem_stats st[64];
    size_t n = kmem_stats_get(st, 64);

    for (size_t i = 0; i < n && i < 64; i++)
        if (!strcmp(st[i].name, "tcp_timewait"))
            return st[i].objs_in_use;
    fail_msg("no tcp_timewait cache");
    return 0;
}

static void put_be32(u8 *p, u32 v)
{
    p[0] = (u8)(v >> 24), p[1] = (u8)(v >> 16), p[2] = (u8)(v >> 8), p[3] = (u8)v;
}

/* MSS 1460, NOP NOP TS(tsval, tsecr): 16 bytes for a SYN; ts_opt() is the 12-byte tail. */
static void syn_ts_opt(u8 *o, u32 tsval)
{
    static const u8 head[8] = { TCPOPT_MSS, 4, 0x05, 0xb4, TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP, 10 };

    memcpy(o, head, 8);
    put_be32(o + 8, tsval);
    put_be32(o + 12, 0);
}

static void ts_opt(u8 *o, u32 tsval, u32 tsecr)
{
    o[0] = TCPOPT_NOP, o[1] = TCPOPT_NOP, o[2] = TCPOPT_TIMESTAMP, o[3] = 10;
    put_be32(o + 4, tsval);
    put_be32(o + 8, tsecr);
}

/* A segment with a timestamp option (TSecr 0: we never check it here). */
static void inject_ts(u16 sport, u16 dport, u8 flags, u32 seq, u32 ack, u32 tsval)
{
    u8 o[16];

    if (flags & TCPHDR_SYN) {
        syn_ts_opt(o, tsval);
        inject_opt(sport, dport, flags, seq, ack, 65535, NULL, 0, o, 16);
    } else {
        ts_opt(o, tsval, 0);
        inject_opt(sport, dport, flags, seq, ack, 65535, NULL, 0, o, 12);
    }
}

/*
 * On listener l (port 80): the peer (port pport) connects, we close first,
 * the peer ACKs and sends its FIN: TIME-WAIT on our side.  With ts, both
 * sides use timestamps (peer's TSval 100, 101, 102).  Returns our SND.NXT
 * (past our FIN); the peer's RCV.NXT is PISN + 2.
 */
static u32 server_time_wait(struct socket *l, u16 pport, bool ts)
{
    struct socket *c;
    struct seg s;
    u32 iss;

    if (ts) {
        inject_ts(pport, 80, TCPHDR_SYN, PISN, 0, 100);
        assert_true(pop(&s));
        assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
        iss = s.seq;
        inject_ts(pport, 80, TCPHDR_ACK, PISN + 1, iss + 1, 101);
        c = accept_k(l);
    } else {
        c = passive_open(l, pport, &iss);
    }
    assert_non_null(c);
    sock_release(c);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_FIN | TCPHDR_ACK);
    if (ts)
        inject_ts(pport, 80, TCPHDR_FIN | TCPHDR_ACK, PISN + 1, iss + 2, 102);
    else
        inject(pport, 80, TCPHDR_FIN | TCPHDR_ACK, PISN + 1, iss + 2, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK);
    assert_int_equal(s.seq, iss + 2);
    assert_int_equal(s.ack, PISN + 2);
    return iss + 2;
}

/* Our connect() to PEER:5000, established, closed by us, the peer's ACK: FIN-WAIT-2. *p our port. */
static u32 client_fin_wait2(u16 *p)
{
    u32 iss;
    struct socket *c = active_syn(&iss);
    struct seg s;

    *p = lport(c);
    inject(5000, *p, TCPHDR_SYN | TCPHDR_ACK, PISN, iss + 1, NULL, 0);
    assert_true(pop(&s));
    sock_release(c);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_FIN | TCPHDR_ACK);
    inject(5000, *p, TCPHDR_ACK, PISN + 1, iss + 2, NULL, 0);
    return iss + 2;
}

static void test_full_sock_freed_on_entering_time_wait(void **state)
{
    struct seg s;
    u16 p;
    u32 snd_nxt = client_fin_wait2(&p);
    u64 before, after;

    assert_int_equal(sock_count(), 1);          /* the orphan in FIN-WAIT-2 */
    before = kmem_bytes_in_use();
    inject(5000, p, TCPHDR_ACK | TCPHDR_FIN, PISN + 1, snd_nxt, NULL, 0);
    assert_true(pop(&s));                       /* (pop frees the captured ACK) */
    assert_int_equal(s.ack, PISN + 2);
    after = kmem_bytes_in_use();
    assert_int_equal(sock_count(), 0);          /* the tcp_sock went through the normal path */
    assert_int_equal(tcp_tw_count(), 1);
    assert_int_equal(tw_cache_objs(), 1);
    print_message("heap %llu -> %llu: -%llu bytes (tcp_sock %zu, tcp_timewait_sock %zu)\n",
                  (unsigned long long)before, (unsigned long long)after,
                  (unsigned long long)(before - after), sizeof(struct tcp_sock),
                  sizeof(struct tcp_timewait_sock));
    /* The whole tcp_sock was returned; only the small entry stays. */
    assert_true(before - after + sizeof(struct tcp_timewait_sock) >= sizeof(struct tcp_sock));
    assert_true(sizeof(struct tcp_timewait_sock) * 4 <= sizeof(struct tcp_sock));
}

static void test_retransmitted_fin_reacked_and_2msl_restarted(void **state)
{
    struct seg s;
    u16 p;
    u32 snd_nxt = client_fin_wait2(&p);
    u16 win;

    inject(5000, p, TCPHDR_ACK | TCPHDR_FIN, PISN + 1, snd_nxt, NULL, 0);
    assert_true(pop(&s));       /* the full sock's last ACK: the entry repeats its window */
    win = s.win;
    net_test_run(50 * SEC);
    for (int i = 0; i < 2; i++) {   /* our ACK was lost, twice: the FIN again, ACKed again (no rate limit) */
        inject(5000, p, TCPHDR_ACK | TCPHDR_FIN, PISN + 1, snd_nxt, NULL, 0);
        assert_true(pop(&s));
        assert_int_equal(s.flags, TCPHDR_ACK);
        assert_int_equal(s.seq, snd_nxt);
        assert_int_equal(s.ack, PISN + 2);
        assert_int_equal(s.win, win);
    }
    net_test_run(59 * SEC);         /* 109 s after entering: 2*MSL counts from the last FIN */
    assert_int_equal(tcp_tw_count(), 1);
    net_test_run(2 * SEC);
    assert_int_equal(tcp_tw_count(), 0);
    assert_int_equal(tcp_stats.timewaited, 1);
    assert_false(pop(&s));
}

static void test_timer_frees_after_2msl(void **state)
{
    struct seg s;
    u16 p;
    u32 snd_nxt = client_fin_wait2(&p);
    u64 before = kmem_bytes_in_use();

    tcp_msl_ns = 5 * SEC;
    inject(5000, p, TCPHDR_ACK | TCPHDR_FIN, PISN + 1, snd_nxt, NULL, 0);
    assert_true(pop(&s));
    net_test_run(9 * SEC);
    assert_int_equal(tcp_tw_count(), 1);
    net_test_run(2 * SEC);
    assert_int_equal(tcp_tw_count(), 0);
    assert_int_equal(tw_cache_objs(), 0);
    assert_true(kmem_bytes_in_use() + sizeof(struct tcp_sock) <= before);
    /* The port and 4-tuple are free again: a segment now meets no socket. */
    inject(5000, p, TCPHDR_ACK, PISN + 2, snd_nxt, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_RST);
}

static void test_rst_kills_only_at_rcv_nxt(void **state)
{
    struct socket *l = listener(80, 5);
    struct seg s;

    server_time_wait(l, 4000, false);
    inject(4000, 80, TCPHDR_RST, PISN + 5, 0, NULL, 0);    /* not RCV.NXT: ignored, not answered */
    assert_false(pop(&s));
    assert_int_equal(tcp_tw_count(), 1);
    assert_int_equal(R(TCP_RESET), 1);
    inject(4000, 80, TCPHDR_RST, PISN + 2, 0, NULL, 0);    /* RCV.NXT: TIME-WAIT ends */
    assert_false(pop(&s));
    assert_int_equal(tcp_tw_count(), 0);
    assert_int_equal(tw_cache_objs(), 0);
    assert_int_equal(tcp_stats.timewaited, 0);
    sock_release(l);
}

static void test_new_syn_reuses_the_tuple(void **state)
{
    struct socket *l = listener(80, 5), *c;
    struct seg s;
    u32 snd_nxt = server_time_wait(l, 4001, false);

    /* An old SYN (below RCV.NXT): not a new incarnation, an ACK says where we are. */
    inject(4001, 80, TCPHDR_SYN, PISN - 10, 0, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK);
    assert_int_equal(s.ack, PISN + 2);
    assert_int_equal(tcp_tw_count(), 1);
    /* A SYN above RCV.NXT: the listener answers, our ISS above the old SND.NXT (RFC 1122 §4.2.2.13). */
    inject(4001, 80, TCPHDR_SYN, PISN + 100000, 0, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
    assert_int_equal(s.seq, snd_nxt + 65535 + 2);
    assert_int_equal(s.ack, PISN + 100001);
    assert_int_equal(tcp_stats.tw_recycled, 1);
    assert_int_equal(tcp_tw_count(), 0);
    inject(4001, 80, TCPHDR_ACK, PISN + 100001, s.seq + 1, NULL, 0);
    c = accept_k(l);
    assert_non_null(c);
    assert_int_equal(c->sk->sk_state, TCP_ESTABLISHED);
    sock_set_flag(c->sk, SOCK_LINGER);          /* SO_LINGER 0: RST, freed at once */
    sock_release(c);
    assert_true(pop(&s));
    sock_release(l);
}

static void test_syn_with_newer_timestamp_and_paws(void **state)
{
    struct socket *l = listener(80, 5), *c;
    struct seg s;
    u32 snd_nxt = server_time_wait(l, 4002, true);

    /* PAWS: a segment with a TSval below TS.Recent (102) is rejected and ACKed. */
    inject_ts(4002, 80, TCPHDR_ACK, PISN + 2, snd_nxt, 50);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK);
    assert_int_equal(tcp_stats.paws_drops, 1);
    assert_int_equal(R(TCP_RFC7323_PAWS), 1);
    net_test_run(600 * MS);     /* past the 500 ms limit that ACK started */
    /* The same SYN twice within 500 ms: one ACK (the rate limit), not a reuse (old TSval). */
    inject_ts(4002, 80, TCPHDR_SYN, PISN - 10, 0, 60);
    inject_ts(4002, 80, TCPHDR_SYN, PISN - 10, 0, 60);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK);
    assert_false(pop(&s));
    assert_int_equal(tcp_stats.tw_ack_skipped, 1);
    assert_int_equal(tcp_stats.paws_drops, 3);
    assert_int_equal(tcp_tw_count(), 1);
    /* RFC 6191: a sequence number below RCV.NXT, but a newer TSval: a new incarnation. */
    inject_ts(4002, 80, TCPHDR_SYN, PISN - 10, 0, 500);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
    assert_int_equal(s.seq, snd_nxt + 65537);
    assert_int_equal(tcp_tw_count(), 0);
    inject_ts(4002, 80, TCPHDR_ACK, PISN - 9, s.seq + 1, 501);
    c = accept_k(l);
    assert_non_null(c);
    sock_set_flag(c->sk, SOCK_LINGER);
    sock_release(c);
    assert_true(pop(&s));
    sock_release(l);
}

static void test_overflow_closes_without_time_wait(void **state)
{
    struct socket *l = listener(80, 5);
    struct seg s;

    tcp_max_tw_buckets = 2;
    server_time_wait(l, 4010, false);
    server_time_wait(l, 4011, false);
    assert_int_equal(tcp_stats.tw_overflow, 0);
    server_time_wait(l, 4012, false);           /* over the limit: closed directly, as Linux */
    assert_int_equal(tcp_stats.tw_overflow, 1);
    assert_int_equal(tcp_tw_count(), 2);
    assert_int_equal(tw_cache_objs(), 2);
    assert_int_equal(sock_count(), 1);          /* the listener */
    inject(4012, 80, TCPHDR_ACK | TCPHDR_FIN, PISN + 1, 0, NULL, 0);  /* no TIME-WAIT: RST */
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_RST);
    sock_release(l);
}

static int set_reuse(struct socket *so)
{
    int one = 1;

    return sock_setsockopt(so->sk, SO_REUSEADDR, (u64)(uintptr_t)&one, sizeof(one));
}

static void test_port_held_for_bind_and_connect(void **state)
{
    struct sockaddr_in any80 = { .sin_family = AF_INET, .sin_port = htons(80) };
    struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(4020), .sin_addr = htonl(PEER) };
    struct socket *l = tcp_socket(), *b;
    struct seg s;

    assert_int_equal(set_reuse(l), 0);
    assert_int_equal(l->ops->bind(l, &any80, sizeof(any80)), 0);
    assert_int_equal(l->ops->listen(l, 5), 0);
    server_time_wait(l, 4020, false);
    sock_release(l);
    /* Port 80 is held by the TIME-WAIT entry: bind() needs SO_REUSEADDR (both had it). */
    b = tcp_socket();
    assert_int_equal(b->ops->bind(b, &any80, sizeof(any80)), -EADDRINUSE);
    assert_int_equal(set_reuse(b), 0);
    assert_int_equal(b->ops->bind(b, &any80, sizeof(any80)), 0);
    /* ... but the very 4-tuple stays taken (Linux without tcp_tw_reuse). */
    assert_int_equal(b->ops->connect(b, &peer, sizeof(peer), O_NONBLOCK), -EADDRNOTAVAIL);
    peer.sin_port = htons(4021);
    assert_int_equal(b->ops->connect(b, &peer, sizeof(peer), O_NONBLOCK), -EINPROGRESS);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_SYN);
    sock_release(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_sock_freed_on_entering_time_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retransmitted_fin_reacked_and_2msl_restarted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_frees_after_2msl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rst_kills_only_at_rcv_nxt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_syn_reuses_the_tuple, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syn_with_newer_timestamp_and_paws, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_closes_without_time_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_held_for_bind_and_connect, setup, teardown),
    };

    net_test_boot();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
