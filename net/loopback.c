/*
 * The loopback device lo (127.0.0.1/8, IFF_LOOPBACK | IFF_NOARP): what we
 * send to ourselves.  Layer: a driver under the device core, like a NIC.
 * Frames are not received inside ndo_start_xmit (that would re-enter the
 * stack from its own transmit path, e.g. an ICMP reply to an ICMP request):
 * they wait in a bounded queue that lo's NAPI poll drains from NET_RX_SOFTIRQ.
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <net/inetdevice.h>
#include <net/netdevice.h>
#include "net_impl.h"

#define LOOPBACK_MTU        65536
#define LOOPBACK_QUEUE_MAX  1024    /* frames in flight to ourselves */

struct loopback_priv {
    struct napi_struct napi;
    struct sk_buff_head rxq;
};

static netdev_tx_t loopback_xmit(struct sk_buff *skb, struct net_device *dev)
{
    struct loopback_priv *lp = netdev_priv(dev);

    if (skb_queue_len(&lp->rxq) >= LOOPBACK_QUEUE_MAX) {
        kfree_skb_reason(skb, SKB_DROP_REASON_TXQ_OVERFLOW);
        return NETDEV_TX_OK;
    }
    skb_queue_tail(&lp->rxq, skb);
    napi_schedule(&lp->napi);
    return NETDEV_TX_OK;
}

static int loopback_poll(struct napi_struct *napi, int budget)
{
    struct loopback_priv *lp = netdev_priv(napi->dev);
    struct sk_buff *skb;
    int done = 0;

    while (done < budget && (skb = skb_dequeue(&lp->rxq))) {
        netif_receive_skb(skb);
        done++;
    }
    if (done < budget)
        napi_complete_done(napi, done);
    return done;
}

static const struct net_device_ops loopback_ops = { .ndo_start_xmit = loopback_xmit };

int loopback_init(void)
{
    struct net_device *dev = alloc_etherdev(sizeof(struct loopback_priv));
    struct loopback_priv *lp;
    int err;

    if (!dev)
        return -ENOMEM;
    lp = netdev_priv(dev);
    skb_queue_head_init(&lp->rxq);
    strlcpy(dev->name, "lo", sizeof(dev->name));
    dev->flags = IFF_LOOPBACK | IFF_NOARP;
    dev->mtu = LOOPBACK_MTU;
    dev->netdev_ops = &loopback_ops;
    netif_napi_add(dev, &lp->napi, loopback_poll);
    err = register_netdev(dev);
    if (err)
        goto err_free;
    netif_carrier_on(dev);
    err = dev_open(dev);
    if (!err)
        err = inet_set_addr(dev, htonl(0x7f000001), 8);
    if (err)
        goto err_unregister;
    return 0;
err_unregister:
    unregister_netdev(dev);
err_free:
    free_netdev(dev);
    return err;
}
