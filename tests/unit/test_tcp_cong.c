/* Congestion control (net/tcp_cong.c) on a bare tcp_sock: RFC 6928 IW,
 * RFC 5681 slow start -> congestion avoidance at ssthresh, fast retransmit
 * on the third duplicate ACK with ssthresh = max(flight/2, 2 SMSS), window
 * inflation, RFC 6582 partial and full ACKs, the "recover" guard after an
 * RTO, the loss window, ssthresh held on a repeated RTO, restart after idle,
 * RFC 3042 limited transmit (one new segment per early duplicate ACK);
 * and the RFC 5961 / keepalive decisions (net/tcp_rfc5961.c,
 * net/tcp_keepalive.c), which are as small. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/time.h>
#include <net/tcp_ext.h>
#include "../../net/tcp_impl.h"

#define MSS 1000u
#define ISS 1000000u

static struct tcp_sock *tp;

static int setup(void **state)
{
    tp = kzalloc(sizeof(*tp));
    tp->mss_cache = MSS;
    tp->iss = ISS;
    tp->snd_una = tp->snd_nxt = ISS + 1;
    tcp_cong_reset(tp);
    return 0;
}

static int teardown(void **state)
{
    kfree(tp);
    return 0;
}

/* The core's ACK step: snd_una moves first, then the hook's leaf sees the event. */
static unsigned ack(u32 acked, bool dup)
{
    struct tcp_ack_info ai = { .prior_una = tp->snd_una, .acked = acked, .dup = dup };

    tp->snd_una += acked;
    return tcp_cong_ack_event(tp, &ai);
}

static void send(u32 bytes) { tp->snd_nxt += bytes; }

static void test_initial_window(void **state)
{
    assert_int_equal(tp->snd_cwnd, 10 * MSS);
    assert_int_equal(tp->snd_ssthresh, TCP_INFINITE_SSTHRESH);
    assert_int_equal(tp->ca_state, TCP_CA_Open);
    tp->mss_cache = 0;                          /* no MSS yet: 536 (RFC 9293 §3.7.1) */
    tcp_cong_reset(tp);
    assert_int_equal(tp->snd_cwnd, 10 * 536);
}

static void test_slow_start_then_ca(void **state)
{
    tp->snd_ssthresh = 14 * MSS;
    send(40 * MSS);
    for (int i = 0; i < 4; i++)
        assert_int_equal(ack(MSS, false), 0);
    assert_int_equal(tp->snd_cwnd, 14 * MSS);   /* +1 SMSS per ACK: reached ssthresh */
    ack(3 * MSS, false);                         /* a stretch ACK: CA counts bytes */
    assert_int_equal(tp->snd_cwnd, 14 * MSS);
    for (int i = 0; i < 10; i++)
        ack(MSS, false);                         /* 13 SMSS acked: one cwnd's worth reached */
    assert_int_equal(tp->snd_cwnd, 14 * MSS);
    ack(MSS, false);
    assert_int_equal(tp->snd_cwnd, 15 * MSS);
    assert_int_equal(tp->snd_cwnd_cnt, 0);
    /* Slow start counts at most SMSS per ACK (RFC 5681 eq. 2). */
    tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
    ack(5 * MSS, false);
    assert_int_equal(tp->snd_cwnd, 16 * MSS);
}

static void test_fast_retransmit_newreno(void **state)
{
    send(20 * MSS);
    assert_int_equal(ack(0, true), 0);
    assert_int_equal(tp->ca_state, TCP_CA_Disorder);
    assert_int_equal(ack(0, true), 0);
    unsigned act = ack(0, true);
    assert_true(act & TCP_CA_RETRANSMIT);
    assert_true(act & TCP_CA_ENTERED_RECOVERY);
    assert_int_equal(tp->ca_state, TCP_CA_Recovery);
    assert_int_equal(tp->snd_ssthresh, 10 * MSS);            /* flight 20 / 2 */
    assert_int_equal(tp->snd_cwnd, 13 * MSS);                /* + 3 SMSS */
    assert_int_equal(tp->high_seq, tp->snd_nxt);
    assert_int_equal(ack(0, true), 0);
    assert_int_equal(tp->snd_cwnd, 14 * MSS);                /* inflation */
    send(MSS);
    /* Partial ACK: retransmit the next hole, deflate by acked, add one SMSS back. */
    act = ack(5 * MSS, false);
    assert_true(act & TCP_CA_RETRANSMIT);
    assert_true(act & TCP_CA_PARTIAL_ACK);
    assert_int_equal(tp->snd_cwnd, 14 * MSS - 5 * MSS + MSS);
    assert_int_equal(tp->ca_state, TCP_CA_Recovery);
    /* Full ACK: cwnd = min(ssthresh, max(flight, SMSS) + SMSS) (RFC 6582 §3.2 (3) option 1). */
    act = ack(tp->high_seq - tp->snd_una, false);
    assert_true(act & TCP_CA_FULL_ACK);
    assert_int_equal(tp->ca_state, TCP_CA_Open);
    assert_int_equal(tp->snd_cwnd, 2 * MSS);                 /* flight now MSS (sent after entry) */
}

