/*
 * ARP (RFC 826) for IPv4 over Ethernet: the neighbour cache and its timers.
 * Layer: above the device core (ETH_P_ARP packet_type, dev_queue_xmit),
 * below IPv4 output (arp_output) which registers an error-report hook.
 * Owns the cache: at most ARP_TABLE_MAX entries, each INCOMPLETE (resolving,
 * holding up to ARP_QUEUE_MAX packets), REACHABLE (confirmed by a reply),
 * STALE (learned from a request, or aged; still used), DELAY (a STALE entry
 * was used: wait ARP_DELAY_NS for a confirmation) or PROBE (unicast requests,
 * ARP_UCAST_PROBES of them, then the entry is dropped) -- RFC 1122
 * §2.3.2.1 and Linux's neighbour state machine, so a used entry is always
 * re-confirmed, however soon after boot it was learned.
 * Defences: entries are created only by our own resolution or by a request
 * addressed to us, never by an unsolicited reply; our own address, and
 * broadcast, multicast or zero senders are never learned.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <net/arp.h>
#include <net/byteorder.h>
#include <net/eth.h>
#include <net/inetdevice.h>
#include <net/route.h>
#include <net/wire/arp.h>

struct neighbour {
    struct list_head list;
    struct net_device *dev;
    __be32_t ip;
    u8 ha[ETH_ALEN];
    enum neigh_state state;
    u8 probes;                      /* requests sent in this state */
    u64 updated;                    /* ns: last MAC confirmation or change */
    u64 probed;                     /* ns: last request sent */
    struct timer_list timer;        /* retry (INCOMPLETE) or ageing */
    struct sk_buff_head queue;      /* packets waiting while INCOMPLETE */
};

static LIST_HEAD(arp_tbl);
static unsigned arp_entries;
static void (*error_report)(struct sk_buff *skb);

void arp_set_error_report(void (*fn)(struct sk_buff *skb))
{
    error_report = fn;
}

static struct neighbour *neigh_find(const struct net_device *dev, __be32_t ip)
{
    struct neighbour *n;

    list_for_each_entry(n, &arp_tbl, list)
        if (n->dev == dev && n->ip == ip)
            return n;
    return NULL;
}

enum neigh_state arp_state(const struct net_device *dev, __be32_t ip)
{
    struct neighbour *n = neigh_find(dev, ip);

    return n ? n->state : NUD_NONE;
}

unsigned arp_cache_count(void)
{
    return arp_entries;
}

static void neigh_destroy(struct neighbour *n, enum skb_drop_reason reason)
{
    del_timer(&n->timer);
    skb_queue_purge_reason(&n->queue, reason);
    list_del(&n->list);
    arp_entries--;
    kfree(n);
}

/* Make room: the oldest resolved entry goes, stale before reachable, never a gateway. */
static bool neigh_evict_one(void)
{
    struct neighbour *n, *victim = NULL;

    list_for_each_entry(n, &arp_tbl, list) {
        if (n->state == NUD_INCOMPLETE || ip_route_is_gateway(n->ip))
            continue;
        if (!victim || (n->state == NUD_STALE && victim->state != NUD_STALE) ||
            (n->state == victim->state && n->updated < victim->updated))
            victim = n;
    }
    if (victim)
        neigh_destroy(victim, SKB_DROP_REASON_NOT_SPECIFIED);
    return victim != NULL;
}

static void neigh_timer(struct timer_list *t);

static struct neighbour *neigh_create(struct net_device *dev, __be32_t ip)
{
    struct neighbour *n;

    if (arp_entries >= ARP_TABLE_MAX && !neigh_evict_one())
        return NULL;
    n = kzalloc(sizeof(*n));
    if (!n)
        return NULL;
    n->dev = dev;
    n->ip = ip;
    n->state = NUD_INCOMPLETE;
    timer_setup(&n->timer, neigh_timer);
    skb_queue_head_init(&n->queue);
    list_add(&n->list, &arp_tbl);
    arp_entries++;
    return n;
}

