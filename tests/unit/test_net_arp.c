/* ARP (net/arp.c, RFC 826): replies, resolution with retries and give-up,
 * the per-entry queue, poisoning defences, bounded cache that keeps the
 * gateway, STALE -> DELAY -> PROBE re-confirmation, gratuitous ARP and the ip= line; heap checked after each test. */
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
#include <net/eth.h>
#include <net/ip.h>
#include <net/net.h>
#include <net/wire/arp.h>
#include "host/fake_netdev.h"

#define OUR 0x0a000002u
#define GW  0x0a000001u
#define PEER 0x0a000005u
static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 zero[6];

static struct net_device *eth0;
static u64 heap_base;

static int setup(void **state)
{
    heap_base = kmem_bytes_in_use();
    eth0 = net_test_eth0();
    return 0;
}

static int teardown(void **state)
{
    net_test_finish(eth0);
    assert_int_equal(arp_cache_count(), 0);
    assert_int_equal(kmem_bytes_in_use(), heap_base);
    return 0;
}

static struct arphdr *pop_arp(struct sk_buff **skbp)
{
    struct sk_buff *skb = fake_netdev_pop_tx(eth0);

    assert_non_null(skb);
    assert_int_equal(ntohs(((struct ethhdr *)skb->data)->h_proto), ETH_P_ARP);
    *skbp = skb;
    return (struct arphdr *)(skb->data + ETH_HLEN);
}

static void test_reply_to_request(void **state)
{
    u8 f[64];
    unsigned n = build_arp(f, bcast, ARPOP_REQUEST, peer_mac, PEER, zero, OUR);
    struct sk_buff *skb;

    memset(f + n, 0, sizeof(f) - n);
    assert_int_equal(fake_netdev_rx(eth0, f, 60), 0);      /* padded to 60: fine */
    struct arphdr *a = pop_arp(&skb);
    assert_int_equal(ntohs(a->ar_op), ARPOP_REPLY);
    assert_memory_equal(a->ar_sha, fake_mac, 6);
    assert_int_equal(ntohl(a->ar_sip), OUR);
    assert_memory_equal(a->ar_tha, peer_mac, 6);
    assert_int_equal(ntohl(a->ar_tip), PEER);
    assert_memory_equal(((struct ethhdr *)skb->data)->h_dest, peer_mac, 6);
    consume_skb(skb);
    assert_int_equal(arp_state(eth0, htonl(PEER)), NUD_STALE);  /* learned: they will talk to us */
    /* a request for someone else: no reply, nothing learned */
    build_arp(f, bcast, ARPOP_REQUEST, peer_mac, 0x0a000006, zero, 0x0a000007);
    assert_int_equal(fake_netdev_rx(eth0, f, 60), 0);
    assert_int_equal(fake_netdev_tx_count(eth0), 0);
    assert_int_equal(arp_state(eth0, htonl(0x0a000006)), NUD_NONE);
}

static void test_malformed(void **state)
{
    u8 f[64];
    unsigned n = build_arp(f, bcast, ARPOP_REQUEST, peer_mac, PEER, zero, OUR);

    assert_int_equal(fake_netdev_rx(eth0, f, n - 1), -EINVAL);          /* odd, short length */
    f[ETH_HLEN + 4] = 8;                                                /* hln 8 */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    build_arp(f, bcast, 3, peer_mac, PEER, zero, OUR);                  /* RARP opcode */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    build_arp(f, bcast, ARPOP_REQUEST, bcast, PEER, zero, OUR);         /* broadcast sender MAC */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    build_arp(f, bcast, ARPOP_REQUEST, peer_mac, 0x0a0000ff, zero, OUR);/* subnet broadcast sender */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    build_arp(f, bcast, ARPOP_REQUEST, peer_mac, 0xe0000001, zero, OUR);/* multicast sender */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    build_arp(f, bcast, ARPOP_REQUEST, peer_mac, OUR, zero, OUR);       /* claims our address */
    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_PKT_TOO_SMALL], 1);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_ARP_BAD_HDR], 1);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_ARP_BAD_OP], 1);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_ARP_BAD_SENDER], 3);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_ARP_OWN_ADDR], 1);
    assert_int_equal(fake_netdev_tx_count(eth0), 0);
    assert_int_equal(arp_cache_count(), 0);
}

static void test_unsolicited_reply_not_learned(void **state)
{
    u8 f[64];
    unsigned n = build_arp(f, fake_mac, ARPOP_REPLY, peer_mac, GW, fake_mac, OUR);

    assert_int_equal(fake_netdev_rx(eth0, f, n), -EINVAL);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_ARP_UNSOLICITED], 1);
    assert_int_equal(arp_state(eth0, htonl(GW)), NUD_NONE);
}

static int err_calls, err_errno;
static void probe_err(struct sk_buff *skb, const struct icmp_err *err)
{
    err_calls++;
    err_errno = err->err;
    assert_true(err->local);
}
static int probe_rcv(struct sk_buff *skb) { consume_skb(skb); return 0; }
static const struct net_protocol probe_proto = { .handler = probe_rcv, .err_handler = probe_err };

