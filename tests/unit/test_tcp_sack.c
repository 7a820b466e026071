/* SACK sender side (net/tcp_sack.c) on a write queue of one-MSS skbs:
 * tagging (whole skbs only, invalid blocks ignored, D-SACK recognised and
 * not scored), RFC 6675 IsLost by bytes and by discontiguous runs, NextSeg
 * rules 1, 3 and 4 (rescue), retransmission and cumulative-ACK accounting,
 * the RTO reset, and the counters always equal to the sums of the skbs'
 * bits.  Then the same on the wire (fake eth0, fake clock, the scripted
 * peer of tests/unit/host/tcp_peer.c offering SACK): fast retransmit of
 * exactly the holes, the rescue retransmission, a partly acked segment
 * resent from snd_una only, and data segments shrunk by their SACK blocks
 * (tcp_current_mss) to fit the MTU, first sends and retransmissions
 * alike. */
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
#include <net/tcp_ext.h>
#include "../../net/tcp_impl.h"
#include "host/fake_clock.h"
#include "host/fake_netdev.h"
#include "host/tcp_peer.h"

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

/* RFC 6675 §4 rule 4: a lost tail with nothing SACKed above it is rescued once HighACK passes RescueRxt. */
static void test_rescue_seg(void **state)
{
    struct tcp_sack_block b[] = { { SEQ(1), SEQ(9) } };

    sack(UNA, 1, b, NULL, NULL);
    tcp_sack_mark_lost(tp);
    tp->ca_state = TCP_CA_Recovery;
    tp->high_seq = tp->snd_nxt;
    tcp_sack_mark_retransmitted(tp, seg[0]);                     /* entry: the head, (4.3) */
    tp->rescue_rxt = tp->high_rxt;
    assert_null(tcp_sack_next_seg(tp, true));                    /* seg 9: nothing SACKed above */
    assert_null(tcp_sack_rescue_seg(tp));                        /* HighACK not past RescueRxt */
    for (unsigned i = 0; i < 9; i++) {                           /* the retransmission arrived */
        tcp_sack_unaccount(tp, seg[i]);
        skb_unlink(seg[i], &sk()->sk_write_queue);
        consume_skb(seg[i]);
        seg[i] = NULL;
    }
    tp->snd_una = SEQ(9);
    assert_ptr_equal(tcp_sack_rescue_seg(tp), seg[9]);
    tp->rescue_rxt = tp->high_seq;                               /* sent: once per recovery */
    assert_null(tcp_sack_rescue_seg(tp));
    tp->ca_state = TCP_CA_Open;
    tp->rescue_rxt = UNA;
    assert_null(tcp_sack_rescue_seg(tp));                        /* only in recovery */
}

/* ---- on the wire: the scripted peer (tests/unit/host/tcp_peer.c) against a listener on port 80 ---- */

#define WMSS  1460u             /* the peer's MSS option: full segments fill the 1500-byte MTU */

/* The peer's end of the connection under test. */
struct peer {
    struct socket *l, *c;
    u16 port;
    u32 iss;                    /* our ISS */
    u32 nxt;                    /* the peer's next sequence number */
};

/* A segment from the peer at p->nxt; n SACK blocks (absolute sequence numbers). */
static void put(struct peer *p, u8 flags, u32 ack, const void *data, unsigned len,
                unsigned n, const struct tcp_sack_block *sack)
{
    inject_sack(p->port, 80, flags, p->nxt, ack, data, len, n, sack);
}

/* Listener, handshake with SACK-permitted, accept. */
static void wire_open(struct peer *p, u16 port)
{
    *p = (struct peer){ .port = port, .nxt = PISN + 1 };
    p->l = listener(80, 5);
    p->c = passive_open_sack(p->l, port, &p->iss);
    assert_non_null(p->c);
    assert_int_equal(tcp_sk(p->c->sk)->mss_cache, WMSS);
}

static void wire_close(struct peer *p)
{
    put(p, TCPHDR_RST, 0, NULL, 0, 0, NULL);
    sock_release(p->c);
    sock_release(p->l);
}

/* Our segment i of a flight of full ones (i from 0). */
#define WSEQ(p, i) ((p)->iss + 1 + (i) * WMSS)

