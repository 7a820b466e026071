/* SYN cookies (net/syncookies.c): encode/decode round trip for every MSS
 * class, expiry after SYNCOOKIE_MAX_AGE minutes, forged and misdirected
 * cookies rejected, options carried in the TSval (and refused when
 * impossible), and the request sock cookie_v4_check rebuilds from an ACK. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/mm.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include <net/tcp_ext.h>
#include <net/wire/ip.h>
#include "../../net/tcp_impl.h"
#include "host/fake_clock.h"

#define C htonl(0x0a000001)     /* client */
#define S htonl(0x0a000002)     /* us */
#define CP htons(40000)
#define SP htons(80)
#define MIN_NS (60 * NSEC_PER_SEC)

static u16 enc_dec(u16 mss, u64 t_enc, u64 t_dec)
{
    u16 used;
    u32 c = syncookie_encode(C, S, CP, SP, 123456789, mss, t_enc, &used);
    u16 got = syncookie_decode(C, S, CP, SP, c, 123456789, t_dec);

    assert_true(got == 0 || got == used);
    return got;
}

static void test_round_trip_mss_table(void **state)
{
    u64 t = 1000 * MIN_NS + 5;

    assert_int_equal(enc_dec(1460, t, t), 1460);
    assert_int_equal(enc_dec(9000, t, t), 1460);
    assert_int_equal(enc_dec(1440, t, t), 1440);
    assert_int_equal(enc_dec(1400, t, t), 1300);
    assert_int_equal(enc_dec(1300, t, t), 1300);
    assert_int_equal(enc_dec(1000, t, t), 536);
    assert_int_equal(enc_dec(100, t, t), 536);          /* Linux: never below the table */
}

static void test_expiry(void **state)
{
    u64 t = 77 * MIN_NS + MIN_NS / 2;

    assert_int_equal(enc_dec(1460, t, t + MIN_NS), 1460);      /* next minute: still good */
    assert_int_equal(enc_dec(1460, t, t + 2 * MIN_NS), 0);     /* MAX_AGE 2: gone */
    assert_int_equal(enc_dec(1460, t, t + 300 * MIN_NS), 0);
    assert_int_equal(enc_dec(1460, t, t - MIN_NS), 0);         /* from the future */
}

static void test_forgeries_rejected(void **state)
{
    u64 t = 5 * MIN_NS;
    u16 used;
    u32 c = syncookie_encode(C, S, CP, SP, 42, 1460, t, &used);
    unsigned passed = 0;

    assert_int_equal(syncookie_decode(C, S, CP, htons(81), c, 42, t), 0);     /* other tuple */
    assert_int_equal(syncookie_decode(htonl(0x0a000009), S, CP, SP, c, 42, t), 0);
    /* The encoding is additive, as Linux's: cookie or ISN off by k moves the
     * MSS index by k, so small offsets land on a neighbour class; what a
     * forger lacks is H2, and offsets past the table are refused. */
    assert_int_equal(syncookie_decode(C, S, CP, SP, c, 42 + 4, t), 0);
    assert_int_equal(syncookie_decode(C, S, CP, SP, c + 1, 42, t), 0);     /* index 4: past the table */
    assert_int_equal(syncookie_decode(C, S, CP, SP, c + 0x1000, 42, t), 0);
    /* Random guesses pass with p = 4 / 2^24 * 2 ages: ~0 in 100000. */
    for (unsigned i = 0; i < 100000; i++) {
        u32 r;

        get_random_bytes(&r, sizeof(r));
        passed += syncookie_decode(C, S, CP, SP, r, 42, t) != 0;
    }
    assert_in_range(passed, 0, 2);
}

