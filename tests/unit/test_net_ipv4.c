/* IPv4 input/output, reassembly and ICMP (net/ipv4_*.c, ip_frag.c, icmp.c)
 * on crafted frames: each malformed class dropped under its named counter,
 * replies checked byte for byte, heap back to baseline after each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <net/arp.h>
#include <net/byteorder.h>
#include <net/checksum.h>
#include <net/eth.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/wire/arp.h>
#include "../../net/ip_impl.h"
#include "host/fake_netdev.h"

#define OUR  0x0a000002u
#define PEER 0x0a000005u
#define R(x) (eth0->stats.drops[SKB_DROP_REASON_##x])
static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 zero[6];

static struct net_device *eth0;
static u64 heap_base;
static u8 f[70000], pl[66000];

/* Make PEER's MAC known (a request to us, then a reply) so replies leave at once. */
static void learn_peer(void)
{
    unsigned n = build_arp(f, bcast, ARPOP_REQUEST, peer_mac, PEER, zero, OUR);

    fake_netdev_rx(eth0, f, n);
    n = build_arp(f, fake_mac, ARPOP_REPLY, peer_mac, PEER, fake_mac, OUR);
    fake_netdev_rx(eth0, f, n);
    fake_netdev_clear_tx(eth0);
}

static int setup(void **state)
{
    heap_base = kmem_bytes_in_use();
    eth0 = net_test_eth0();
    learn_peer();
    return 0;
}

static int teardown(void **state)
{
    net_test_finish(eth0);
    assert_int_equal(ip_frag_queues(), 0);
    assert_int_equal(ip_frag_mem(), 0);
    assert_int_equal(kmem_bytes_in_use(), heap_base);
    return 0;
}

static unsigned echo_frame(u32 src, u32 dst, unsigned len)
{
    u8 icmp[1600];

    for (unsigned i = 0; i < len; i++)
        pl[i] = (u8)i;
    unsigned n = build_icmp(icmp, ICMP_ECHO, 0, 0x1234, 7, pl, len);
    return build_ip(f, src, dst, IPPROTO_ICMP, 99, 0, icmp, n);
}

static struct iphdr *frame_ip(struct sk_buff *skb) { return (struct iphdr *)(skb->data + ETH_HLEN); }

static void test_echo_reply(void **state)
{
    unsigned n = echo_frame(PEER, OUR, 56);

    assert_int_equal(fake_netdev_rx(eth0, f, n), 0);
    struct sk_buff *skb = fake_netdev_pop_tx(eth0);
    assert_non_null(skb);
    struct iphdr *iph = frame_ip(skb);
    struct icmphdr *ic = (struct icmphdr *)(iph + 1);
    assert_int_equal(skb->len, n);
    assert_memory_equal(((struct ethhdr *)skb->data)->h_dest, peer_mac, 6);
    assert_int_equal(ntohl(iph->saddr), OUR);
    assert_int_equal(ntohl(iph->daddr), PEER);
    assert_int_equal(ip_compute_csum(iph, 20), 0);
    assert_int_equal(ic->type, ICMP_ECHOREPLY);
    assert_int_equal(ntohs(ic->un.echo.id), 0x1234);
    assert_int_equal(ntohs(ic->un.echo.sequence), 7);
    assert_memory_equal(ic + 1, pl, 56);
    assert_int_equal(ip_compute_csum(ic, 64), 0);
    consume_skb(skb);
}

static void test_padding_trimmed(void **state)
{
    unsigned n = echo_frame(PEER, OUR, 4);       /* 14 + 20 + 12 = 46: Ethernet pads to 60 */

    memset(f + n, 0xee, 60 - n);
    assert_int_equal(fake_netdev_rx(eth0, f, 60), 0);
    struct sk_buff *skb = fake_netdev_pop_tx(eth0);
    assert_int_equal(skb->len, n);                /* the reply carries no padding */
    consume_skb(skb);
}

static void fix_csum(void)
{
    struct iphdr *iph = (struct iphdr *)(f + ETH_HLEN);

    iph->check = 0;
    iph->check = ip_compute_csum(iph, iph_hlen(iph));
}

static void test_header_validation(void **state)
{
    struct iphdr *iph = (struct iphdr *)(f + ETH_HLEN);
    unsigned n;

    n = echo_frame(PEER, OUR, 8);
    assert_int_equal(fake_netdev_rx(eth0, f, ETH_HLEN + 19), -EINVAL);   /* runt */
    iph->ihl_version = 0x44; fix_csum();                                /* IHL 4 */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    iph->ihl_version = 0x65; fix_csum();                                /* version 6 */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    iph->ihl_version = 0x4f; fix_csum();                                /* IHL beyond the frame */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    n = echo_frame(PEER, OUR, 8);
    iph->check ^= 1;                                                    /* bad checksum */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    n = echo_frame(PEER, OUR, 8);
    iph->tot_len = htons(200); fix_csum();                              /* beyond the frame */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    iph->tot_len = htons(19); fix_csum();                               /* below the header */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    assert_int_equal(R(PKT_TOO_SMALL), 1);
    assert_int_equal(R(IP_INHDR), 5);
    assert_int_equal(R(IP_CSUM), 1);
    assert_int_equal(fake_netdev_tx_count(eth0), 0);
}