static void test_ssthresh_floor(void **state)
{
    send(3 * MSS);
    ack(0, true), ack(0, true), ack(0, true);
    assert_int_equal(tp->snd_ssthresh, 2 * MSS);             /* max(1.5, 2) SMSS */
}

static void test_rto_and_recover_guard(void **state)
{
    send(20 * MSS);
    tcp_cong_rto_event(tp, 20 * MSS, true);
    assert_int_equal(tp->snd_cwnd, MSS);                     /* loss window */
    assert_int_equal(tp->snd_ssthresh, 10 * MSS);
    assert_int_equal(tp->ca_state, TCP_CA_Loss);
    tcp_cong_rto_event(tp, 20 * MSS, false);                 /* same segment again: held */
    assert_int_equal(tp->snd_ssthresh, 10 * MSS);
    /* Duplicate ACKs below "recover" are echoes: no fast retransmit (RFC 6582 §3.2 (2)). */
    ack(MSS, false);
    assert_int_equal(tp->snd_cwnd, 2 * MSS);                 /* slow start again */
    assert_int_equal(ack(0, true) | ack(0, true) | ack(0, true), 0);
    assert_int_equal(tp->ca_state, TCP_CA_Loss);
    ack(tp->high_seq - tp->snd_una, false);
    assert_int_equal(tp->ca_state, TCP_CA_Open);
}

static u32 room(void) { return tcp_cwnd_room(&tp->inet_conn.icsk_inet.sk); }

/* RFC 3042 §2: the first two duplicates each let one new segment out; cwnd unchanged. */
static void test_limited_transmit(void **state)
{
    send(10 * MSS);
    assert_int_equal(room(), 0);                            /* IW full */
    ack(0, true);
    assert_int_equal(room(), MSS);
    send(MSS);
    assert_int_equal(room(), 0);
    ack(0, true);
    assert_int_equal(room(), MSS);                          /* FlightSize <= cwnd + 2 SMSS */
    send(MSS);
    assert_int_equal(tp->snd_cwnd, 10 * MSS);
    ack(0, true);                                           /* third: fast retransmit, no more extra */
    assert_int_equal(tp->ca_state, TCP_CA_Recovery);
    assert_int_equal(room(), 0);                            /* ssthresh 6 + 3 SMSS < flight 12 */
    assert_int_equal(tcp_cong_limited_transmit(tp), 0);
    /* With SACK the duplicates' SACKed bytes leave pipe instead (RFC 6675 §5 (3)). */
    teardown(state), setup(state);
    tp->rx_opt.sack_ok = 1;
    send(10 * MSS);
    ack(0, true);
    assert_int_equal(room(), 0);
    tp->sacked_out = MSS;
    assert_int_equal(room(), MSS);
}

static void test_restart_after_idle(void **state)
{
    tp->snd_cwnd = 40 * MSS;
    tcp_cong_restart_after_idle(tp);
    assert_int_equal(tp->snd_cwnd, 10 * MSS);
    tp->snd_cwnd = 4 * MSS;
    tcp_cong_restart_after_idle(tp);
    assert_int_equal(tp->snd_cwnd, 4 * MSS);
}

/* ---- RFC 5961 ---- */

static void test_rst_window(void **state)
{
    assert_int_equal(tcp_rst_check(100, 100, 1000), TCP_RST_ACCEPT);
    assert_int_equal(tcp_rst_check(101, 100, 1000), TCP_RST_CHALLENGE);
    assert_int_equal(tcp_rst_check(1099, 100, 1000), TCP_RST_CHALLENGE);
    assert_int_equal(tcp_rst_check(1100, 100, 1000), TCP_RST_OUTSIDE);
    assert_int_equal(tcp_rst_check(99, 100, 1000), TCP_RST_OUTSIDE);
    assert_int_equal(tcp_rst_check(5, 0xfffffff0u, 100), TCP_RST_CHALLENGE);   /* wraps */
    assert_int_equal(tcp_rst_check(101, 100, 0), TCP_RST_OUTSIDE);            /* zero window */
}

