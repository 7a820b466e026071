/*
 * The stack's composition root: the one place that knows every layer and
 * starts them bottom-up (device core and NET_RX_SOFTIRQ, ARP, IPv4 with
 * ICMP, AF_INET sockets, lo, ipconfig's watcher, the counters).  kernel_main calls
 * net_init() before the NIC drivers probe and net_config() after.
 */
#include <kernel/softirq.h>
#include <net/arp.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/net.h>
#include <net/netdevice.h>
#include "net_impl.h"

int net_init(void)
{
    open_softirq(NET_RX_SOFTIRQ, net_rx_action);
    arp_init();
    ip_init();
    inet_init();            /* sockets: AF_INET, UDP, ping, raw */
    ipconfig_init();
    net_stats_init();
    return loopback_init();
}
