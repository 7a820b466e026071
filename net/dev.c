/*
 * The device core: net_device registry and events, the TX path with its
 * bounded backlog, RX dispatch by EtherType to registered packet_types, and
 * NAPI polling from NET_RX_SOFTIRQ.
 * Layer: drivers below (ndo_* ops, netif_receive_skb, napi_*), protocols
 * above (dev_add_pack, dev_queue_xmit).  Owns the device list, the
 * packet_type list, the notifier list and the NAPI poll list.
 */
#include <kernel/arch/irqflags.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/prof.h>
#include <kernel/softirq.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <net/eth.h>
#include <net/netdevice.h>

static LIST_HEAD(dev_base);
static LIST_HEAD(ptype_base);
static LIST_HEAD(notifiers);
static LIST_HEAD(poll_list);        /* touched from hard IRQ: napi_schedule() */
static int last_ifindex;

struct net_device *alloc_etherdev(unsigned sizeof_priv)
{
    size_t priv_off = ALIGN_UP(sizeof(struct net_device), 16u);
    struct net_device *dev = kzalloc(priv_off + sizeof_priv);

    if (!dev)
        return NULL;
    strlcpy(dev->name, "eth%d", sizeof(dev->name));
    dev->mtu = ETH_DATA_LEN;
    dev->hard_header_len = ETH_HLEN;
    dev->flags = IFF_BROADCAST;
    memset(dev->broadcast, 0xff, ETH_ALEN);
    skb_queue_head_init(&dev->tx_backlog);
    INIT_LIST_HEAD(&dev->dev_list);
    dev->priv = (u8 *)dev + priv_off;
    return dev;
}

void free_netdev(struct net_device *dev)
{
    kfree(dev);
}

/* Resolve "eth%d" to the lowest unused number. */
static int dev_alloc_name(struct net_device *dev)
{
    char *pct = strchr(dev->name, '%');
    char prefix[IFNAMSIZ];

    if (!pct)
        return dev_get_by_name(dev->name) ? -EEXIST : 0;
    snprintf(prefix, sizeof(prefix), "%.*s", (int)(pct - dev->name), dev->name);
    for (unsigned i = 0; i < 100; i++) {
        snprintf(dev->name, sizeof(dev->name), "%.12s%u", prefix, i % 100);
        if (!dev_get_by_name(dev->name))
            return 0;
    }
    return -ENFILE;
}

int register_netdev(struct net_device *dev)
{
    int err = dev_alloc_name(dev);

    if (err)
        return err;
    dev->ifindex = ++last_ifindex;
    list_add_tail(&dev->dev_list, &dev_base);
    return 0;
}

void unregister_netdev(struct net_device *dev)
{
    dev_close(dev);
    call_netdevice_notifiers(NETDEV_UNREGISTER, dev);
    list_del_init(&dev->dev_list);
}

struct net_device *dev_get_by_name(const char *name)
{
    struct net_device *dev;

    list_for_each_entry(dev, &dev_base, dev_list)
        if (!strcmp(dev->name, name))
            return dev;
    return NULL;
}

struct net_device *dev_get_by_index(int ifindex)
{
    struct net_device *dev;

    list_for_each_entry(dev, &dev_base, dev_list)
        if (dev->ifindex == ifindex)
            return dev;
    return NULL;
}

struct net_device *dev_first(void)
{
    return list_empty(&dev_base) ? NULL : list_first_entry(&dev_base, struct net_device, dev_list);
}

struct net_device *dev_next(struct net_device *dev)
{
    return dev->dev_list.next == &dev_base ? NULL :
           list_entry(dev->dev_list.next, struct net_device, dev_list);
}

void register_netdevice_notifier(struct notifier_block *nb)
{
    list_add_tail(&nb->list, &notifiers);
}

void unregister_netdevice_notifier(struct notifier_block *nb)
{
    list_del_init(&nb->list);
}

void call_netdevice_notifiers(enum netdev_event event, struct net_device *dev)
{
    struct notifier_block *nb;

    list_for_each_entry(nb, &notifiers, list)
        nb->fn(nb, event, dev);
}

/* RUNNING = up and carrier: the moment frames can flow, so UP is announced then. */
static void dev_update_running(struct net_device *dev)
{
    bool was = dev->flags & IFF_RUNNING;
    bool now = (dev->flags & IFF_UP) && dev->carrier;

    if (was == now)
        return;
    dev->flags ^= IFF_RUNNING;
    call_netdevice_notifiers(now ? NETDEV_UP : NETDEV_DOWN, dev);
}

int dev_open(struct net_device *dev)
{
    int err;

    if (dev->flags & IFF_UP)
        return 0;
    if (dev->netdev_ops->ndo_open && (err = dev->netdev_ops->ndo_open(dev)))
        return err;
    dev->flags |= IFF_UP;
    dev_update_running(dev);
    return 0;
}

