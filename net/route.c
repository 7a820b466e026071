/*
 * IPv4 routing table (RFC 1812 §5.2.4.3 longest match, reduced to a host's
 * needs): connected subnets and gateways, ROUTE_MAX entries, linear search.
 * Layer: IPv4 control plane; used by IPv4 output, ICMP and later UDP/TCP;
 * below it the devices and their addresses (devinet).  Owns the table.
 * Destinations that are our own addresses route to the loopback device.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <net/route.h>

struct fib_entry {
    __be32_t dst, mask;
    unsigned prefixlen;
    __be32_t gw;                /* 0: on-link */
    struct net_device *dev;     /* NULL: free slot */
};

static struct fib_entry fib[ROUTE_MAX];

int ip_route_add(__be32_t dst, unsigned prefixlen, __be32_t gw, struct net_device *dev)
{
    __be32_t mask = inet_make_mask(prefixlen);
    struct fib_entry *free = NULL;

    if (prefixlen > 32 || !dev)
        return -EINVAL;
    for (unsigned i = 0; i < ROUTE_MAX; i++) {
        if (!fib[i].dev) {
            free = free ? free : &fib[i];
            continue;
        }
        if (fib[i].dst == (dst & mask) && fib[i].prefixlen == prefixlen)
            return -EEXIST;
    }
    if (!free)
        return -ENOSPC;
    *free = (struct fib_entry){ dst & mask, mask, prefixlen, gw, dev };
    return 0;
}

void ip_route_flush_dev(struct net_device *dev)
{
    for (unsigned i = 0; i < ROUTE_MAX; i++)
        if (fib[i].dev == dev)
            fib[i].dev = NULL;
}

bool ip_route_is_gateway(__be32_t addr)
{
    for (unsigned i = 0; i < ROUTE_MAX; i++)
        if (fib[i].dev && fib[i].gw && fib[i].gw == addr)
            return true;
    return false;
}

/* The loopback device (for our own addresses), or without `loopback` the first NIC with an address. */
static struct net_device *first_dev(bool loopback)
{
    for (struct net_device *d = dev_first(); d; d = dev_next(d))
        if (!!(d->flags & IFF_LOOPBACK) == loopback && (loopback || d->ip_ptr))
            return d;
    return NULL;
}

static const struct fib_entry *fib_lookup(__be32_t daddr, int oif)
{
    const struct fib_entry *best = NULL;

    for (unsigned i = 0; i < ROUTE_MAX; i++) {
        const struct fib_entry *e = &fib[i];

        if (!e->dev || (daddr & e->mask) != e->dst || (oif && e->dev->ifindex != oif))
            continue;
        if (!best || e->prefixlen > best->prefixlen)
            best = e;
    }
    return best;
}

int ip_route_output(struct flowi4 *fl, struct rtable *rt)
{
    const struct fib_entry *e;

    if (ipv4_is_zeronet(fl->daddr))
        return -EINVAL;
    if (ipv4_is_multicast(fl->daddr))
        return -ENETUNREACH;
    rt->rt_type = inet_addr_type(NULL, fl->daddr);
    rt->rt_gateway = 0;
    if (rt->rt_type == RTN_LOCAL) {
        rt->dev = first_dev(true);
        rt->rt_src = fl->daddr;     /* talking to ourselves: the address is its own source */
    } else if (ipv4_is_lbcast(fl->daddr)) {
        rt->dev = fl->oif ? dev_get_by_index(fl->oif) : first_dev(false);
        rt->rt_src = rt->dev ? inet_dev_addr(rt->dev) : 0;
    } else {
        if (!(e = fib_lookup(fl->daddr, fl->oif)))
            return -ENETUNREACH;
        rt->dev = e->dev;
        rt->rt_gateway = e->gw;
        rt->rt_src = inet_dev_addr(e->dev);
    }
    if (!rt->dev)
        return -ENETUNREACH;
    if (!fl->saddr)
        fl->saddr = rt->rt_src;
    return 0;
}

void ip_route_print(void)
{
    for (unsigned i = 0; i < ROUTE_MAX; i++) {
        const struct fib_entry *e = &fib[i];
        char dst[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

        if (!e->dev)
            continue;
        pr_info("route: %s/%u via %s dev %s", in_ntoa(e->dst, dst), e->prefixlen,
                in_ntoa(e->gw, gw), e->dev->name);
    }
}
