/* SACK sender side (net/tcp_sack.c) on a write queue of one-MSS skbs:
 * tagging (whole skbs only, invalid blocks ignored, D-SACK recognised and
 * not scored), RFC 6675 IsLost by bytes and by discontiguous runs, NextSeg
 * rules 1 and 3, retransmission and cumulative-ACK accounting, the RTO
 * reset, and the counters always equal to the sums of the skbs' bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/mm.h>
#include <net/tcp_ext.h>
#include "../../net/tcp_impl.h"

#define MSS 1000u
#define UNA 5000u
#define NSEG 10

static struct tcp_sock *tp;
static struct sk_buff *seg[NSEG];
static u64 heap;

static struct sock *sk(void) { return &tp->inet_conn.icsk_inet.sk; }

static int setup(void **state)
{
    consume_skb(alloc_skb(64));
    heap = kmem_bytes_in_use();
    tp = kzalloc(sizeof(*tp));
    skb_queue_head_init(&sk()->sk_write_queue);
    tp->mss_cache = MSS;
    tp->snd_una = UNA;
    for (unsigned i = 0; i < NSEG; i++) {
        seg[i] = alloc_skb(MSS);
        skb_put(seg[i], MSS);
        TCP_SKB_CB(seg[i])->seq = UNA + i * MSS;
        TCP_SKB_CB(seg[i])->end_seq = UNA + (i + 1) * MSS;
        skb_queue_tail(&sk()->sk_write_queue, seg[i]);
    }
    tp->snd_nxt = UNA + NSEG * MSS;
    tp->send_head = NULL;                   /* everything sent */
    return 0;
}

static int teardown(void **state)
{
    skb_queue_purge_reason(&sk()->sk_write_queue, SKB_DROP_REASON_NOT_SPECIFIED);
    kfree(tp);
    assert_int_equal(kmem_bytes_in_use(), heap);
    return 0;
}

/* The scoreboard invariant: totals equal the sums over the skbs' bits. */
static void check_totals(void)
{
    u32 s = 0, l = 0, r = 0;

    for (unsigned i = 0; i < NSEG; i++) {
        u8 b = TCP_SKB_CB(seg[i])->sacked;

        s += b & TCPCB_SACKED_ACKED ? MSS : 0;
        l += b & TCPCB_LOST ? MSS : 0;
        r += b & TCPCB_SACKED_RETRANS ? MSS : 0;
    }
    assert_int_equal(tp->sacked_out, s);
    assert_int_equal(tp->lost_out, l);
    assert_int_equal(tp->retrans_out, r);
}

static u32 sack(u32 ack, unsigned n, const struct tcp_sack_block *b, bool *dsack, unsigned *ign)
{
    struct tcp_options_received rx = { .num_sacks = (u8)n };

    for (unsigned i = 0; i < n; i++)
        rx.sacks[i] = b[i];
    return tcp_sack_tag(tp, &rx, ack, dsack, ign);
}

#define SEQ(i) (UNA + (i) * MSS)

static void test_tag_whole_skbs(void **state)
{
    struct tcp_sack_block b[] = { { SEQ(2), SEQ(4) }, { SEQ(6) + 10, SEQ(8) } };
    bool dsack = false;
    unsigned ign = 0;

    assert_int_equal(sack(UNA, 2, b, &dsack, &ign), 3 * MSS);   /* seg 6 only partly: not SACKed */
    assert_true(TCP_SKB_CB(seg[2])->sacked & TCPCB_SACKED_ACKED);
    assert_false(TCP_SKB_CB(seg[6])->sacked & TCPCB_SACKED_ACKED);
    assert_true(TCP_SKB_CB(seg[7])->sacked & TCPCB_SACKED_ACKED);
    assert_int_equal(sack(UNA, 2, b, &dsack, &ign), 0);          /* again: nothing new */
    assert_false(dsack);
    check_totals();
}

static void test_invalid_and_dsack(void **state)
{
    struct tcp_sack_block bad[] = { { SEQ(8), SEQ(11) }, { SEQ(3), SEQ(2) }, { UNA - 500, SEQ(1) } };
    struct tcp_sack_block ds1[] = { { UNA - 1000, UNA }, { SEQ(3), SEQ(4) } };
    struct tcp_sack_block ds2[] = { { SEQ(5), SEQ(6) }, { SEQ(5), SEQ(7) } };
    bool dsack = false;
    unsigned ign = 0;

    assert_int_equal(sack(UNA, 3, bad, &dsack, &ign), 0);        /* beyond snd_nxt, inverted, below una */
    assert_int_equal(ign, 3);
    assert_false(dsack);                                         /* only a first block can be one */
    assert_int_equal(sack(UNA, 2, ds1, &dsack, &ign), MSS);      /* D-SACK not scored, second is */
    assert_true(dsack);
    dsack = false;
    assert_int_equal(sack(UNA, 2, ds2, &dsack, &ign), 2 * MSS);  /* first inside second (RFC 2883 §4) */
    assert_true(dsack);
    check_totals();
}