/* Send `n` bytes of protocol 253 to dst through the real output path. */
static int send_to(u32 dst, unsigned n)
{
    struct flowi4 fl = { .daddr = htonl(dst), .proto = 253 };
    struct rtable rt;
    struct sk_buff *skb;

    assert_int_equal(ip_route_output(&fl, &rt), 0);
    skb = alloc_skb(MAX_HEADER + n);
    skb_reserve(skb, MAX_HEADER);
    memset(skb_put(skb, n), 0xab, n);
    return ip_local_out(skb, &fl, &rt);
}

static void test_resolution_and_queue(void **state)
{
    struct sk_buff *skb;
    u8 f[64];

    for (int i = 0; i < ARP_QUEUE_MAX + 1; i++)
        assert_int_equal(send_to(PEER, 16), 0);
    assert_int_equal(fake_netdev_tx_count(eth0), 1);                    /* one request */
    struct arphdr *a = pop_arp(&skb);
    assert_int_equal(ntohs(a->ar_op), ARPOP_REQUEST);
    assert_int_equal(ntohl(a->ar_tip), PEER);
    assert_memory_equal(((struct ethhdr *)skb->data)->h_dest, bcast, 6);
    consume_skb(skb);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_NEIGH_QUEUEFULL], 1);
    unsigned n = build_arp(f, fake_mac, ARPOP_REPLY, peer_mac, PEER, fake_mac, OUR);
    assert_int_equal(fake_netdev_rx(eth0, f, n), 0);
    assert_int_equal(arp_state(eth0, htonl(PEER)), NUD_REACHABLE);
    assert_int_equal(fake_netdev_tx_count(eth0), ARP_QUEUE_MAX);       /* queue flushed */
    skb = fake_netdev_pop_tx(eth0);
    assert_memory_equal(((struct ethhdr *)skb->data)->h_dest, peer_mac, 6);
    consume_skb(skb);
    /* a forged reply right after: the fresh MAC stays (locktime) */
    static const u8 evil[6] = { 0x02, 0, 0, 0, 0, 0x66 };
    n = build_arp(f, fake_mac, ARPOP_REPLY, evil, PEER, fake_mac, OUR);
    fake_netdev_rx(eth0, f, n);
    fake_netdev_clear_tx(eth0);
    send_to(PEER, 16);
    skb = fake_netdev_pop_tx(eth0);
    assert_memory_equal(((struct ethhdr *)skb->data)->h_dest, peer_mac, 6);
    consume_skb(skb);
    /* ageing: reachable -> stale -> gone */
    net_test_run(ARP_REACHABLE_NS + NSEC_PER_SEC);
    assert_int_equal(arp_state(eth0, htonl(PEER)), NUD_STALE);
    net_test_run(ARP_STALE_NS + NSEC_PER_SEC);
    assert_int_equal(arp_state(eth0, htonl(PEER)), NUD_NONE);
}

static void test_give_up_reports_ehostunreach(void **state)
{
    static bool registered;

    if (!registered)
        assert_int_equal(inet_add_protocol(&probe_proto, 253), 0);
    registered = true;
    err_calls = 0;
    send_to(PEER, 16);
    send_to(PEER, 16);
    for (int i = 0; i < ARP_RETRIES + 1; i++)
        net_test_run(ARP_RETRANS_NS + 10 * NSEC_PER_MSEC);   /* the wheel fires up to a granule late */
    assert_int_equal(fake_netdev_tx_count(eth0), ARP_RETRIES);          /* requests, then silence */
    assert_int_equal(err_calls, 2);
    assert_int_equal(err_errno, -EHOSTUNREACH);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_NEIGH_FAILED], 2);
    assert_int_equal(arp_state(eth0, htonl(PEER)), NUD_NONE);
}

/* RFC 1122 §2.3.2.1, Linux's NUD machine: a STALE entry that is used goes to
 * DELAY (packets still flow to the known MAC), then PROBE with unicast
 * requests; a reply makes it REACHABLE, silence drops it.  Learned from a
 * request at time zero (the first second after boot) too. */
