/* sk_buff, device core, Ethernet demux, TX backlog, NAPI and loopback
 * (net/skbuff.c, dev.c, eth.c, loopback.c) on a fake device; heap checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/softirq.h>
#include <kernel/string.h>
#include <net/byteorder.h>
#include <net/eth.h>
#include <net/ip.h>
#include <net/net.h>
#include <net/wire/icmp.h>
#include "host/fake_netdev.h"

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
    assert_int_equal(kmem_bytes_in_use(), heap_base);
    return 0;
}

static void test_skb_edits(void **state)
{
    struct sk_buff *skb = alloc_skb(256);

    skb_reserve(skb, 64);
    assert_int_equal(skb_headroom(skb), 64);
    memcpy(skb_put(skb, 10), "0123456789", 10);
    assert_int_equal(skb->len, 10);
    memcpy(skb_push(skb, 4), "hdr:", 4);
    assert_int_equal(skb->len, 14);
    assert_memory_equal(skb->data, "hdr:0123", 8);
    assert_non_null(skb_pull(skb, 4));
    assert_null(skb_pull(skb, 11));         /* beyond the packet: refused, nothing moved */
    assert_int_equal(skb->len, 10);
    skb_trim(skb, 3);
    assert_int_equal(skb->len, 3);
    assert_int_equal(skb_tailroom(skb), 256 - 64 - 3);
    skb_get(skb);
    consume_skb(skb);
    assert_int_equal(skb->users, 1);
    kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
    assert_int_equal(skb_drop_counts[SKB_DROP_REASON_NOMEM], 1);
}

static void test_skb_queue(void **state)
{
    struct sk_buff_head q;

    skb_queue_head_init(&q);
    for (int i = 0; i < 3; i++) {
        struct sk_buff *skb = alloc_skb(16);
        *skb_put(skb, 1) = (u8)i;
        skb_queue_tail(&q, skb);
    }
    assert_int_equal(skb_queue_len(&q), 3);
    struct sk_buff *first = skb_dequeue(&q);
    assert_int_equal(first->data[0], 0);
    skb_queue_head(&q, first);
    skb_queue_purge_reason(&q, SKB_DROP_REASON_TXQ_OVERFLOW);
    assert_true(skb_queue_empty(&q));
    assert_int_equal(skb_drop_counts[SKB_DROP_REASON_TXQ_OVERFLOW], 3);
}

static void test_eth_demux_drops(void **state)
{
    u8 f[64] = { 0 };
    static const u8 other[6] = { 0x52, 0x54, 0, 0, 0, 9 };

    assert_int_equal(fake_netdev_rx(eth0, f, 10), -EINVAL);              /* runt */
    build_eth(f, other, peer_mac, ETH_P_IP);
    assert_int_equal(fake_netdev_rx(eth0, f, 60), -EINVAL);              /* another MAC */
    build_eth(f, fake_mac, peer_mac, ETH_P_8021Q);
    assert_int_equal(fake_netdev_rx(eth0, f, 60), -EINVAL);
    build_eth(f, fake_mac, peer_mac, 0x88b5);                            /* unknown type */
    assert_int_equal(fake_netdev_rx(eth0, f, 60), -EINVAL);
    build_eth(f, fake_mac, peer_mac, 0x0100);                            /* 802.3 length */
    assert_int_equal(fake_netdev_rx(eth0, f, 60), -EINVAL);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_PKT_TOO_SMALL], 1);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_OTHERHOST], 1);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_VLAN_TAGGED], 1);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_UNHANDLED_PROTO], 2);
    assert_int_equal(eth0->stats.rx_packets, 5);
    assert_int_equal(fake_netdev_tx_count(eth0), 0);
}

static struct sk_buff *test_frame(unsigned n)
{
    struct sk_buff *skb = alloc_skb(64);

    skb->dev = eth0;
    memset(skb_put(skb, 60), (int)n, 60);
    return skb;
}

