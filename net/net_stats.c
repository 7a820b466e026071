/*
 * Printing the stack's counters: per device (packets, bytes, errors, drops
 * by reason), the global drop reasons, the ARP cache and the routes.  On
 * console key 'n' and at poweroff, so a test (or a person) can see why
 * packets went missing.  Reads state owned elsewhere; owns nothing.
 */
#include <kernel/console.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <net/arp.h>
#include <net/inetdevice.h>
#include <net/net.h>
#include <net/route.h>
#include <net/tcp.h>
#include <net/udp.h>
#include "ip_impl.h"
#include "net_impl.h"

static void print_dev(const struct net_device *dev)
{
    const struct net_device_stats *s = &dev->stats;

    pr_info("net: %s rx %llu pkts %llu bytes, tx %llu pkts %llu bytes, errors rx %llu tx %llu%s",
            dev->name, (unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes,
            (unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
            (unsigned long long)s->rx_errors, (unsigned long long)s->tx_errors,
            dev->flags & IFF_RUNNING ? "" : " (down)");
    for (unsigned r = 1; r < SKB_DROP_REASON_MAX; r++)
        if (s->drops[r])
            pr_info("net: %s drop %s: %llu", dev->name, skb_drop_reason_name(r),
                    (unsigned long long)s->drops[r]);
}

void net_stats_print(void)
{
    for (struct net_device *dev = dev_first(); dev; dev = dev_next(dev))
        print_dev(dev);
    for (unsigned r = 1; r < SKB_DROP_REASON_MAX; r++)
        if (skb_drop_counts[r])
            pr_info("net: drop %s: %llu", skb_drop_reason_name(r),
                    (unsigned long long)skb_drop_counts[r]);
    pr_info("net: reassembly %u datagrams, %u bytes", ip_frag_queues(), ip_frag_mem());
    tcp_stats_print();
    udp_stats_print();
    arp_cache_print();
    ip_route_print();
}

static void net_stats_key(char c)
{
    net_stats_print();
}

static void net_stats_poweroff(int status)
{
    net_stats_print();
}

static struct poweroff_hook net_stats_hook = { .fn = net_stats_poweroff };

void net_stats_init(void)
{
    console_register_key('n', net_stats_key);
    register_poweroff_hook(&net_stats_hook);
}