/* Build and send one ARP packet; dest_ha NULL means broadcast. */
static void arp_send(struct net_device *dev, u16 op, __be32_t tip, const u8 *dest_ha,
                     const u8 *tha, __be32_t sip)
{
    struct sk_buff *skb = alloc_skb(LL_MAX_HEADER + sizeof(struct arphdr));
    struct arphdr *arp;

    if (!skb) {
        netdev_count_drop(dev, SKB_DROP_REASON_NOMEM);
        return;
    }
    skb_reserve(skb, LL_MAX_HEADER);
    arp = (struct arphdr *)skb_put(skb, sizeof(*arp));
    arp->ar_hrd = htons(ARPHRD_ETHER);
    arp->ar_pro = htons(ETH_P_IP);
    arp->ar_hln = ETH_ALEN;
    arp->ar_pln = 4;
    arp->ar_op = htons(op);
    ether_addr_copy(arp->ar_sha, dev->dev_addr);
    arp->ar_sip = sip;
    if (tha)
        ether_addr_copy(arp->ar_tha, tha);
    else
        memset(arp->ar_tha, 0, ETH_ALEN);
    arp->ar_tip = tip;
    skb->dev = dev;
    skb_reset_network_header(skb);
    eth_header(skb, dev, ETH_P_ARP, dest_ha ? dest_ha : dev->broadcast);
    dev_queue_xmit(skb);
}

/* A request for n: broadcast while resolving, unicast when re-confirming a known MAC. */
static void neigh_solicit(struct neighbour *n)
{
    n->probes++;
    n->probed = ktime_get_ns();
    arp_send(n->dev, ARPOP_REQUEST, n->ip, n->state != NUD_INCOMPLETE ? n->ha : NULL, NULL,
             inet_dev_addr(n->dev));
}

/* Resolution gave up: every waiting sender hears EHOSTUNREACH through the hook. */
static void neigh_fail(struct neighbour *n)
{
    struct sk_buff *skb;

    while ((skb = skb_dequeue(&n->queue))) {
        if (error_report)
            error_report(skb);
        kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_FAILED);
    }
    neigh_destroy(n, SKB_DROP_REASON_NEIGH_FAILED);
}

static void neigh_timer(struct timer_list *t)
{
    struct neighbour *n = container_of(t, struct neighbour, timer);
    u64 now = ktime_get_ns();

    switch (n->state) {
    case NUD_INCOMPLETE:
        if (n->probes >= ARP_RETRIES) {
            neigh_fail(n);
            return;
        }
        neigh_solicit(n);
        mod_timer(&n->timer, now + ARP_RETRANS_NS);
        break;
    case NUD_REACHABLE:
        n->state = NUD_STALE;
        n->probes = 0;
        mod_timer(&n->timer, now + ARP_STALE_NS);
        break;
    case NUD_DELAY:             /* no confirmation came (a reply makes it REACHABLE): probe */
        n->state = NUD_PROBE;
        n->probes = 0;
        /* fall through */
    case NUD_PROBE:
        if (n->probes >= ARP_UCAST_PROBES) {
            neigh_fail(n);      /* nothing is queued: packets still went to the old MAC */
            return;
        }
        neigh_solicit(n);
        mod_timer(&n->timer, now + ARP_RETRANS_NS);
        break;
    default:
        if (ip_route_is_gateway(n->ip))
            mod_timer(&n->timer, now + ARP_STALE_NS);
        else
            neigh_destroy(n, SKB_DROP_REASON_NOT_SPECIFIED);
        break;
    }
}

/* Frame and send skb to n's MAC. */
static int neigh_xmit(struct neighbour *n, struct sk_buff *skb)
{
    eth_header(skb, n->dev, ETH_P_IP, n->ha);
    return dev_queue_xmit(skb);
}

