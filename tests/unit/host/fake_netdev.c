/*
 * Host test kit for the network stack: see fake_netdev.h.  The fake device
 * keeps TX frames in a queue instead of sending them; printk goes to a small
 * ring the tests search (and to stderr when NET_TEST_VERBOSE is set).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/console.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <net/byteorder.h>
#include <net/checksum.h>
#include <net/eth.h>
#include <net/wire/arp.h>
#include <net/wire/icmp.h>
#include <net/wire/ip.h>
#include <net/net.h>
#include <net/inetdevice.h>
#include <kernel/softirq.h>
#include <kernel/timer.h>
#include <kernel/mm.h>
#include "fake_clock.h"
#include "fake_netdev.h"

const u8 fake_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
const u8 peer_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

struct fake_priv {
    struct sk_buff_head tx;
    bool busy;
};

static netdev_tx_t fake_xmit(struct sk_buff *skb, struct net_device *dev)
{
    struct fake_priv *p = netdev_priv(dev);

    if (p->busy)
        return NETDEV_TX_BUSY;
    skb_queue_tail(&p->tx, skb);
    return NETDEV_TX_OK;
}

static const struct net_device_ops fake_ops = { .ndo_start_xmit = fake_xmit };

struct net_device *fake_netdev_create(void)
{
    struct net_device *dev = alloc_etherdev(sizeof(struct fake_priv));
    struct fake_priv *p = netdev_priv(dev);

    skb_queue_head_init(&p->tx);
    memcpy(dev->dev_addr, fake_mac, ETH_ALEN);
    dev->netdev_ops = &fake_ops;
    if (register_netdev(dev))
        abort();
    netif_carrier_on(dev);
    dev_open(dev);
    return dev;
}

void fake_netdev_clear_tx(struct net_device *dev)
{
    struct sk_buff *skb;

    while ((skb = fake_netdev_pop_tx(dev)))
        consume_skb(skb);
}

void fake_netdev_destroy(struct net_device *dev)
{
    unregister_netdev(dev);
    fake_netdev_clear_tx(dev);
    free_netdev(dev);
}

void fake_netdev_set_busy(struct net_device *dev, bool busy)
{
    ((struct fake_priv *)netdev_priv(dev))->busy = busy;
}

unsigned fake_netdev_tx_count(struct net_device *dev)
{
    return skb_queue_len(&((struct fake_priv *)netdev_priv(dev))->tx);
}

struct sk_buff *fake_netdev_pop_tx(struct net_device *dev)
{
    return skb_dequeue(&((struct fake_priv *)netdev_priv(dev))->tx);
}

int fake_netdev_rx(struct net_device *dev, const void *frame, unsigned len)
{
    struct sk_buff *skb = netdev_alloc_skb(dev, len);

    if (!skb)
        abort();
    skb_put_data(skb, frame, len);
    return netif_receive_skb(skb);
}

unsigned build_eth(u8 *buf, const u8 *dst, const u8 *src, u16 type)
{
    struct ethhdr *eth = (struct ethhdr *)buf;

    memcpy(eth->h_dest, dst, ETH_ALEN);
    memcpy(eth->h_source, src, ETH_ALEN);
    eth->h_proto = htons(type);
    return ETH_HLEN;
}

unsigned build_arp(u8 *buf, const u8 *eth_dst, u16 op, const u8 *sha, u32 sip, const u8 *tha, u32 tip)
{
    unsigned n = build_eth(buf, eth_dst, peer_mac, ETH_P_ARP);
    struct arphdr *arp = (struct arphdr *)(buf + n);

    arp->ar_hrd = htons(ARPHRD_ETHER);
    arp->ar_pro = htons(ETH_P_IP);
    arp->ar_hln = 6;
    arp->ar_pln = 4;
    arp->ar_op = htons(op);
    memcpy(arp->ar_sha, sha, 6);
    arp->ar_sip = htonl(sip);
    memcpy(arp->ar_tha, tha, 6);
    arp->ar_tip = htonl(tip);
    return n + sizeof(*arp);
}

unsigned build_ip(u8 *buf, u32 src, u32 dst, u8 proto, u16 id, u16 frag, const void *payload,
                  unsigned len)
{
    unsigned n = build_eth(buf, fake_mac, peer_mac, ETH_P_IP);
    struct iphdr *iph = (struct iphdr *)(buf + n);

    iph->ihl_version = 0x45;
    iph->tos = 0;
    iph->tot_len = htons((u16)(20 + len));
    iph->id = htons(id);
    iph->frag_off = htons(frag);
    iph->ttl = 64;
    iph->protocol = proto;
    iph->check = 0;
    iph->saddr = htonl(src);
    iph->daddr = htonl(dst);
    iph->check = ip_compute_csum(iph, 20);
    memcpy(iph + 1, payload, len);
    return n + 20 + len;
}

unsigned build_icmp(u8 *buf, u8 type, u8 code, u16 id, u16 seq, const void *data, unsigned len)
{
    struct icmphdr *h = (struct icmphdr *)buf;

    h->type = type;
    h->code = code;
    h->checksum = 0;
    h->un.echo.id = htons(id);
    h->un.echo.sequence = htons(seq);
    memcpy(buf + sizeof(*h), data, len);
    h->checksum = ip_compute_csum(buf, sizeof(*h) + len);
    return sizeof(*h) + len;
}

#define LOG_LINES 64
static char log_ring[LOG_LINES][160];
static unsigned log_next;

void vprintk(int level, const char *fmt, va_list ap)
{
    vsnprintf(log_ring[log_next % LOG_LINES], sizeof(log_ring[0]), fmt, ap);
    if (getenv("NET_TEST_VERBOSE"))
        fprintf(stderr, "%s\n", log_ring[log_next % LOG_LINES]);
    log_next++;
}

void printk(int level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(level, fmt, ap);
    va_end(ap);
}

bool fake_printk_seen(const char *s)
{
    for (unsigned i = 0; i < LOG_LINES; i++)
        if (strstr(log_ring[i], s))
            return true;
    return false;
}

void fake_printk_reset(void)
{
    memset(log_ring, 0, sizeof(log_ring));
}

int console_register_key(char c, console_key_handler_t fn) { return 0; }
void register_poweroff_hook(struct poweroff_hook *hook) {}

void net_test_boot(void)
{
    fake_clock_set(NSEC_PER_SEC);
    timers_init(ktime_get_ns());
    if (net_init())
        abort();
    consume_skb(alloc_skb(64));     /* creates the skb cache, so baselines exclude it */
}

void net_test_run(u64 ns)
{
    fake_clock_advance(ns);
    run_timers(ktime_get_ns());
    do_softirq();
}

struct net_device *net_test_eth0(void)
{
    struct net_device *dev = fake_netdev_create();

    if (ip_auto_config_setup("10.0.0.2::10.0.0.1:255.255.255.0") || net_config())
        abort();
    fake_netdev_clear_tx(dev);
    memset(skb_drop_counts, 0, sizeof(skb_drop_counts));
    memset(dev->stats.drops, 0, sizeof(dev->stats.drops));
    return dev;
}

void net_test_finish(struct net_device *dev)
{
    fake_netdev_destroy(dev);
    net_test_run(300 * NSEC_PER_SEC);   /* ARP, reassembly and ICMP bucket state all expire */
}