/* An echo request with `olen` bytes of options (olen a multiple of 4). */
static unsigned options_frame(const u8 *opt, unsigned olen)
{
    u8 icmp[64];
    unsigned il = build_icmp(icmp, ICMP_ECHO, 0, 1, 1, "x", 1);
    unsigned n = build_eth(f, fake_mac, peer_mac, ETH_P_IP);
    struct iphdr *iph = (struct iphdr *)(f + n);

    *iph = (struct iphdr){ .ihl_version = (u8)(0x40 | (5 + olen / 4)), .ttl = 64,
                           .protocol = IPPROTO_ICMP, .saddr = htonl(PEER), .daddr = htonl(OUR),
                           .tot_len = htons((u16)(20 + olen + il)) };
    memcpy(iph + 1, opt, olen);
    memcpy((u8 *)(iph + 1) + olen, icmp, il);
    fix_csum();
    return n + 20 + olen + il;
}

static void test_options(void **state)
{
    static const u8 zero_len[4] = { 7, 0, 0, 0 }, overrun[4] = { 7, 9, 4, 0 };
    static const u8 lsrr[8] = { IPOPT_LSRR, 7, 4, 1, 2, 3, 4, 0 }, fine[4] = { 1, 1, 1, 0 };

    assert_int_equal(fake_netdev_rx(eth0, f, options_frame(zero_len, 4)), -EINVAL);
    assert_int_equal(fake_netdev_rx(eth0, f, options_frame(overrun, 4)), -EINVAL);
    assert_int_equal(fake_netdev_rx(eth0, f, options_frame(lsrr, 8)), -EINVAL);
    assert_int_equal(R(IP_OPTIONS), 3);
    assert_int_equal(fake_netdev_rx(eth0, f, options_frame(fine, 4)), 0);   /* NOPs and END */
    assert_int_equal(fake_netdev_tx_count(eth0), 1);
}

static void test_martians(void **state)
{
    static const u32 bad_src[] = { OUR, 0x7f000001, 0xffffffff, 0x0a0000ff, 0xe0000001, 0, 0xf0000001 };

    for (unsigned i = 0; i < ARRAY_SIZE(bad_src); i++)
        assert_int_equal(fake_netdev_rx(eth0, f, echo_frame(bad_src[i], OUR, 8)), -EINVAL);
    assert_int_equal(R(IP_INVALID_SOURCE), ARRAY_SIZE(bad_src));
    assert_int_equal(fake_netdev_rx(eth0, f, echo_frame(PEER, 0x7f000001, 8)), -EINVAL);
    assert_int_equal(fake_netdev_rx(eth0, f, echo_frame(PEER, 0, 8)), -EINVAL);
    assert_int_equal(R(IP_INVALID_DEST), 2);
    assert_int_equal(fake_netdev_rx(eth0, f, echo_frame(PEER, 0x0a000009, 8)), -EINVAL);
    assert_int_equal(fake_netdev_rx(eth0, f, echo_frame(PEER, 0xe0000001, 8)), -EINVAL);
    assert_int_equal(R(IP_NOT_FOR_US), 2);
    assert_int_equal(fake_netdev_tx_count(eth0), 0);
}

static void test_broadcast_ping_ignored(void **state)
{
    unsigned n = echo_frame(PEER, 0xffffffff, 8);

    memcpy(f, bcast, 6);
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    n = echo_frame(PEER, 0x0a0000ff, 8);
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    assert_int_equal(R(ICMP_BCAST), 2);
    assert_int_equal(fake_netdev_tx_count(eth0), 0);
}

/* Fragment `total` bytes of echo payload into pieces of `size` (multiple of 8), send in `order`. */
static unsigned frag(u16 id, unsigned off, unsigned len, bool more)
{
    return build_ip(f, PEER, OUR, IPPROTO_ICMP, id, (u16)((off / 8) | (more ? IP_MF : 0)),
                    pl + off, len);
}

static unsigned make_echo_payload(unsigned total)
{
    u8 data[8000];

    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (u8)(i * 7);
    return build_icmp(pl, ICMP_ECHO, 0, 1, 1, data, total - 8);
}

static void expect_reply_len(unsigned icmp_len)
{
    unsigned got = 0;
    struct sk_buff *skb;

    while ((skb = fake_netdev_pop_tx(eth0))) {      /* our reply, fragmented to the MTU */
        assert_true(skb->len <= ETH_HLEN + eth0->mtu);
        got += skb->len - ETH_HLEN - 20;
        consume_skb(skb);
    }
    assert_int_equal(got, icmp_len);
}

