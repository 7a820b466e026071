/* TCP options (net/tcp_options.c): every malformed class dropped as
 * TCP_OPTIONS, SYN-only options ignored elsewhere, window scale clamped,
 * builder layouts byte for byte and round trips through the parser, the
 * negotiation hooks, PAWS and TS.Recent (RFC 7323 §4.3, §5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <net/byteorder.h>
#include <net/tcp_ext.h>
#include "../../net/tcp_impl.h"
#include "host/fake_clock.h"

#define OK SKB_DROP_REASON_NOT_DROPPED_YET
#define BAD SKB_DROP_REASON_TCP_OPTIONS

static struct tcp_options_received rx;
static struct tcp_opt_notes notes;

static enum skb_drop_reason parse(const u8 *o, unsigned len, bool syn)
{
    return tcp_parse_opts(o, len, syn, &rx, &notes);
}

static void test_syn_options(void **state)
{
    const u8 o[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0 };

    assert_int_equal(parse(o, sizeof(o), true), OK);
    assert_int_equal(rx.mss_clamp, 1460);
    assert_true(rx.saw_mss && rx.wscale_ok && rx.sack_ok && rx.tstamp_ok && rx.saw_tstamp);
    assert_int_equal(rx.snd_wscale, 7);
    assert_int_equal(rx.rcv_tsval, 9);
    assert_false(notes.wscale_clamped);
    /* The same bytes on a non-SYN: only the timestamp counts (RFC 7323 §2.2, RFC 2018 §2). */
    assert_int_equal(parse(o, sizeof(o), false), OK);
    assert_false(rx.saw_mss || rx.wscale_ok || rx.sack_ok || rx.tstamp_ok);
    assert_true(rx.saw_tstamp);
}

static void test_wscale_clamped_mss_zero(void **state)
{
    const u8 ws15[] = { 3, 3, 15, 1 }, ws255[] = { 3, 3, 255, 0 }, mss0[] = { 2, 4, 0, 0 };

    assert_int_equal(parse(ws15, 4, true), OK);
    assert_int_equal(rx.snd_wscale, TCP_MAX_WSCALE);
    assert_true(notes.wscale_clamped);
    assert_int_equal(parse(ws255, 4, true), OK);
    assert_int_equal(rx.snd_wscale, TCP_MAX_WSCALE);
    assert_int_equal(parse(mss0, 4, true), OK);     /* MSS 0: as if absent (Linux) */
    assert_false(rx.saw_mss);
    assert_int_equal(rx.mss_clamp, 0);
}

static void test_malformed(void **state)
{
    const u8 len0[] = { 2, 0, 5, 0xb4 }, len1[] = { 8, 1, 0, 0 };
    const u8 overrun[] = { 1, 1, 8, 10, 0, 0, 0, 1 };       /* TS claims 10, 6 left */
    const u8 no_len[] = { 1, 1, 1, 2 };                     /* kind with no length byte */
    const u8 mss3[] = { 2, 3, 5, 0 }, ts8[] = { 8, 8, 0, 0, 0, 0, 0, 0 };
    const u8 ws4[] = { 3, 4, 7, 0 }, sp3[] = { 4, 3, 0, 1 };
    const u8 sack9[] = { 5, 9, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 }, sack2[] = { 5, 2, 1, 1 };
    const u8 unk0[] = { 99, 0, 1, 1 };

    assert_int_equal(parse(len0, 4, true), BAD);
    assert_int_equal(parse(len1, 4, false), BAD);
    assert_int_equal(parse(overrun, 8, false), BAD);
    assert_int_equal(parse(no_len, 4, true), BAD);
    assert_int_equal(parse(mss3, 4, true), BAD);
    assert_int_equal(parse(ts8, 8, false), BAD);
    assert_int_equal(parse(ws4, 4, true), BAD);
    assert_int_equal(parse(sp3, 4, true), BAD);
    assert_int_equal(parse(sack9, 12, false), BAD);
    assert_int_equal(parse(sack2, 4, false), BAD);
    assert_int_equal(parse(unk0, 4, false), BAD);           /* unknown kinds need a sane length too */
}

static void test_eol_unknown_sack(void **state)
{
    const u8 eol[] = { 0, 2, 0, 0 };                        /* after EOL nothing is read */
    const u8 unk[] = { 99, 4, 0xff, 0xff, 2, 4, 2, 0 };
    u8 sack[2 + 32] = { 5, 34 };

    assert_int_equal(parse(eol, 4, true), OK);
    assert_false(rx.saw_mss);
    assert_int_equal(parse(unk, 8, true), OK);
    assert_int_equal(rx.mss_clamp, 512);
    for (unsigned i = 0; i < 8; i++)
        sack[2 + 4 * i + 3] = (u8)(i + 1);
    assert_int_equal(parse(sack, sizeof(sack), false), OK);
    assert_int_equal(rx.num_sacks, 4);
    assert_int_equal(rx.sacks[0].start_seq, 1);
    assert_int_equal(rx.sacks[3].end_seq, 8);
}