static u8 appdata[16 * WMSS];

/* The app writes n full segments; they leave at once (IW is 10 segments). */
static void send_flight(struct peer *p, unsigned n)
{
    struct seg w;

    for (unsigned i = 0; i < sizeof(appdata); i++)
        appdata[i] = (u8)(i * 7 + i / 251);
    assert_int_equal(send_k(p->c, appdata, n * WMSS, 0), n * WMSS);
    for (unsigned i = 0; i < n; i++) {
        assert_true(pop(&w));
        assert_int_equal(w.seq, WSEQ(p, i));
        assert_int_equal(w.len, WMSS);
    }
    assert_false(pop(&w));
}

/* A duplicate ACK at ack SACKing [WSEQ(a), WSEQ(b)) and, if c < d, [WSEQ(c), WSEQ(d)). */
static void dupack(struct peer *p, u32 ack, unsigned a, unsigned b, unsigned c, unsigned d)
{
    struct tcp_sack_block blk[2] = { { WSEQ(p, a), WSEQ(p, b) }, { WSEQ(p, c), WSEQ(p, d) } };

    put(p, TCPHDR_ACK, ack, NULL, 0, c < d ? 2 : 1, blk);
}

/* Our retransmission: segment i whole, payload as first sent, within the MTU. */
static void expect_resend(struct peer *p, unsigned i)
{
    struct seg w;

    assert_true(pop(&w));
    assert_int_equal(w.seq, WSEQ(p, i));
    assert_int_equal(w.len, WMSS);
    assert_true(w.iplen <= 1500);
    assert_memory_equal(w.data, appdata + i * WMSS, WMSS);
}

/*
 * Segments 1 and 4 of 0..9 lost; the peer ACKs 0, then a duplicate per
 * segment that arrives, SACKing what it holds.  The third duplicate starts
 * recovery with segment 1 (RFC 6675 §5 (4.3)); segment 4 goes once IsLost
 * holds (3 SMSS SACKed above) and cwnd - pipe (SetPipe: 1, 8 and 9) has
 * room; nothing SACKed is resent, and no RTO was needed (the clock never
 * moved).
 */
static void test_wire_fast_retransmit_holes(void **state)
{
    struct peer p;
    struct seg w;

    wire_open(&p, 4000);
    send_flight(&p, 10);
    put(&p, TCPHDR_ACK, WSEQ(&p, 1), NULL, 0, 0, NULL);
    assert_false(pop(&w));
    dupack(&p, WSEQ(&p, 1), 2, 3, 0, 0);
    dupack(&p, WSEQ(&p, 1), 2, 4, 0, 0);
    assert_false(pop(&w));                                  /* pipe holds: no new data anyway */
    dupack(&p, WSEQ(&p, 1), 5, 6, 2, 4);                         /* third duplicate */
    expect_resend(&p, 1);
    assert_false(pop(&w));
    dupack(&p, WSEQ(&p, 1), 5, 7, 2, 4);                         /* pipe 5 > cwnd 4.5 SMSS */
    assert_false(pop(&w));
    dupack(&p, WSEQ(&p, 1), 5, 8, 2, 4);                         /* 4 lost (3 SMSS above), pipe 3 */
    expect_resend(&p, 4);
    dupack(&p, WSEQ(&p, 1), 5, 9, 2, 4);
    dupack(&p, WSEQ(&p, 1), 5, 10, 2, 4);
    assert_false(pop(&w));
    put(&p, TCPHDR_ACK, WSEQ(&p, 4), NULL, 0, 1, &(struct tcp_sack_block){ WSEQ(&p, 5), WSEQ(&p, 10) });
    put(&p, TCPHDR_ACK, WSEQ(&p, 10), NULL, 0, 0, NULL);
    assert_false(pop(&w));
    assert_int_equal(tcp_stats.retrans_segs, 2);
    assert_int_equal(tcp_sk(p.c->sk)->ca_state, TCP_CA_Open);
    assert_int_equal(tcp_sk(p.c->sk)->packets_out, 0);
    wire_close(&p);
}

