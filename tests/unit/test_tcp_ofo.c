/* Out-of-order queue (net/tcp_ofo.c): sorted insertion, duplicates and
 * overlaps trimmed (D-SACK set), covered segments freed, coalescing into a
 * neighbour's tailroom, the memory cap (prune higher segments first, then
 * drop, each counted), drain order with bytes checked, FIN kept, the SACK
 * blocks we send (RFC 2018 §4 order), and no leaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/mm.h>
#include <net/tcp_ext.h>
#include "../../net/tcp_impl.h"

#define R 100000u               /* rcv_nxt */
#define DROPS(x) (skb_drop_counts[SKB_DROP_REASON_##x])
#define CAP (1u << 30)

static struct tcp_sock *tp;
static u64 heap;

static int setup(void **state)
{
    consume_skb(alloc_skb(64));
    heap = kmem_bytes_in_use();
    tp = kzalloc(sizeof(*tp));
    skb_queue_head_init(&tp->out_of_order_queue);
    tp->rcv_nxt = R;
    tp->rx_opt.sack_ok = 1;
    return 0;
}

static int teardown(void **state)
{
    tcp_ofo_free_all(tp, SKB_DROP_REASON_TCP_OFO_CLOSE);
    assert_int_equal(tp->ofo_mem, 0);
    kfree(tp);
    assert_int_equal(kmem_bytes_in_use(), heap);
    return 0;
}

/* A payload skb for [seq, seq + len): byte i is (seq + i) & 0xff. */
static struct sk_buff *seg(u32 seq, u32 len, bool fin, u32 tailroom)
{
    struct sk_buff *skb = alloc_skb(len + tailroom);
    u8 *p = skb_put(skb, len);

    for (u32 i = 0; i < len; i++)
        p[i] = (u8)(seq + i);
    TCP_SKB_CB(skb)->seq = seq;
    TCP_SKB_CB(skb)->end_seq = seq + len + fin;
    TCP_SKB_CB(skb)->tcp_flags = TCPHDR_ACK | (fin ? TCPHDR_FIN : 0);
    return skb;
}

static enum skb_drop_reason put(u32 seq, u32 len)
{
    bool c;

    return tcp_ofo_insert(tp, seg(seq, len, false, 0), CAP, &c);
}

/* Pop everything ready at rcv_nxt, checking bytes; returns bytes delivered. */
static u32 drain(void)
{
    struct sk_buff *skb;
    u32 got = 0;

    while ((skb = tcp_ofo_pop_ready(tp))) {
        u32 seq = TCP_SKB_CB(skb)->seq;
        u32 skip = tp->rcv_nxt - seq;       /* the core's tcp_queue_rcv trims this */

        for (u32 i = skip; i < skb->len; i++)
            assert_int_equal(skb->data[i], (u8)(seq + i));
        tp->rcv_nxt = TCP_SKB_CB(skb)->end_seq;
        got += skb->len - skip;
        consume_skb(skb);
    }
    return got;
}

static void test_order_and_drain(void **state)
{
    assert_int_equal(put(R + 3000, 1000), 0);
    assert_int_equal(put(R + 1000, 1000), 0);
    assert_int_equal(put(R + 2000, 1000), 0);
    assert_int_equal(skb_queue_len(&tp->out_of_order_queue), 3);
    assert_int_equal(drain(), 0);                       /* [R, R+1000) missing */
    tp->rcv_nxt = R + 1000;                             /* the hole filled in order */
    assert_int_equal(drain(), 3000);
    assert_int_equal(tp->rcv_nxt, R + 4000);
    assert_int_equal(tp->ofo_mem, 0);
}

static void test_duplicates_and_overlaps(void **state)
{
    u64 merge = DROPS(TCP_OFOMERGE);

    assert_int_equal(put(R + 1000, 1000), 0);
    assert_int_equal(put(R + 1000, 1000), SKB_DROP_REASON_TCP_OFOMERGE);
    assert_int_equal(put(R + 1200, 300), SKB_DROP_REASON_TCP_OFOMERGE);
    assert_int_equal(DROPS(TCP_OFOMERGE), merge + 2);
    assert_true(tp->dsack);                             /* RFC 2883: report the duplicate */
    assert_int_equal(tp->duplicate_sack[0].start_seq, R + 1200);
    assert_int_equal(tp->duplicate_sack[0].end_seq, R + 1500);
    /* Front overlap: only [R+2000, R+2500) is new. */
    assert_int_equal(put(R + 1500, 1000), 0);
    assert_int_equal(tp->duplicate_sack[0].end_seq, R + 2000);
    /* Tail overlap with a later segment: trimmed to end where it begins. */
    assert_int_equal(put(R + 4000, 1000), 0);
    assert_int_equal(put(R + 3500, 1000), 0);
    /* One covering everything: the covered ones go. */
    assert_int_equal(put(R + 500, 6000), 0);
    assert_int_equal(skb_queue_len(&tp->out_of_order_queue), 1);
    /* No byte held twice: drained, it is exactly [R+500, R+6500). */
    tp->rcv_nxt = R + 500;
    assert_int_equal(drain(), 6000);
}