static void test_parse_hook_counts_clamp(void **state)
{
    u8 seg[24] = { 0 };
    struct tcphdr *th = (struct tcphdr *)seg;
    u64 before = tcp_stats.wscale_clamped;

    th->doff_res = 6 << 4;
    th->flags = TCPHDR_SYN;
    seg[20] = 1, seg[21] = 3, seg[22] = 3, seg[23] = 20;
    assert_int_equal(tcp_parse_options(th, &rx), OK);
    assert_int_equal(rx.snd_wscale, 14);
    assert_int_equal(tcp_stats.wscale_clamped, before + 1);
}

/* Builder: Linux's byte layout, and what it writes parses back to the same values. */
static void test_build_syn_layout(void **state)
{
    struct tcp_out_options o = { .mss = 1460, .options = OPTION_TS | OPTION_SACK_ADVERTISE | OPTION_WSCALE,
                                 .tsval = 0x01020304, .tsecr = 0 };
    const u8 want[] = { 2, 4, 5, 180, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 2 };
    u8 buf[40];
    struct tcp_sock *tp = kzalloc(sizeof(*tp));

    tp->inet_conn.icsk_inet.sk.sk_rcvbuf = SYSCTL_RMEM_DEFAULT;
    assert_int_equal(tcp_syn_options(&tp->inet_conn.icsk_inet.sk, &o), 20);
    o.tsval = 0x01020304;
    tcp_options_write(buf, &o);
    assert_memory_equal(buf, want, sizeof(want));
    assert_int_equal(tp->rx_opt.rcv_wscale, 2);     /* 65535 << 2 >= 212992 */
    assert_int_equal(parse(buf, 20, true), OK);
    assert_true(rx.wscale_ok && rx.sack_ok && rx.tstamp_ok);
    assert_int_equal(rx.mss_clamp, 1460);
    kfree(tp);
}

static void test_build_established_sacks(void **state)
{
    struct tcp_sock *tp = kzalloc(sizeof(*tp));
    struct tcp_out_options o = { 0 };
    u8 buf[40];

    tp->rx_opt.tstamp_ok = tp->rx_opt.sack_ok = 1;
    tp->ts_recent = 77;
    tp->num_sacks = 4;
    for (unsigned i = 0; i < 4; i++)
        tp->selective_acks[i] = (struct tcp_sack_block){ 1000 * (i + 1), 1000 * (i + 1) + 500 };
    /* With timestamps only 3 blocks fit: 12 + 4 + 24 = 40. */
    assert_int_equal(tcp_established_options(&tp->inet_conn.icsk_inet.sk, &o), 40);
    assert_int_equal(o.num_sack_blocks, 3);
    tcp_options_write(buf, &o);
    assert_int_equal(buf[0], TCPOPT_NOP);
    assert_int_equal(buf[2], TCPOPT_TIMESTAMP);
    assert_int_equal(parse(buf, 40, false), OK);
    assert_int_equal(rx.rcv_tsecr, 77);
    assert_int_equal(rx.num_sacks, 3);
    assert_int_equal(rx.sacks[2].start_seq, 3000);
    /* A D-SACK goes first, once (RFC 2883 §4). */
    tcp_dsack_set(tp, 10, 20);
    memset(&o, 0, sizeof(o));
    tcp_established_options(&tp->inet_conn.icsk_inet.sk, &o);
    assert_int_equal(o.sack[0].start_seq, 10);
    assert_int_equal(o.sack[1].start_seq, 1000);
    assert_false(tp->dsack);
    /* Without timestamps, 4 blocks: 4 + 32 = 36. */
    tp->rx_opt.tstamp_ok = 0;
    memset(&o, 0, sizeof(o));
    assert_int_equal(tcp_established_options(&tp->inet_conn.icsk_inet.sk, &o), 36);
    kfree(tp);
}