void dev_close(struct net_device *dev)
{
    if (!(dev->flags & IFF_UP))
        return;
    if (dev->netdev_ops->ndo_stop)
        dev->netdev_ops->ndo_stop(dev);
    dev->flags &= ~IFF_UP;
    skb_queue_purge_reason(&dev->tx_backlog, SKB_DROP_REASON_DEV_DOWN);
    dev_update_running(dev);
}

void netif_carrier_on(struct net_device *dev)
{
    dev->carrier = true;
    dev_update_running(dev);
}

void netif_carrier_off(struct net_device *dev)
{
    dev->carrier = false;
    dev_update_running(dev);
}

void netdev_count_drop(struct net_device *dev, enum skb_drop_reason reason)
{
    if ((unsigned)reason >= SKB_DROP_REASON_MAX)
        reason = SKB_DROP_REASON_NOT_SPECIFIED;
    skb_drop_counts[reason]++;
    if (dev)
        dev->stats.drops[reason]++;
}

#define XMIT_BATCH_DEVS 4
static unsigned xmit_batch_depth;
static struct net_device *xmit_batch_devs[XMIT_BATCH_DEVS];
static unsigned xmit_batch_ndevs;

bool netdev_xmit_more(void)
{
    return xmit_batch_depth > 0;
}

void dev_xmit_batch_begin(void)
{
    xmit_batch_depth++;
}

static void xmit_flush(struct net_device *dev)
{
    prof_enter(PROF_NIC_TX);
    dev->netdev_ops->ndo_xmit_flush(dev);
    prof_exit();
}

void dev_xmit_batch_end(void)
{
    if (--xmit_batch_depth)
        return;
    while (xmit_batch_ndevs)
        xmit_flush(xmit_batch_devs[--xmit_batch_ndevs]);
}

/* dev holds frames it has not rung for: flush it at the batch's end (at once if the list is full). */
static void xmit_batch_note(struct net_device *dev)
{
    for (unsigned i = 0; i < xmit_batch_ndevs; i++)
        if (xmit_batch_devs[i] == dev)
            return;
    if (xmit_batch_ndevs == XMIT_BATCH_DEVS) {
        xmit_flush(dev);
        return;
    }
    xmit_batch_devs[xmit_batch_ndevs++] = dev;
}

/* One attempt at the driver; on BUSY the skb is still ours. */
static netdev_tx_t xmit_one(struct sk_buff *skb, struct net_device *dev)
{
    u32 len = skb->len;
    netdev_tx_t rc;

    prof_enter(PROF_NIC_TX);
    rc = dev->netdev_ops->ndo_start_xmit(skb, dev);
    prof_exit();
    if (rc == NETDEV_TX_OK && netdev_xmit_more() && dev->netdev_ops->ndo_xmit_flush)
        xmit_batch_note(dev);

    if (rc == NETDEV_TX_OK) {
        dev->stats.tx_packets++;
        dev->stats.tx_bytes += len;
    } else {
        dev->queue_stopped = true;
    }
    return rc;
}

int dev_queue_xmit(struct sk_buff *skb)
{
    struct net_device *dev = skb->dev;

    if (!(dev->flags & IFF_RUNNING)) {
        kfree_skb_reason(skb, SKB_DROP_REASON_DEV_DOWN);
        return -ENETDOWN;
    }
    skb->pkt_type = PACKET_OUTGOING;
    if (skb->gso_size && !(dev->features & NETIF_F_TSO)) {
        /* TCP asks for TSO only on a route whose device has it (tcp_route_tso). */
        dev->stats.tx_errors++;
        kfree_skb_reason(skb, SKB_DROP_REASON_DEV_TX_ERR);
        return -EINVAL;
    }
    if (skb->ip_summed == CHECKSUM_PARTIAL && !(dev->features & NETIF_F_HW_CSUM))
        skb_checksum_help(skb);
    /* Keep order: while anything waits, new frames wait behind it. */
    if (!dev->queue_stopped && skb_queue_empty(&dev->tx_backlog) &&
        xmit_one(skb, dev) == NETDEV_TX_OK)
        return 0;
    if (skb_queue_len(&dev->tx_backlog) >= NETDEV_TX_BACKLOG_MAX) {
        kfree_skb_reason(skb, SKB_DROP_REASON_TXQ_OVERFLOW);
        return -ENOBUFS;
    }
    skb_queue_tail(&dev->tx_backlog, skb);
    return 0;
}

