/*
 * IPv4 routing table: connected subnets (added by inet_set_addr) and the
 * default gateway; longest prefix wins.  Owned by net/route.c.  Upper layers
 * (ICMP now, UDP/TCP later) route before building a packet, because the
 * route decides the source address their checksums cover.
 */
#ifndef NET_ROUTE_H
#define NET_ROUTE_H

#include <net/inetdevice.h>

#define ROUTE_MAX 16            /* table entries */

/* The result of a lookup, returned by value (nothing to release). */
struct rtable {
    struct net_device *dev;     /* output device (lo for our own addresses) */
    __be32_t rt_gateway;        /* next hop when not on-link, else 0 */
    __be32_t rt_src;            /* preferred source: dev's address */
    enum rtn_type rt_type;      /* of the destination: UNICAST, LOCAL, BROADCAST */
};

/* What a sender wants (Linux's flowi4); addresses network order. */
struct flowi4 {
    __be32_t daddr;
    __be32_t saddr;             /* 0: take the route's rt_src */
    int oif;                    /* ifindex to force (DHCP on eth0), 0 for any */
    u8 proto;                   /* IPPROTO_* */
    u8 tos;
    u8 ttl;                     /* 0: IPDEFTTL */
    bool df;                    /* set DF and fail with -EMSGSIZE instead of fragmenting */
};

/*
 * Find the route for fl->daddr (and fl->oif) into *rt; fills fl->saddr when
 * it is 0.  Returns 0, -ENETUNREACH (no route, or multicast: unsupported), or
 * -EINVAL (a martian destination such as 0.0.0.0).
 */
int ip_route_output(struct flowi4 *fl, struct rtable *rt);
/*
 * Add dst/prefixlen via gw (0: on-link) on dev.  0, -EEXIST (same prefix),
 * -ENOSPC (ROUTE_MAX), -EINVAL.
 */
int ip_route_add(__be32_t dst, unsigned prefixlen, __be32_t gw, struct net_device *dev);
/* Remove every route through dev. */
void ip_route_flush_dev(struct net_device *dev);
/* True if addr is some route's gateway (the ARP cache never evicts those). */
bool ip_route_is_gateway(__be32_t addr);
/* Print the table (for net_stats_print). */
void ip_route_print(void);

#endif