static void test_stale_used_delay_probe(void **state)
{
    struct sk_buff *skb;
    u8 f[64];
    unsigned n = build_arp(f, bcast, ARPOP_REQUEST, peer_mac, GW, zero, OUR);

    assert_int_equal(fake_netdev_rx(eth0, f, n), 0);       /* the gateway asks for us */
    fake_netdev_clear_tx(eth0);
    assert_int_equal(arp_state(eth0, htonl(GW)), NUD_STALE);
    assert_int_equal(send_to(GW, 16), 0);                    /* used: sent at once, no request */
    assert_int_equal(fake_netdev_tx_count(eth0), 1);
    skb = fake_netdev_pop_tx(eth0);
    assert_int_equal(ntohs(((struct ethhdr *)skb->data)->h_proto), ETH_P_IP);
    assert_memory_equal(((struct ethhdr *)skb->data)->h_dest, peer_mac, 6);
    consume_skb(skb);
    assert_int_equal(arp_state(eth0, htonl(GW)), NUD_DELAY);
    assert_int_equal(fake_netdev_rx(eth0, f, n), 0);         /* a request again confirms nothing */
    fake_netdev_clear_tx(eth0);
    assert_int_equal(arp_state(eth0, htonl(GW)), NUD_DELAY);
    net_test_run(ARP_DELAY_NS - 10 * NSEC_PER_MSEC);
    assert_int_equal(fake_netdev_tx_count(eth0), 0);
    net_test_run(20 * NSEC_PER_MSEC);
    assert_int_equal(arp_state(eth0, htonl(GW)), NUD_PROBE);
    struct arphdr *a = pop_arp(&skb);                        /* a unicast request */
    assert_int_equal(ntohs(a->ar_op), ARPOP_REQUEST);
    assert_int_equal(ntohl(a->ar_tip), GW);
    assert_memory_equal(((struct ethhdr *)skb->data)->h_dest, peer_mac, 6);
    consume_skb(skb);
    n = build_arp(f, fake_mac, ARPOP_REPLY, peer_mac, GW, fake_mac, OUR);
    assert_int_equal(fake_netdev_rx(eth0, f, n), 0);
    assert_int_equal(arp_state(eth0, htonl(GW)), NUD_REACHABLE);
    net_test_run(10 * ARP_RETRANS_NS);
    assert_int_equal(fake_netdev_tx_count(eth0), 0);         /* confirmed: no more requests */

    /* aged to STALE, used, nobody answers: ARP_UCAST_PROBES requests, then dropped */
    net_test_run(ARP_REACHABLE_NS + NSEC_PER_SEC);
    assert_int_equal(arp_state(eth0, htonl(GW)), NUD_STALE);
    assert_int_equal(send_to(GW, 16), 0);
    fake_netdev_clear_tx(eth0);
    net_test_run(ARP_DELAY_NS + 10 * NSEC_PER_MSEC);
    for (int i = 0; i < ARP_UCAST_PROBES; i++) {
        assert_int_equal(arp_state(eth0, htonl(GW)), NUD_PROBE);
        a = pop_arp(&skb);
        assert_memory_equal(((struct ethhdr *)skb->data)->h_dest, peer_mac, 6);
        consume_skb(skb);
        net_test_run(ARP_RETRANS_NS + 10 * NSEC_PER_MSEC);
    }
    assert_int_equal(fake_netdev_tx_count(eth0), 0);
    assert_int_equal(arp_state(eth0, htonl(GW)), NUD_NONE);
}

static void test_cache_bounded_keeps_gateway(void **state)
{
    u8 f[64];
    unsigned n;

    n = build_arp(f, bcast, ARPOP_REQUEST, peer_mac, GW, zero, OUR);
    fake_netdev_rx(eth0, f, n);
    for (u32 i = 0; i < 2 * ARP_TABLE_MAX; i++) {
        net_test_run(NSEC_PER_MSEC);
        n = build_arp(f, bcast, ARPOP_REQUEST, peer_mac, 0x0a000100 + i, zero, OUR);
        assert_int_equal(fake_netdev_rx(eth0, f, n), 0);
    }
    assert_int_equal(arp_cache_count(), ARP_TABLE_MAX);
    assert_int_equal(arp_state(eth0, htonl(GW)), NUD_STALE);           /* the oldest, yet kept */
    assert_int_equal(arp_state(eth0, htonl(0x0a000100)), NUD_NONE);   /* evicted */
    fake_netdev_clear_tx(eth0);
}

static void test_gratuitous_and_up_line(void **state)
{
    struct net_device *eth1 = fake_netdev_create();
    struct sk_buff *skb;

    fake_printk_reset();
    assert_int_equal(ip_auto_config_setup("10.0.1.9:::255.255.255.0::eth1:off"), 0);
    assert_int_equal(net_config(), 0);
    assert_true(fake_printk_seen("net: eth1 10.0.1.9/24 up"));
    skb = fake_netdev_pop_tx(eth1);
    struct arphdr *a = (struct arphdr *)(skb->data + ETH_HLEN);
    assert_int_equal(ntohs(a->ar_op), ARPOP_REQUEST);
    assert_int_equal(a->ar_sip, a->ar_tip);
    assert_int_equal(ntohl(a->ar_sip), 0x0a000109);
    consume_skb(skb);
    assert_int_equal(ip_auto_config_setup("10.0.0.300::::"), -EINVAL);
    assert_int_equal(ip_auto_config_setup("10.0.0.2:::255.0.255.0"), -EINVAL);
    assert_int_equal(ip_auto_config_setup("dhcp"), 0);                 /* DHCP: tests/unit/test_dhcp.c */
    assert_int_equal(ip_auto_config_setup("off"), 0);
    assert_int_equal(net_config(), 0);                                  /* ip=off: nothing */
    fake_netdev_destroy(eth1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reply_to_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsolicited_reply_not_learned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolution_and_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_give_up_reports_ehostunreach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_used_delay_probe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_bounded_keeps_gateway, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gratuitous_and_up_line, setup, teardown),
    };

    net_test_boot();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