static void test_negotiation(void **state)
{
    struct request_sock req = { 0 };
    struct tcp_sock *tp = kzalloc(sizeof(*tp)), *child = kzalloc(sizeof(*child));
    struct sock *sk = &tp->inet_conn.icsk_inet.sk;
    struct tcp_out_options o = { 0 };
    const u8 ts_only[] = { 1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 0 };

    sk->sk_rcvbuf = SYSCTL_RMEM_DEFAULT;
    assert_int_equal(parse(ts_only, sizeof(ts_only), true), OK);
    tcp_openreq_init_options(&req, &rx, sk);
    assert_int_equal(req.mss, TCP_MSS_DEFAULT);     /* no MSS option: 536 */
    assert_true(req.tstamp_ok);
    assert_false(req.sack_ok || req.wscale_ok);
    assert_int_equal(req.ts_recent, 5);
    /* SYN-ACK answers only what was offered: NOP NOP TS. */
    assert_int_equal(tcp_synack_options(&req, &o), 12);
    assert_int_equal(o.tsecr, 5);
    tcp_options_from_req(&child->inet_conn.icsk_inet.sk, &req);
    assert_true(child->rx_opt.tstamp_ok);
    assert_int_equal(child->ts_recent, 5);
    /* Active open: a SYN-ACK without WS turns our offered shift off (RFC 7323 §2.2). */
    tcp_syn_options(sk, &o);
    tcp_options_from_synack(sk, &rx);
    assert_int_equal(tp->rx_opt.rcv_wscale, 0);
    assert_int_equal(tp->rx_opt.mss_clamp, TCP_MSS_DEFAULT);
    kfree(tp);
    kfree(child);
}

static void test_paws(void **state)
{
    struct tcp_sock *tp = kzalloc(sizeof(*tp));
    struct tcp_options_received seg = { .saw_tstamp = 1, .rcv_tsval = 99 };
    u64 now = 10 * NSEC_PER_SEC;

    tp->rx_opt.tstamp_ok = 1;
    tp->ts_recent = 100;
    tp->ts_recent_stamp = now;
    assert_true(tcp_paws_check_reject(tp, &seg, false, now));
    assert_false(tcp_paws_check_reject(tp, &seg, true, now));      /* RST: never by PAWS */
    seg.rcv_tsval = 100;
    assert_false(tcp_paws_check_reject(tp, &seg, false, now));
    seg.rcv_tsval = 0xfffffff0u;                                    /* behind 100 modulo 2^32 */
    tp->ts_recent = 5;
    assert_true(tcp_paws_check_reject(tp, &seg, false, now));
    assert_false(tcp_paws_check_reject(tp, &seg, false, now + TCP_PAWS_24DAYS)); /* §5.5 */
    seg.saw_tstamp = 0;
    assert_false(tcp_paws_check_reject(tp, &seg, false, now));
    kfree(tp);
}

static void test_ts_recent_update(void **state)
{
    struct tcp_sock *tp = kzalloc(sizeof(*tp));
    struct sock *sk = &tp->inet_conn.icsk_inet.sk;
    struct tcp_options_received seg = { .saw_tstamp = 1, .rcv_tsval = 500, .rcv_tsecr = 0 };
    struct sk_buff *skb = alloc_skb(64);

    fake_clock_set(50 * NSEC_PER_SEC);
    tp->rx_opt.tstamp_ok = 1;
    tp->ts_recent = 400;
    tp->ts_recent_stamp = 1;
    tp->last_ack_sent = 1000;
    TCP_SKB_CB(skb)->seq = 1001;                    /* beyond Last.ACK.sent: not recorded */
    tcp_ts_update(sk, &seg, skb);
    assert_int_equal(tp->ts_recent, 400);
    TCP_SKB_CB(skb)->seq = 1000;
    tcp_ts_update(sk, &seg, skb);
    assert_int_equal(tp->ts_recent, 500);
    seg.rcv_tsval = 450;                            /* older: kept */
    tcp_ts_update(sk, &seg, skb);
    assert_int_equal(tp->ts_recent, 500);
    /* RTT from TSecr, ms ticks, 0 ms counted as 1 ms. */
    seg.rcv_tsecr = tcp_ts_clock(50 * NSEC_PER_SEC) - 30;
    assert_int_equal(tcp_ts_rtt_sample(sk, &seg), 30 * NSEC_PER_MSEC);
    seg.rcv_tsecr += 30;
    assert_int_equal(tcp_ts_rtt_sample(sk, &seg), NSEC_PER_MSEC);
    consume_skb(skb);
    kfree(tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syn_options),
        cmocka_unit_test(test_wscale_clamped_mss_zero),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_eol_unknown_sack),
        cmocka_unit_test(test_parse_hook_counts_clamp),
        cmocka_unit_test(test_build_syn_layout),
        cmocka_unit_test(test_build_established_sacks),
        cmocka_unit_test(test_negotiation),
        cmocka_unit_test(test_paws),
        cmocka_unit_test(test_ts_recent_update),
    };
    consume_skb(alloc_skb(64));                 /* skb caches exist before the baseline */
    u64 heap = kmem_bytes_in_use();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    return rc || kmem_bytes_in_use() != heap;
}