/* New or confirmed MAC for n: REACHABLE on a reply, STALE on a request (RFC 826 merge). */
static void neigh_update(struct neighbour *n, const u8 *ha, bool reply)
{
    u64 now = ktime_get_ns();
    struct sk_buff *skb;

    if (n->state != NUD_INCOMPLETE && !ether_addr_equal(n->ha, ha) &&
        now - n->updated < ARP_LOCKTIME_NS)
        return;     /* Linux locktime: two answers in a row, the first one stays */
    if (!reply && ether_addr_equal(n->ha, ha) &&
        (n->state == NUD_REACHABLE || n->state == NUD_DELAY || n->state == NUD_PROBE))
        return;     /* a request with the same MAC confirms nothing (Linux neigh_update) */
    ether_addr_copy(n->ha, ha);
    n->updated = now;
    n->probes = 0;
    n->state = reply ? NUD_REACHABLE : NUD_STALE;
    mod_timer(&n->timer, now + (reply ? ARP_REACHABLE_NS : ARP_STALE_NS));
    while ((skb = skb_dequeue(&n->queue)))
        neigh_xmit(n, skb);
}

int arp_output(struct sk_buff *skb, struct net_device *dev, __be32_t nexthop)
{
    struct neighbour *n;

    skb->dev = dev;
    skb->protocol = htons(ETH_P_IP);
    if (dev->flags & IFF_NOARP) {
        eth_header(skb, dev, ETH_P_IP, dev->dev_addr);
        return dev_queue_xmit(skb);
    }
    if (inet_addr_type(dev, nexthop) == RTN_BROADCAST) {
        eth_header(skb, dev, ETH_P_IP, dev->broadcast);
        return dev_queue_xmit(skb);
    }
    n = neigh_find(dev, nexthop);
    if (n && n->state != NUD_INCOMPLETE) {
        if (n->state == NUD_STALE) {    /* used: re-confirm it (STALE -> DELAY -> PROBE) */
            n->state = NUD_DELAY;
            n->probes = 0;
            mod_timer(&n->timer, ktime_get_ns() + ARP_DELAY_NS);
        }
        return neigh_xmit(n, skb);
    }
    if (!n) {
        n = neigh_create(dev, nexthop);
        if (!n) {
            kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_TABLEFULL);
            return -ENOBUFS;
        }
        neigh_solicit(n);
        mod_timer(&n->timer, ktime_get_ns() + ARP_RETRANS_NS);
    }
    if (skb_queue_len(&n->queue) >= ARP_QUEUE_MAX)
        kfree_skb_reason(skb_dequeue(&n->queue), SKB_DROP_REASON_NEIGH_QUEUEFULL);
    skb_queue_tail(&n->queue, skb);
    return 0;
}

/* RFC 826 "?Do I have the hardware type in ar$hrd?" and the rest of the fixed fields. */
static enum skb_drop_reason arp_check_header(const struct arphdr *arp)
{
    u16 op = ntohs(arp->ar_op);

    if (arp->ar_hrd != htons(ARPHRD_ETHER) || arp->ar_pro != htons(ETH_P_IP) ||
        arp->ar_hln != ETH_ALEN || arp->ar_pln != 4)
        return SKB_DROP_REASON_ARP_BAD_HDR;
    if (op != ARPOP_REQUEST && op != ARPOP_REPLY)
        return SKB_DROP_REASON_ARP_BAD_OP;
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

/* A sender we could ever talk to: unicast MAC (not ours), unicast IPv4 not ours. */
static enum skb_drop_reason arp_check_sender(const struct arphdr *arp, struct net_device *dev)
{
    __be32_t sip = arp->ar_sip;

    if (is_multicast_ether_addr(arp->ar_sha) || is_zero_ether_addr(arp->ar_sha))
        return SKB_DROP_REASON_ARP_BAD_SENDER;
    if (ether_addr_equal(arp->ar_sha, dev->dev_addr))
        return SKB_DROP_REASON_ARP_OWN_ADDR;
    if (ipv4_is_zeronet(sip) || ipv4_is_loopback(sip) || ipv4_is_multicast(sip) ||
        ipv4_is_reserved(sip) || inet_addr_type(dev, sip) == RTN_BROADCAST)
        return SKB_DROP_REASON_ARP_BAD_SENDER;
    if (inet_addr_type(dev, sip) == RTN_LOCAL)
        return SKB_DROP_REASON_ARP_OWN_ADDR;   /* a conflict or a spoof: never learn it */
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

/* RFC 5227 probe (sender 0.0.0.0) for our address: answer so the prober sees the conflict. */
static bool arp_is_probe_for_us(const struct arphdr *arp, __be32_t our)
{
    return arp->ar_sip == 0 && arp->ar_tip == our && arp->ar_op == htons(ARPOP_REQUEST) &&
           !is_multicast_ether_addr(arp->ar_sha) && !is_zero_ether_addr(arp->ar_sha);
}

/* The merge step of RFC 826, with our no-new-entry-from-replies rule. */
static enum skb_drop_reason arp_learn(const struct arphdr *arp, struct net_device *dev, __be32_t our)
{
    bool reply = arp->ar_op == htons(ARPOP_REPLY);
    bool for_us = arp->ar_tip == our;
    struct neighbour *n = neigh_find(dev, arp->ar_sip);