static void test_reassembly_orders(void **state)
{
    unsigned total = make_echo_payload(4000);

    /* out of order: last, middle, first */
    fake_netdev_rx(eth0, f, frag(1, 2960, total - 2960, false));
    fake_netdev_rx(eth0, f, frag(1, 1480, 1480, true));
    assert_int_equal(ip_frag_queues(), 1);
    fake_netdev_rx(eth0, f, frag(1, 0, 1480, true));
    assert_int_equal(ip_frag_queues(), 0);
    expect_reply_len(total);
    /* tiny 8-byte fragments, in order, with one exact duplicate */
    for (unsigned off = 0; off < total; off += 8) {
        fake_netdev_rx(eth0, f, frag(2, off, MIN(8u, total - off), off + 8 < total));
        if (off == 80)
            fake_netdev_rx(eth0, f, frag(2, off, 8, true));
    }
    assert_int_equal(R(IP_FRAG_DUP), 1);
    expect_reply_len(total);
    /* left pending: unregistering eth0 must free it at once (its skbs point at eth0) */
    fake_netdev_rx(eth0, f, frag(5, 0, 1480, true));
    assert_int_equal(ip_frag_queues(), 1);
    fake_netdev_destroy(eth0);
    assert_int_equal(ip_frag_queues(), 0);
    eth0 = net_test_eth0();     /* a fresh eth0 for teardown */
}

static void test_overlap_drops_datagram(void **state)
{
    unsigned total = make_echo_payload(3000);

    fake_netdev_rx(eth0, f, frag(3, 0, 1480, true));
    fake_netdev_rx(eth0, f, frag(3, 1472, 1480, true));     /* overlaps by 8 */
    assert_int_equal(R(IP_FRAG_OVERLAP), 2);                /* both fragments counted */
    assert_int_equal(ip_frag_queues(), 0);
    fake_netdev_rx(eth0, f, frag(3, 2960, total - 2960, false));
    assert_int_equal(ip_frag_queues(), 1);                  /* a new, doomed datagram */
    /* odd-sized middle fragment, fragment past the end, oversize */
    fake_netdev_rx(eth0, f, frag(3, 1480, 4, true));
    assert_int_equal(R(IP_FRAG_BAD), 1);
    fake_netdev_rx(eth0, f, frag(3, 8000, 8, true));       /* beyond the known last: kills it */
    assert_int_equal(R(IP_FRAG_BAD), 3);
    fake_netdev_rx(eth0, f, frag(4, 65528, 16, false));
    assert_int_equal(R(IP_FRAG_TOO_BIG), 1);
    assert_int_equal(fake_netdev_tx_count(eth0), 0);
}

static void test_fragment_flood_capped_and_expires(void **state)
{
    u8 junk[1480] = { 0 };
    u64 frames = 0;

    for (u16 id = 0; id < 2000; id++, frames++)
        fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_ICMP, id, IP_MF, junk, 1480));
    assert_true(ip_frag_mem() <= IPFRAG_MEM_MAX);
    assert_true(R(IP_FRAG_MEMLIMIT) > 0);
    assert_int_equal(R(IP_FRAG_MEMLIMIT) + ip_frag_queues(), frames);
    unsigned held = ip_frag_queues();
    net_test_run(IPFRAG_TIMEOUT_NS + 10 * NSEC_PER_MSEC);
    assert_int_equal(ip_frag_queues(), 0);
    assert_int_equal(R(IP_FRAG_TIMEOUT), held);
    /* time exceeded was sent for each (first fragments), within the ICMP rate limit */
    unsigned icmp_out = 0;
    struct sk_buff *skb;
    while ((skb = fake_netdev_pop_tx(eth0))) {      /* (and an ARP probe: PEER went stale) */
        icmp_out += ntohs(((struct ethhdr *)skb->data)->h_proto) == ETH_P_IP;
        consume_skb(skb);
    }
    assert_int_equal(icmp_out, ICMP_RATE_BURST);
    assert_int_equal(R(ICMP_RATELIMIT), held - ICMP_RATE_BURST);
}