static void test_is_lost_by_bytes_and_runs(void **state)
{
    struct tcp_sack_block two[] = { { SEQ(1), SEQ(3) } };
    struct tcp_sack_block three[] = { { SEQ(1), SEQ(4) } };
    struct tcp_sack_block runs[] = { { SEQ(9), SEQ(10) }, { SEQ(7), SEQ(8) }, { SEQ(5), SEQ(6) } };

    sack(UNA, 1, two, NULL, NULL);
    assert_int_equal(tcp_sack_mark_lost(tp), 0);                 /* 2 SMSS above: not > (3-1) SMSS */
    sack(UNA, 1, three, NULL, NULL);
    assert_int_equal(tcp_sack_mark_lost(tp), MSS);               /* 3 SMSS above seg 0 */
    assert_true(TCP_SKB_CB(seg[0])->sacked & TCPCB_LOST);
    check_totals();
    teardown(state), setup(state);
    /* Three discontiguous SACKed runs above segs 0..4 (one SMSS each). */
    sack(UNA, 3, runs, NULL, NULL);
    tcp_sack_mark_lost(tp);
    for (unsigned i = 0; i < 5; i++)
        assert_true(TCP_SKB_CB(seg[i])->sacked & TCPCB_LOST);
    assert_false(TCP_SKB_CB(seg[6])->sacked & TCPCB_LOST);      /* two runs, 2 SMSS above it */
    check_totals();
}

static void test_next_seg_rules(void **state)
{
    struct tcp_sack_block b[] = { { SEQ(3), SEQ(6) } };
    struct sk_buff *s;

    sack(UNA, 1, b, NULL, NULL);
    tcp_sack_mark_lost(tp);                                      /* segs 0..2 lost */
    s = tcp_sack_next_seg(tp, false);
    assert_ptr_equal(s, seg[0]);                                 /* rule 1: lowest lost */
    tcp_sack_mark_retransmitted(tp, s);
    assert_ptr_equal(tcp_sack_next_seg(tp, false), seg[1]);
    tcp_sack_mark_retransmitted(tp, seg[1]);
    tcp_sack_mark_retransmitted(tp, seg[2]);
    assert_int_equal(tp->high_rxt, SEQ(3));
    assert_null(tcp_sack_next_seg(tp, false));                   /* no rule 3 while new data may go */
    /* Rule 3 needs SACKed data above the hole: segs 6..9 have none above. */
    assert_null(tcp_sack_next_seg(tp, true));
    check_totals();
    /* pipe (RFC 6675 SetPipe) as the core computes it: 10 out - 3 sacked - 3 lost + 3 retrans. */
    assert_int_equal(tp->snd_nxt - tp->snd_una - tp->sacked_out - tp->lost_out + tp->retrans_out,
                     7 * MSS);
}

static void test_rule3(void **state)
{
    struct tcp_sack_block b[] = { { SEQ(9), SEQ(10) } };

    sack(UNA, 1, b, NULL, NULL);                                 /* 1 SMSS above: nothing lost */
    assert_int_equal(tcp_sack_mark_lost(tp), 0);
    assert_null(tcp_sack_next_seg(tp, false));
    assert_ptr_equal(tcp_sack_next_seg(tp, true), seg[0]);       /* rule 3 when nothing new can go */
}

static void test_acked_and_rto(void **state)
{
    struct tcp_sack_block b[] = { { SEQ(2), SEQ(6) } };

    sack(UNA, 1, b, NULL, NULL);
    tcp_sack_mark_lost(tp);
    tcp_sack_mark_retransmitted(tp, seg[0]);
    check_totals();
    /* The cumulative ACK covers seg 0..2: the core unaccounts each, then frees it. */
    for (unsigned i = 0; i < 3; i++) {
        tcp_sack_unaccount(tp, seg[i]);
        skb_unlink(seg[i], &sk()->sk_write_queue);
        consume_skb(seg[i]);
        seg[i] = NULL;
    }
    tp->snd_una = SEQ(3);
    assert_int_equal(tp->sacked_out, 3 * MSS);
    assert_int_equal(tp->lost_out, 0);
    assert_int_equal(tp->retrans_out, 0);
    /* RTO: SACKs forgotten, everything lost, the head counted as resent. */
    tcp_sack_reset_on_rto(tp);
    assert_int_equal(tp->sacked_out, 0);
    assert_int_equal(tp->lost_out, 7 * MSS);
    assert_int_equal(tp->retrans_out, MSS);
    assert_true(TCP_SKB_CB(seg[3])->sacked & TCPCB_SACKED_RETRANS);
    assert_ptr_equal(tcp_sack_next_seg(tp, false), seg[4]);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_tag_whole_skbs), T(test_invalid_and_dsack), T(test_is_lost_by_bytes_and_runs),
        T(test_next_seg_rules), T(test_rule3), T(test_acked_and_rto),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