    if (n) {
        neigh_update(n, arp->ar_sha, reply && for_us);
        return SKB_DROP_REASON_NOT_DROPPED_YET;
    }
    if (reply)
        return SKB_DROP_REASON_ARP_UNSOLICITED;
    if (for_us) {   /* they are about to talk to us: Linux learns them as STALE */
        n = neigh_create(dev, arp->ar_sip);
        if (!n)
            return SKB_DROP_REASON_NEIGH_TABLEFULL;
        neigh_update(n, arp->ar_sha, false);
    }
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

static int arp_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt)
{
    const struct arphdr *arp = (const struct arphdr *)skb->data;
    __be32_t our = inet_dev_addr(dev);
    enum skb_drop_reason reason = SKB_DROP_REASON_PKT_TOO_SMALL;

    if (!pskb_may_pull(skb, sizeof(*arp)))
        goto drop;
    reason = arp_check_header(arp);
    if (reason)
        goto drop;
    if (!our)
        goto consume;   /* no address yet (DHCP in progress): nothing to answer or learn */
    if (arp_is_probe_for_us(arp, our)) {
        arp_send(dev, ARPOP_REPLY, 0, arp->ar_sha, arp->ar_sha, our);
        goto consume;
    }
    reason = arp_check_sender(arp, dev);
    if (reason)
        goto drop;
    reason = arp_learn(arp, dev, our);
    if (reason)
        goto drop;
    if (arp->ar_op == htons(ARPOP_REQUEST) && arp->ar_tip == our)
        arp_send(dev, ARPOP_REPLY, arp->ar_sip, arp->ar_sha, arp->ar_sha, our);
consume:
    consume_skb(skb);
    return 0;
drop:
    kfree_skb_reason(skb, reason);
    return -EINVAL;
}

/* Announce our address (gratuitous ARP, RFC 5227 §3) once the link runs with one. */
static void arp_netdev_event(struct notifier_block *nb, enum netdev_event event,
                             struct net_device *dev)
{
    struct neighbour *n, *tmp;
    __be32_t our = inet_dev_addr(dev);

    if (dev->flags & IFF_NOARP)
        return;
    if (event == NETDEV_DOWN || event == NETDEV_UNREGISTER) {
        list_for_each_entry_safe(n, tmp, &arp_tbl, list)
            if (n->dev == dev)
                neigh_destroy(n, SKB_DROP_REASON_DEV_DOWN);
        return;
    }
    if (our && (dev->flags & IFF_RUNNING))
        arp_send(dev, ARPOP_REQUEST, our, NULL, NULL, our);
}

void arp_cache_print(void)
{
    static const char *const names[] = { "none", "incomplete", "reachable", "stale", "delay", "probe" };
    struct neighbour *n;

    list_for_each_entry(n, &arp_tbl, list) {
        char ip[INET_ADDRSTRLEN];

        pr_info("arp: %s %02x:%02x:%02x:%02x:%02x:%02x %s %s", in_ntoa(n->ip, ip), n->ha[0],
                n->ha[1], n->ha[2], n->ha[3], n->ha[4], n->ha[5], n->dev->name, names[n->state]);
    }
}

static struct packet_type arp_packet_type = { .type = cpu_to_be16_const(ETH_P_ARP), .func = arp_rcv };
static struct notifier_block arp_notifier = { .fn = arp_netdev_event };

void arp_init(void)
{
    dev_add_pack(&arp_packet_type);
    register_netdevice_notifier(&arp_notifier);
}