static void test_ts_options(void **state)
{
    struct tcp_options_received rx;
    u32 ts;

    ts = syncookie_tsval(true, 7, true, 1000);
    assert_true(SEQ_LEQ(ts, 1000) && 1000 - ts < 64);
    assert_true(syncookie_decode_opts(true, ts, &rx));
    assert_true(rx.tstamp_ok && rx.sack_ok && rx.wscale_ok);
    assert_int_equal(rx.snd_wscale, 7);
    ts = syncookie_tsval(false, 0, false, 0x12345678);
    assert_true(syncookie_decode_opts(true, ts, &rx));
    assert_true(rx.tstamp_ok && !rx.sack_ok && !rx.wscale_ok);
    assert_true(syncookie_decode_opts(false, 0, &rx));         /* no TS: nothing negotiated */
    assert_false(rx.tstamp_ok || rx.sack_ok || rx.wscale_ok);
    assert_false(syncookie_decode_opts(true, 0x20, &rx));      /* ECN bit: never ours */
}

/* Build an IPv4+TCP ACK in an skb as tcp_v4_rcv leaves it. */
static struct sk_buff *ack_skb(u32 seq, u32 ack, const u8 *opt, unsigned optlen)
{
    struct sk_buff *skb = alloc_skb(128);
    struct iphdr *iph = (struct iphdr *)skb_put(skb, sizeof(*iph));
    struct tcphdr *th;

    memset(iph, 0, sizeof(*iph));
    iph->saddr = C, iph->daddr = S;
    skb_reset_network_header(skb);
    skb_pull(skb, sizeof(*iph));
    th = (struct tcphdr *)skb_put(skb, sizeof(*th) + optlen);
    memset(th, 0, sizeof(*th));
    if (optlen)
        memcpy(th + 1, opt, optlen);
    th->source = CP, th->dest = SP;
    th->doff_res = (u8)((5 + optlen / 4) << 4);
    th->window = htons(1000);
    skb_reset_transport_header(skb);
    TCP_SKB_CB(skb)->seq = seq;
    TCP_SKB_CB(skb)->ack_seq = ack;
    return skb;
}

static void test_check_builds_request(void **state)
{
    consume_skb(alloc_skb(128));                /* the skb caches exist before the baseline */
    u64 heap = kmem_bytes_in_use();
    struct tcp_sock *lsk = kzalloc(sizeof(*lsk));
    struct sock *sk = &lsk->inet_conn.icsk_inet.sk;
    u16 mss = 1460;
    u32 cookie;
    u8 opt[12] = { 1, 1, 8, 10, 0, 0, 0, 9 };
    struct sk_buff *syn = ack_skb(5000, 0, NULL, 0), *ack;
    struct request_sock *req;
    u64 sent = tcp_stats.syncookies_sent, failed = tcp_stats.syncookies_failed;

    fake_clock_set(3 * MIN_NS);
    sk->sk_rcvbuf = SYSCTL_RMEM_DEFAULT;
    cookie = cookie_v4_init_sequence(sk, syn, &mss);
    assert_int_equal(tcp_stats.syncookies_sent, sent + 1);
    u32 tsecr = syncookie_tsval(true, 9, true, 4242);
    opt[8] = tsecr >> 24, opt[9] = tsecr >> 16, opt[10] = tsecr >> 8, opt[11] = (u8)tsecr;
    ack = ack_skb(5001, cookie + 1, opt, sizeof(opt));
    req = cookie_v4_check(sk, ack);
    assert_non_null(req);
    assert_true(req->cookie && req->tstamp_ok && req->sack_ok && req->wscale_ok);
    assert_int_equal(req->mss, 1460);
    assert_int_equal(req->snd_wscale, 9);
    assert_int_equal(req->rcv_wscale, 2);
    assert_int_equal(req->snt_isn, cookie);
    assert_int_equal(req->rcv_isn, 5000);
    assert_int_equal(req->ts_recent, 9);
    assert_true(req->rmt_addr == C && req->loc_port == SP);
    kfree(req);
    consume_skb(ack);
    ack = ack_skb(5001, cookie + 2, opt, sizeof(opt));         /* wrong cookie */
    assert_null(cookie_v4_check(sk, ack));
    assert_int_equal(tcp_stats.syncookies_failed, failed + 1);
    consume_skb(ack);
    consume_skb(syn);
    kfree(lsk);
    assert_int_equal(kmem_bytes_in_use(), heap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_mss_table),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_forgeries_rejected),
        cmocka_unit_test(test_ts_options),
        cmocka_unit_test(test_check_builds_request),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
