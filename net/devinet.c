/*
 * IPv4 interface addresses: one struct in_device per configured device and
 * the classification of addresses (ours, broadcast, multicast, other).
 * Layer: IPv4 control plane; used by ARP, IPv4 input/output, routing and
 * ipconfig.  Owns every in_device (dev->ip_ptr).
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <net/inetdevice.h>
#include <net/route.h>
#include "ip_impl.h"

int inet_set_addr(struct net_device *dev, __be32_t addr, unsigned prefixlen)
{
    struct in_device *in;
    __be32_t mask;
    int err;

    if (prefixlen > 32 || ipv4_is_zeronet(addr) || ipv4_is_multicast(addr) ||
        ipv4_is_lbcast(addr) || ipv4_is_reserved(addr))
        return -EINVAL;
    inet_clear_addr(dev);
    in = kzalloc(sizeof(*in));
    if (!in)
        return -ENOMEM;
    mask = inet_make_mask(prefixlen);
    in->dev = dev;
    in->ifa_local = addr;
    in->ifa_mask = mask;
    in->ifa_prefixlen = (u8)prefixlen;
    /* /31 and /32 have no broadcast address (RFC 3021). */
    in->ifa_broadcast = prefixlen < 31 ? (addr | ~mask) : 0;
    dev->ip_ptr = in;
    err = ip_route_add(addr & mask, prefixlen, 0, dev);
    if (err) {
        inet_clear_addr(dev);
        return err;
    }
    call_netdevice_notifiers(NETDEV_INETADDR, dev);
    return 0;
}

void inet_clear_addr(struct net_device *dev)
{
    if (!dev->ip_ptr)
        return;
    ip_route_flush_dev(dev);
    kfree(dev->ip_ptr);
    dev->ip_ptr = NULL;
}

/* Our address on any device (weak host model), or a broadcast of `dev` (or of any, if NULL). */
enum rtn_type inet_addr_type(const struct net_device *dev, __be32_t addr)
{
    const struct net_device *d;

    if (ipv4_is_lbcast(addr))
        return RTN_BROADCAST;
    if (ipv4_is_multicast(addr))
        return RTN_MULTICAST;
    for (d = dev_first(); d; d = dev_next((struct net_device *)d)) {
        const struct in_device *in = d->ip_ptr;

        if (!in)
            continue;
        if (addr == in->ifa_local)
            return RTN_LOCAL;
        if ((!dev || d == dev) && in->ifa_broadcast && addr == in->ifa_broadcast)
            return RTN_BROADCAST;
    }
    return RTN_UNICAST;
}

char *in_ntoa(__be32_t a, char buf[INET_ADDRSTRLEN])
{
    u32 h = ntohl(a);

    snprintf(buf, INET_ADDRSTRLEN, "%u.%u.%u.%u", h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
    return buf;
}

static void devinet_event(struct notifier_block *nb, enum netdev_event event, struct net_device *dev)
{
    if (event != NETDEV_UNREGISTER)
        return;
    inet_clear_addr(dev);
    ip_frag_flush_dev(dev);     /* its fragments point at dev */
}

static struct notifier_block devinet_notifier = { .fn = devinet_event };

void devinet_init(void)
{
    register_netdevice_notifier(&devinet_notifier);
}
