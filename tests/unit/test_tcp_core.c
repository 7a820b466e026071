/* TCP core (net/tcp*.c) on the fake device with the fake clock: the state
 * machine of RFC 9293 driven by crafted segments from a scripted peer, each
 * reply checked field by field, drops asserted by their named counters, and
 * the heap and sock count back to baseline after every test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <net/byteorder.h>
#include <net/inet_sock.h>
#include <net/tcp.h>
#include "../../net/tcp_impl.h"
#include "host/fake_netdev.h"
#include "host/tcp_peer.h"

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
    inject_raw(seg, 20);
    seg[12] = 0x60;
    inject_raw(seg, 20);
    assert_int_equal(R(TCP_HDR), 2);
    seg[12] = 0x50;     /* valid header, checksum 0: wrong */
    inject_raw(seg, 20);
    assert_int_equal(R(TCP_CSUM), 1);
    assert_int_equal(tcp_stats.in_csum_errors, 1);
    assert_false(pop(&s));
    sock_release(l);
}

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
    assert_int_equal(tcp_tw_count(), 1);
    inject(5000, p, TCPHDR_ACK | TCPHDR_FIN, PISN + 1, iss + 2, NULL, 0);   /* FIN again: ACK again */
    assert_true(pop(&s));
    assert_int_equal(s.ack, PISN + 2);
    net_test_run(59 * NSEC_PER_SEC);
    assert_int_equal(tcp_tw_count(), 1);
    net_test_run(2 * NSEC_PER_SEC);
    assert_int_equal(tcp_tw_count(), 0);
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
    assert_int_equal(sock_count(), 1);      /* l; c is a TIME-WAIT entry now */
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
    assert_int_equal(c->sk->sk_state, TCP_CLOSE);
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

/*
 * SO_KEEPALIVE turned on for a connection already established starts the
 * probes, as Linux's sock_setsockopt -> tcp_set_keepalive: after
 * TCP_KEEPIDLE of silence, <SEQ=SND.NXT-1><ACK=RCV.NXT> with no data (RFC
 * 1122 §4.2.3.6).  Turned off, no more probes.
 */
static void test_keepalive_set_after_establishment(void **state)
{
    struct socket *l = listener(80, 5), *c;
    int idle = 10, one = 1, zero = 0;
    struct seg s;
    u32 iss;

    c = passive_open(l, 4008, &iss);
    assert_int_equal(c->ops->setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, (u64)(uintptr_t)&idle,
                                        sizeof(idle)), 0);
    assert_int_equal(sock_setsockopt(c->sk, SO_KEEPALIVE, (u64)(uintptr_t)&one, sizeof(one)), 0);
    net_test_run(11 * NSEC_PER_SEC);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK);
    assert_int_equal(s.seq, iss);               /* SND.NXT - 1: the peer must answer */
    assert_int_equal(s.ack, PISN + 1);
    assert_int_equal(s.len, 0);
    assert_false(pop(&s));
    assert_int_equal(sock_setsockopt(c->sk, SO_KEEPALIVE, (u64)(uintptr_t)&zero, sizeof(zero)), 0);
    net_test_run(60 * NSEC_PER_SEC);
    assert_false(pop(&s));
    sock_set_flag(c->sk, SOCK_LINGER);          /* abort: the peer here never ACKs a FIN */
    c->sk->sk_lingertime = 0;
    sock_release(c);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_RST | TCPHDR_ACK);
    sock_release(l);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tcp_peer_setup, tcp_peer_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_passive_open_data_and_peer_close),
        T(test_keepalive_set_after_establishment),
        T(test_rst_for_closed_port),
        T(test_header_validation),
        T(test_active_open_and_client_close_time_wait),
        T(test_connect_refused_and_syn_timeout),
        T(test_close_with_unread_data_sends_rst),
        T(test_retransmission_backoff),
        T(test_rst_in_window_challenge),
        T(test_simultaneous_close),
        T(test_half_close_data_flows),
        T(test_backlog_overflow),
        T(test_zero_window_persist),
        T(test_linger_zero_aborts),
    };

    net_test_boot();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