static void test_ack_too_old(void **state)
{
    tp->snd_una = 100000;
    tp->max_window = 65535;
    assert_false(tcp_ack_too_old(tp, 100000 - 65535));
    assert_true(tcp_ack_too_old(tp, 100000 - 65536));
    tp->snd_una = 10;                                        /* across the wrap */
    assert_true(tcp_ack_too_old(tp, 10 - 70000));
    assert_false(tcp_ack_too_old(tp, 10 - 100));
}

static void test_challenge_rate_limits(void **state)
{
    u64 last = 0, other = 0, t = 100 * NSEC_PER_SEC;
    bool global;
    unsigned sent = 0;

    tcp_challenge_reset();
    assert_true(tcp_challenge_allowed(&last, t, &global));
    assert_false(tcp_challenge_allowed(&last, t + 499 * NSEC_PER_MSEC, &global));   /* per socket */
    assert_false(global);
    assert_true(tcp_challenge_allowed(&last, t + 500 * NSEC_PER_MSEC, &global));
    /* Globally: many sockets in one second get a budget in [500, 1500). */
    t = 200 * NSEC_PER_SEC;
    for (unsigned i = 0; i < 3000; i++) {
        other = 0;
        sent += tcp_challenge_allowed(&other, t + i, &global);
    }
    assert_in_range(sent, 500, 1499);
    assert_true(global);
    other = 0;
    assert_true(tcp_challenge_allowed(&other, t + NSEC_PER_SEC, &global));   /* next second */
}

/* ---- keepalive ---- */

static void test_keepalive_decisions(void **state)
{
    u64 next, t0 = 1000 * NSEC_PER_SEC;

    tp->rcv_tstamp = t0;
    assert_int_equal(tcp_keepalive_decide(tp, t0 + NSEC_PER_SEC, false, 0, &next), TCP_KA_REARM);
    assert_int_equal(next, t0 + TCP_KEEPALIVE_TIME);
    assert_int_equal(tcp_keepalive_decide(tp, t0 + TCP_KEEPALIVE_TIME, false, 0, &next), TCP_KA_PROBE);
    assert_int_equal(next, t0 + TCP_KEEPALIVE_TIME + TCP_KEEPALIVE_INTVL);
    assert_int_equal(tcp_keepalive_decide(tp, t0 + TCP_KEEPALIVE_TIME, true, 0, &next), TCP_KA_REARM);
    assert_int_equal(tcp_keepalive_decide(tp, t0 + TCP_KEEPALIVE_TIME * 2, false, 8, &next), TCP_KA_PROBE);
    assert_int_equal(tcp_keepalive_decide(tp, t0 + TCP_KEEPALIVE_TIME * 2, false, 9, &next), TCP_KA_ABORT);
    tp->keepalive_time = 10 * NSEC_PER_SEC, tp->keepalive_intvl = NSEC_PER_SEC, tp->keepalive_probes = 2;
    assert_int_equal(tcp_keepalive_decide(tp, t0 + 10 * NSEC_PER_SEC, false, 1, &next), TCP_KA_PROBE);
    assert_int_equal(next, t0 + 11 * NSEC_PER_SEC);
    assert_int_equal(tcp_keepalive_decide(tp, t0 + 12 * NSEC_PER_SEC, false, 2, &next), TCP_KA_ABORT);
    assert_int_equal(tcp_keepalive_check(TCP_KEEPIDLE, 0), -EINVAL);
    assert_int_equal(tcp_keepalive_check(TCP_KEEPINTVL, 32767), 0);
    assert_int_equal(tcp_keepalive_check(TCP_KEEPIDLE, 32768), -EINVAL);
    assert_int_equal(tcp_keepalive_check(TCP_KEEPCNT, 127), 0);
    assert_int_equal(tcp_keepalive_check(TCP_KEEPCNT, 128), -EINVAL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_initial_window), T(test_slow_start_then_ca), T(test_fast_retransmit_newreno),
        T(test_ssthresh_floor), T(test_rto_and_recover_guard), T(test_limited_transmit),
        T(test_restart_after_idle),
        T(test_rst_window), T(test_ack_too_old), T(test_challenge_rate_limits),
        T(test_keepalive_decisions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
