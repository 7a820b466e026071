/*
 * ARP (RFC 826): the IPv4 neighbour cache for Ethernet devices.  Owned by
 * net/arp.c.  IPv4 output hands it packets for a next hop; it resolves the
 * MAC, queues a few packets meanwhile, and reports give-ups to the hook IPv4
 * registered.  Addresses network byte order.
 */
#ifndef NET_ARP_H
#define NET_ARP_H

#include <net/netdevice.h>

#define ARP_TABLE_MAX       64      /* entries, all devices */
#define ARP_QUEUE_MAX       3       /* packets held per unresolved entry (Linux unres_qlen) */
#define ARP_RETRIES         3       /* requests before giving up */
#define ARP_RETRANS_NS      (1000ULL * 1000 * 1000)       /* between requests */
#define ARP_REACHABLE_NS    (30ULL * 1000 * 1000 * 1000)  /* confirmed entry ages to stale */
#define ARP_STALE_NS        (60ULL * 1000 * 1000 * 1000)  /* unused stale entry is removed */
#define ARP_DELAY_NS        (5ULL * 1000 * 1000 * 1000)   /* used stale entry: wait before probing (Linux delay_first_probe_time) */
#define ARP_UCAST_PROBES    3       /* unicast requests in PROBE before dropping the entry */
#define ARP_LOCKTIME_NS     (1000ULL * 1000 * 1000)       /* a fresh MAC is not replaced sooner */

enum neigh_state { NUD_NONE, NUD_INCOMPLETE, NUD_REACHABLE, NUD_STALE, NUD_DELAY, NUD_PROBE };

/*
 * Send skb (data at the IP header, IPv4 frame) to `nexthop` on dev: frames
 * it at once when the MAC is known (or dev is IFF_NOARP, or nexthop is a
 * broadcast), else queues it and resolves.  Consumes skb.  0, -ENOBUFS (cache
 * full), or dev_queue_xmit's error.
 */
int arp_output(struct sk_buff *skb, struct net_device *dev, __be32_t nexthop);
/*
 * The layer above learns of packets ARP gave up on: fn(skb) runs for each
 * (data at the IP header) just before it is dropped as NEIGH_FAILED.
 */
void arp_set_error_report(void (*fn)(struct sk_buff *skb));
/* State of the entry for ip on dev, NUD_NONE if none (tests, the socket layer's wait). */
enum neigh_state arp_state(const struct net_device *dev, __be32_t ip);
/* Entries in the cache. */
unsigned arp_cache_count(void);
/* Print the cache (net_stats_print). */
void arp_cache_print(void);
/* Register with the device core (ETH_P_IP's neighbour, notifiers); net_init. */
void arp_init(void);

#endif