static void test_tx_backlog(void **state)
{
    u64 tx0 = eth0->stats.tx_packets;

    assert_int_equal(dev_queue_xmit(test_frame(1)), 0);
    assert_int_equal(fake_netdev_tx_count(eth0), 1);
    fake_netdev_set_busy(eth0, true);
    assert_int_equal(dev_queue_xmit(test_frame(2)), 0);     /* driver busy: waits */
    assert_true(netif_queue_stopped(eth0));
    for (unsigned i = 0; i < NETDEV_TX_BACKLOG_MAX - 1; i++)
        assert_int_equal(dev_queue_xmit(test_frame(3)), 0);
    assert_int_equal(dev_queue_xmit(test_frame(4)), -ENOBUFS);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_TXQ_OVERFLOW], 1);
    fake_netdev_set_busy(eth0, false);
    netif_wake_queue(eth0);
    assert_int_equal(fake_netdev_tx_count(eth0), 1 + NETDEV_TX_BACKLOG_MAX);
    consume_skb(fake_netdev_pop_tx(eth0));     /* order kept: frame 1, then frame 2 */
    struct sk_buff *second = fake_netdev_pop_tx(eth0);
    assert_int_equal(second->data[0], 2);
    consume_skb(second);
    assert_int_equal(eth0->stats.tx_packets - tx0, 1 + NETDEV_TX_BACKLOG_MAX);
}

static void test_down_device_drops(void **state)
{
    dev_close(eth0);
    assert_int_equal(dev_queue_xmit(test_frame(1)), -ENETDOWN);
    u8 f[60] = { 0 };
    build_eth(f, fake_mac, peer_mac, ETH_P_IP);
    assert_int_equal(fake_netdev_rx(eth0, f, 60), -EINVAL);
    assert_int_equal(eth0->stats.drops[SKB_DROP_REASON_DEV_DOWN], 2);
}

static int polls, frames_left;
static struct napi_struct test_napi;

static int test_poll(struct napi_struct *napi, int budget)
{
    int done = MIN(frames_left, budget);

    polls++;
    frames_left -= done;
    if (done < budget)
        napi_complete_done(napi, done);
    return done;
}

static void test_napi_budget(void **state)
{
    netif_napi_add(eth0, &test_napi, test_poll);
    frames_left = 1000;
    napi_schedule(&test_napi);
    napi_schedule(&test_napi);              /* already scheduled: no-op */
    assert_true(softirq_pending());
    net_rx_action();                        /* NETDEV_BUDGET frames, then yields */
    assert_int_equal(frames_left, 1000 - NETDEV_BUDGET);
    assert_true(softirq_pending());         /* re-raised for the rest */
    do_softirq();
    do_softirq();
    assert_int_equal(frames_left, 0);
    assert_false(test_napi.state & NAPI_STATE_SCHED);
    /* 4 x 64, one poll cut to the 44 left of the first run's budget, then 64s and the 40 tail */
    assert_int_equal(polls, 17);
}

static void test_loopback_ping(void **state)
{
    struct net_device *lo = dev_get_by_name("lo");
    u8 msg[64];
    unsigned n = build_icmp(msg, ICMP_ECHO, 0, 7, 1, "ping", 4);
    struct flowi4 fl = { .daddr = htonl(0x7f000001), .proto = IPPROTO_ICMP };
    struct rtable rt;
    u64 rx0 = lo->stats.rx_packets;

    assert_int_equal(ip_route_output(&fl, &rt), 0);
    assert_ptr_equal(rt.dev, lo);
    struct sk_buff *skb = alloc_skb(MAX_HEADER + n);
    skb_reserve(skb, MAX_HEADER);
    skb_put_data(skb, msg, n);
    assert_int_equal(ip_local_out(skb, &fl, &rt), 0);
    do_softirq();                           /* request in, reply out and in again */
    assert_int_equal(lo->stats.rx_packets - rx0, 2);
    assert_int_equal(skb_drop_counts[SKB_DROP_REASON_IP_INVALID_SOURCE], 0);
    /* our eth0 address is local too, and also goes through lo */
    fl = (struct flowi4){ .daddr = htonl(0x0a000002), .proto = IPPROTO_ICMP };
    assert_int_equal(ip_route_output(&fl, &rt), 0);
    assert_ptr_equal(rt.dev, lo);
    assert_int_equal(fl.saddr, htonl(0x0a000002));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_skb_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skb_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eth_demux_drops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_backlog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_down_device_drops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_napi_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_ping, setup, teardown),
    };

    net_test_boot();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