void netif_wake_queue(struct net_device *dev)
{
    struct sk_buff *skb;

    dev->queue_stopped = false;
    while (!dev->queue_stopped && (skb = skb_dequeue(&dev->tx_backlog))) {
        if (xmit_one(skb, dev) != NETDEV_TX_OK)
            skb_queue_head(&dev->tx_backlog, skb);
    }
}

void dev_add_pack(struct packet_type *pt)
{
    list_add_tail(&pt->list, &ptype_base);
}

void dev_remove_pack(struct packet_type *pt)
{
    list_del_init(&pt->list);
}

static int __netif_receive_skb(struct sk_buff *skb)
{
    struct net_device *dev = skb->dev;
    struct packet_type *pt;
    enum skb_drop_reason reason;

    dev->stats.rx_packets++;
    dev->stats.rx_bytes += skb->len;
    skb->tstamp = ktime_get_ns();
    if (!(dev->flags & IFF_UP)) {
        reason = SKB_DROP_REASON_DEV_DOWN;
        goto drop;
    }
    reason = eth_type_trans(skb, dev);
    if (reason)
        goto drop;
    list_for_each_entry(pt, &ptype_base, list)
        if (pt->type == skb->protocol)
            return pt->func(skb, dev, pt);
    reason = SKB_DROP_REASON_UNHANDLED_PROTO;
drop:
    kfree_skb_reason(skb, reason);
    return -EINVAL;
}

int netif_receive_skb(struct sk_buff *skb)
{
    int ret;

    prof_enter(PROF_ETH);
    ret = __netif_receive_skb(skb);
    prof_exit();
    return ret;
}

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
                    int (*poll)(struct napi_struct *napi, int budget))
{
    INIT_LIST_HEAD(&napi->poll_list);
    napi->state = 0;
    napi->weight = NAPI_POLL_WEIGHT;
    napi->poll = poll;
    napi->dev = dev;
}

void napi_schedule(struct napi_struct *napi)
{
    unsigned long flags;

    local_irq_save(flags);
    if (!(napi->state & NAPI_STATE_SCHED)) {
        napi->state |= NAPI_STATE_SCHED;
        list_add_tail(&napi->poll_list, &poll_list);
        raise_softirq(NET_RX_SOFTIRQ);
    }
    local_irq_restore(flags);
}

bool napi_complete_done(struct napi_struct *napi, int work_done)
{
    unsigned long flags;

    local_irq_save(flags);
    list_del_init(&napi->poll_list);
    napi->state &= ~NAPI_STATE_SCHED;
    local_irq_restore(flags);
    return true;
}

/* Pop the next scheduled NAPI, or NULL; the IRQ-safe half of net_rx_action. */
static struct napi_struct *next_napi(void)
{
    struct napi_struct *napi = NULL;
    unsigned long flags;

    local_irq_save(flags);
    if (!list_empty(&poll_list)) {
        napi = list_first_entry(&poll_list, struct napi_struct, poll_list);
        list_del_init(&napi->poll_list);
    }
    local_irq_restore(flags);
    return napi;
}

/* A poll that did not complete stays scheduled, behind the others (fairness). */
static void requeue_napi(struct napi_struct *napi)
{
    unsigned long flags;

    local_irq_save(flags);
    if ((napi->state & NAPI_STATE_SCHED) && list_empty(&napi->poll_list))
        list_add_tail(&napi->poll_list, &poll_list);
    local_irq_restore(flags);
}

static void (*rx_batch_end[NET_RX_BATCH_HOOKS])(void);
static bool in_rx_batch;

int netif_register_rx_batch_end(void (*fn)(void))
{
    for (unsigned i = 0; i < NET_RX_BATCH_HOOKS; i++) {
        if (!rx_batch_end[i] || rx_batch_end[i] == fn) {
            rx_batch_end[i] = fn;
            return 0;
        }
    }
    return -ENOSPC;
}

bool netif_in_rx_batch(void)
{
    return in_rx_batch;
}

void net_rx_action(void)
{
    int budget = NETDEV_BUDGET;
    struct napi_struct *napi;

    dev_xmit_batch_begin();     /* ACKs and replies of the whole run: one doorbell */
    while (budget > 0 && (napi = next_napi())) {
        int work;

        prof_enter(PROF_NIC_RX);
        in_rx_batch = true;
        work = napi->poll(napi, MIN(napi->weight, budget));
        in_rx_batch = false;
        prof_exit();
        for (unsigned i = 0; i < NET_RX_BATCH_HOOKS && rx_batch_end[i]; i++)
            rx_batch_end[i]();

        /* A poll that reports no work still costs budget, so a confused driver cannot spin here. */
        budget -= MAX(work, 1);
        requeue_napi(napi);
    }
    dev_xmit_batch_end();
    if (budget <= 0 && !list_empty(&poll_list))
        raise_softirq(NET_RX_SOFTIRQ);
}