/*
 * Segments 0 and 9 lost, nothing more to send.  Recovery resends 0; the
 * tail has no SACK above it, so neither IsLost nor rule 3 reaches it.  The
 * ACK of the retransmission (up to 9) passes RescueRxt and rule 4 resends
 * the tail at once instead of waiting for the RTO.
 */
static void test_wire_rescue_retransmission(void **state)
{
    struct peer p;
    struct seg w;

    wire_open(&p, 4001);
    send_flight(&p, 10);
    for (unsigned k = 2; k <= 9; k++)
        dupack(&p, WSEQ(&p, 0), 1, k, 0, 0);
    expect_resend(&p, 0);
    assert_false(pop(&w));
    put(&p, TCPHDR_ACK, WSEQ(&p, 9), NULL, 0, 0, NULL);         /* partial ACK */
    expect_resend(&p, 9);
    assert_false(pop(&w));
    put(&p, TCPHDR_ACK, WSEQ(&p, 10), NULL, 0, 0, NULL);
    assert_int_equal(tcp_stats.retrans_segs, 2);
    assert_int_equal(tcp_sk(p.c->sk)->ca_state, TCP_CA_Open);
    wire_close(&p);
}

/* Linux tcp_trim_head: the ACK ends inside segment 0; the RTO resends only its tail. */
static void test_wire_partly_acked_resends_tail(void **state)
{
    struct peer p;
    struct seg w;
    struct tcp_sock *t;

    wire_open(&p, 4002);
    send_flight(&p, 3);
    t = tcp_sk(p.c->sk);
    put(&p, TCPHDR_ACK, WSEQ(&p, 0) + 500, NULL, 0, 0, NULL);
    assert_int_equal(t->packets_out, 3);
    net_test_run(inet_csk(p.c->sk)->icsk_rto + 2 * MS);
    assert_true(pop(&w));
    assert_int_equal(w.seq, WSEQ(&p, 0) + 500);
    assert_int_equal(w.len, WMSS - 500);
    assert_memory_equal(w.data, appdata + 500, WMSS - 500);
    /* pipe as RFC 6675 SetPipe counts it, in bytes from snd_una. */
    assert_int_equal(tcp_packets_in_flight_bytes(t), WSEQ(&p, 3) - WSEQ(&p, 0) - 500 - t->lost_out +
                                                     t->retrans_out);
    assert_int_equal(t->retrans_out, WMSS - 500);
    assert_int_equal(t->lost_out, 3 * WMSS - 500);              /* lost stays set once resent */
    put(&p, TCPHDR_ACK, WSEQ(&p, 3), NULL, 0, 0, NULL);
    assert_int_equal(t->retrans_out + t->lost_out + t->sacked_out, 0);
    wire_close(&p);
}

/*
 * While we hold out-of-order data every segment carries a SACK block
 * (RFC 2018 §4), 12 option bytes beyond what mss_cache leaves room for:
 * full segments shrink to 1448 bytes and stay within the 1500-byte MTU,
 * both new data and a retransmission of a segment first sent at 1460.
 * tcp_sendmsg builds new skbs tcp_current_mss() long, so 4 * 1460 bytes
 * leave as four 1448-byte segments and one of 48, not as 1448 + 12 pairs.
 */