static void test_coalescing(void **state)
{
    bool c;

    assert_int_equal(tcp_ofo_insert(tp, seg(R + 1000, 500, false, 4000), CAP, &c), 0);
    assert_false(c);
    u32 mem = tp->ofo_mem;
    assert_int_equal(tcp_ofo_insert(tp, seg(R + 1500, 500, false, 0), CAP, &c), 0);
    assert_true(c);                                     /* copied into the first one's tailroom */
    assert_int_equal(tcp_ofo_insert(tp, seg(R + 2500, 500, false, 0), CAP, &c), 0);
    assert_false(c);
    assert_int_equal(tcp_ofo_insert(tp, seg(R + 2000, 500, false, 0), CAP, &c), 0);
    assert_true(c);                                     /* fills the gap: all three become one */
    assert_int_equal(skb_queue_len(&tp->out_of_order_queue), 1);
    assert_int_equal(tp->ofo_mem, mem);
    tp->rcv_nxt = R + 1000;
    assert_int_equal(drain(), 2000);
}

static void test_memory_cap(void **state)
{
    u64 limit = DROPS(TCP_OFO_MEMLIMIT), prune = DROPS(TCP_OFO_QUEUE_PRUNE);
    struct sk_buff *probe = seg(0, 1000, false, 0);
    u32 cap = 2 * probe->truesize;
    bool c;

    consume_skb(probe);
    assert_int_equal(tcp_ofo_insert(tp, seg(R + 2000, 1000, false, 0), cap, &c), 0);
    assert_int_equal(tcp_ofo_insert(tp, seg(R + 4000, 1000, false, 0), cap, &c), 0);
    /* Above everything queued: nothing higher to prune, so this one goes. */
    assert_int_equal(tcp_ofo_insert(tp, seg(R + 6000, 1000, false, 0), cap, &c),
                     SKB_DROP_REASON_TCP_OFO_MEMLIMIT);
    assert_int_equal(DROPS(TCP_OFO_MEMLIMIT), limit + 1);
    /* Lower data is worth more (it fills the hole first): the highest is pruned. */
    assert_int_equal(tcp_ofo_insert(tp, seg(R + 1000, 1000, false, 0), cap, &c), 0);
    assert_int_equal(DROPS(TCP_OFO_QUEUE_PRUNE), prune + 1);
    assert_true(tp->ofo_mem <= cap);
    tp->rcv_nxt = R + 1000;
    assert_int_equal(drain(), 2000);                    /* [R+1000, R+3000); R+4000 was pruned */
}

static void test_fin(void **state)
{
    bool c, fin = false;
    struct sk_buff *skb;

    assert_int_equal(tcp_ofo_insert(tp, seg(R + 100, 50, true, 0), CAP, &c), 0);
    tp->rcv_nxt = R + 100;
    skb = tcp_ofo_pop_ready(tp);
    fin = TCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN;
    assert_true(fin);
    assert_int_equal(TCP_SKB_CB(skb)->end_seq, R + 151);
    consume_skb(skb);
}

static void test_sack_blocks(void **state)
{
    assert_int_equal(put(R + 1000, 1000), 0);
    assert_int_equal(tp->num_sacks, 1);
    put(R + 3000, 1000);
    assert_int_equal(tp->num_sacks, 2);
    assert_int_equal(tp->selective_acks[0].start_seq, R + 3000);    /* most recent first */
    assert_int_equal(tp->selective_acks[1].start_seq, R + 1000);
    put(R + 2000, 1000);                                            /* joins both */
    assert_int_equal(tp->num_sacks, 1);
    assert_int_equal(tp->selective_acks[0].start_seq, R + 1000);
    assert_int_equal(tp->selective_acks[0].end_seq, R + 4000);
    for (u32 i = 0; i < 5; i++)
        put(R + 10000 + 2000 * i, 1000);
    assert_int_equal(tp->num_sacks, TCP_NUM_SACKS);
    assert_int_equal(tp->selective_acks[0].start_seq, R + 18000);
    assert_int_equal(tp->selective_acks[3].start_seq, R + 12000);   /* the oldest fell off */
    /* The hole below R+13000 fills: the block it covers is no longer sent. */
    tp->rcv_nxt = R + 1000;
    drain();
    tp->rcv_nxt = R + 11000;
    drain();
    tp->rcv_nxt = R + 13000;
    drain();
    tcp_sack_blocks_trim(tp);
    assert_int_equal(tp->num_sacks, 3);
    assert_int_equal(tp->selective_acks[0].start_seq, R + 18000);
    assert_int_equal(tp->selective_acks[2].start_seq, R + 14000);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_order_and_drain), T(test_duplicates_and_overlaps), T(test_coalescing),
        T(test_memory_cap), T(test_fin), T(test_sack_blocks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