static void test_icmp_errors_in(void **state)
{
    u8 icmp[128], inner[64];
    unsigned n;

    n = echo_frame(PEER, OUR, 8);
    ((u8 *)f)[ETH_HLEN + 20 + 2] ^= 0xff;                   /* ICMP checksum */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    assert_int_equal(R(ICMP_CSUM), 1);
    /* port unreachable quoting only 10 bytes of the inner IP header */
    memset(inner, 0, sizeof(inner));
    inner[0] = 0x45;
    n = build_icmp(icmp, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, 0, inner, 10);
    assert_int_equal(fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_ICMP, 5, 0, icmp, n)), -EINVAL);
    /* full inner header but no 8 transport bytes */
    n = build_icmp(icmp, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, 0, inner, 24);
    assert_int_equal(fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_ICMP, 6, 0, icmp, n)), -EINVAL);
    assert_int_equal(R(ICMP_TRUNCATED), 2);
    n = build_icmp(icmp, 42, 0, 0, 0, inner, 8);            /* unknown type */
    assert_int_equal(fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_ICMP, 7, 0, icmp, n)), -EINVAL);
    assert_int_equal(R(ICMP_UNHANDLED), 1);
    assert_int_equal(fake_netdev_tx_count(eth0), 0);        /* never an error about an error */
}

static int seen_err, seen_proto;
static void probe_err(struct sk_buff *skb, const struct icmp_err *err)
{
    seen_err = err->err;
    seen_proto = ((struct iphdr *)skb->data)->protocol;
}
static int probe_rcv(struct sk_buff *skb) { consume_skb(skb); return 0; }
static const struct net_protocol probe_proto = { .handler = probe_rcv, .err_handler = probe_err };

static void test_icmp_error_reaches_protocol(void **state)
{
    u8 icmp[128], inner[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 252 };
    static bool registered;

    if (!registered)
        assert_int_equal(inet_add_protocol(&probe_proto, 252), 0);
    registered = true;
    unsigned n = build_icmp(icmp, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, 0, inner, sizeof(inner));
    assert_int_equal(fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, IPPROTO_ICMP, 8, 0, icmp, n)), 0);
    assert_int_equal(seen_err, -ECONNREFUSED);
    assert_int_equal(seen_proto, 252);
}

static void test_protocol_unreachable_rate_limited(void **state)
{
    for (int i = 0; i < ICMP_RATE_BURST + 10; i++)
        assert_int_equal(fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, 200, (u16)i, 0, "abcdefgh", 8)),
                         -ENOPROTOOPT);
    assert_int_equal(R(IP_NOPROTO), ICMP_RATE_BURST + 10);
    assert_int_equal(R(ICMP_RATELIMIT), 10);
    assert_int_equal(fake_netdev_tx_count(eth0), ICMP_RATE_BURST);
    struct sk_buff *skb = fake_netdev_pop_tx(eth0);
    struct icmphdr *ic = (struct icmphdr *)(skb->data + ETH_HLEN + 20);
    assert_int_equal(ic->type, ICMP_DEST_UNREACH);
    assert_int_equal(ic->code, ICMP_PROT_UNREACH);
    assert_int_equal(skb->len, ETH_HLEN + 20 + 8 + 20 + 8);  /* quotes the header and 8 bytes */
    consume_skb(skb);
    net_test_run(NSEC_PER_SEC);                              /* the bucket refills */
    fake_netdev_clear_tx(eth0);
    fake_netdev_rx(eth0, f, build_ip(f, PEER, OUR, 200, 999, 0, "abcdefgh", 8));
    assert_int_equal(fake_netdev_tx_count(eth0), 1);
    /* but not about a broadcast */
    fake_netdev_clear_tx(eth0);
    fake_netdev_rx(eth0, f, build_ip(f, PEER, 0x0a0000ff, 200, 1000, 0, "abcdefgh", 8));
    assert_int_equal(fake_netdev_tx_count(eth0), 0);
}

static void test_output_df_and_no_route(void **state)
{
    struct flowi4 fl = { .daddr = htonl(PEER), .proto = 252, .df = true };
    struct rtable rt;

    assert_int_equal(ip_route_output(&fl, &rt), 0);
    struct sk_buff *skb = alloc_skb(MAX_HEADER + 2000);
    skb_reserve(skb, MAX_HEADER);
    skb_put(skb, 2000);
    assert_int_equal(ip_local_out(skb, &fl, &rt), -EMSGSIZE);
    assert_int_equal(R(IP_FRAG_NEEDED), 0);                  /* counted globally: no device yet */
    assert_int_equal(skb_drop_counts[SKB_DROP_REASON_IP_FRAG_NEEDED], 1);
    fl = (struct flowi4){ .daddr = htonl(0x08080808) };
    assert_int_equal(ip_route_output(&fl, &rt), 0);          /* via the default gateway */
    assert_int_equal(rt.rt_gateway, htonl(0x0a000001));
    fl = (struct flowi4){ .daddr = htonl(0xe0000001) };
    assert_int_equal(ip_route_output(&fl, &rt), -ENETUNREACH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_echo_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_padding_trimmed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_martians, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broadcast_ping_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reassembly_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlap_drops_datagram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fragment_flood_capped_and_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmp_errors_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmp_error_reaches_protocol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_protocol_unreachable_rate_limited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_df_and_no_route, setup, teardown),
    };

    net_test_boot();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