static void test_wire_sack_blocks_shrink_payload(void **state)
{
    struct peer p;
    struct seg w;
    u32 una;
    unsigned total = 0, nseg = 0;

    wire_open(&p, 4003);
    send_flight(&p, 2);                                         /* 1460 each: no SACK yet */
    una = WSEQ(&p, 0);
    p.nxt += 100;                                               /* a hole of 100 bytes */
    put(&p, TCPHDR_ACK | TCPHDR_PSH, una, "ooo", 3, 0, NULL);
    p.nxt -= 100;                                               /* the peer's ACKs stay at rcv_nxt */
    assert_true(pop(&w));                                   /* a duplicate ACK with the block */
    assert_int_equal(w.len, 0);
    assert_int_equal(w.nsack, 1);
    assert_int_equal(w.sack[0].start_seq, PISN + 1 + 100);
    assert_int_equal(tcp_current_mss(p.c->sk), WMSS - 12);
    /* The RTO resends segment 0 cut to fit, its last 12 bytes behind it. */
    net_test_run(inet_csk(p.c->sk)->icsk_rto + 2 * MS);
    assert_true(pop(&w));
    assert_int_equal(w.seq, WSEQ(&p, 0));
    assert_int_equal(w.len, WMSS - 12);
    assert_int_equal(w.nsack, 1);
    assert_int_equal(w.iplen, 1500);
    assert_memory_equal(w.data, appdata, WMSS - 12);
    assert_false(pop(&w));                                  /* Loss: cwnd is one segment */
    put(&p, TCPHDR_ACK, WSEQ(&p, 2), NULL, 0, 0, NULL);         /* the originals arrived after all */
    /* New data: full segments shrink too, and nothing is held back. */
    assert_int_equal(send_k(p.c, appdata, 4 * WMSS, 0), 4 * WMSS);
    while (pop(&w)) {
        assert_true(w.iplen <= 1500);
        assert_int_equal(w.nsack, 1);
        assert_int_equal(w.seq, WSEQ(&p, 2) + total);
        assert_int_equal(w.len, nseg < 4 ? WMSS - 12 : 4 * 12);
        assert_memory_equal(w.data, appdata + total, w.len);
        total += w.len;
        nseg++;
        if (!fake_netdev_tx_count(eth0))                        /* the peer ACKs each flight */
            put(&p, TCPHDR_ACK, w.seq + w.len, NULL, 0, 0, NULL);
    }
    assert_int_equal(total, 4 * WMSS);
    assert_int_equal(nseg, 5);
    assert_int_equal(skb_drop_counts[SKB_DROP_REASON_IP_FRAG_NEEDED], 0);
    wire_close(&p);
}

/*
 * The RTO's loss marking (net/tcp_timer.c tcp_enter_loss) counts by
 * sequence length as the rest of the accounting does: our FIN alone
 * outstanding and resent on two RTOs is 1 in retrans_out and lost_out,
 * and nothing is left over once it is acked.
 */
static void test_wire_rto_counts_fin(void **state)
{
    struct peer p;
    struct seg w;
    struct tcp_sock *t;
    u32 fin;

    wire_open(&p, 4004);
    send_flight(&p, 1);
    put(&p, TCPHDR_ACK, WSEQ(&p, 1), NULL, 0, 0, NULL);
    t = tcp_sk(p.c->sk);
    assert_int_equal(p.c->ops->shutdown(p.c, SHUT_WR), 0);
    assert_true(pop(&w));
    assert_int_equal(w.flags, TCPHDR_FIN | TCPHDR_ACK);
    fin = w.seq;
    for (unsigned i = 0; i < 2; i++) {
        net_test_run((inet_csk(p.c->sk)->icsk_rto << inet_csk(p.c->sk)->icsk_backoff) + 2 * MS);
        assert_true(pop(&w));
        assert_int_equal(w.flags, TCPHDR_FIN | TCPHDR_ACK);
        assert_int_equal(w.seq, fin);
        assert_false(pop(&w));
        assert_int_equal(t->retrans_out, 1);
        assert_int_equal(t->lost_out, 1);
    }
    put(&p, TCPHDR_ACK, fin + 1, NULL, 0, 0, NULL);
    assert_int_equal(p.c->sk->sk_state, TCP_FIN_WAIT2);
    assert_int_equal(t->retrans_out + t->lost_out + t->sacked_out, 0);
    wire_close(&p);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define W(f) cmocka_unit_test_setup_teardown(f, tcp_peer_setup, tcp_peer_teardown)
    const struct CMUnitTest tests[] = {
        T(test_tag_whole_skbs), T(test_invalid_and_dsack), T(test_is_lost_by_bytes_and_runs),
        T(test_next_seg_rules), T(test_rule3), T(test_acked_and_rto), T(test_rescue_seg),
    };
    const struct CMUnitTest wire[] = {
        W(test_wire_fast_retransmit_holes), W(test_wire_rescue_retransmission),
        W(test_wire_partly_acked_resends_tail), W(test_wire_sack_blocks_shrink_payload),
        W(test_wire_rto_counts_fin),
    };

    net_test_boot();
    return cmocka_run_group_tests(tests, NULL, NULL) | cmocka_run_group_tests(wire, NULL, NULL);
}
