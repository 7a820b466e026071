/*
 * virtio-net (virtio 1.2 §5.1): one receive and one transmit queue behind a
 * net_device.  Features: VERSION_1, MAC, STATUS, MRG_RXBUF, EVENT_IDX, and
 * no offloads, so every frame is <= 1518 bytes and the 12-byte
 * virtio_net_hdr_mrg_rxbuf (§5.1.6) precedes it.  Interrupts only mask their
 * queue and schedule NAPI; the poll reclaims TX, receives up to the budget,
 * refills RX, then re-arms and re-checks.  Below: virtio core, virtqueues.
 * Above: the stack (net/dev.c) through netdev_ops, NAPI, netif_receive_skb.
 */
#include <kernel/init.h>
#include <drivers/virtio.h>
#include <drivers/virtio_net.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <linux/virtio_ids.h>
#include <net/netdevice.h>
#include <net/wire/tcp.h>
/*
 * <linux/virtio_net.h> pulls in <linux/if_ether.h>, whose struct ethhdr and
 * ETH_P_* clash with the stack's <net/wire/ether.h>; it needs only ETH_ALEN,
 * which netdevice.h defines, so its include guard is pre-set.
 */
#define _LINUX_IF_ETHER_H
#include <linux/virtio_net.h>

/*
 * RX buffers hold a whole frame (header + Ethernet + 802.1Q tag + 1500), so
 * the device fills one buffer per frame and num_buffers > 1 (§5.1.6.4) never
 * happens with this feature set; virtnet_merge() copies if a device does it.
 */
#define VIRTNET_RX_BUF_LEN  (sizeof(struct virtio_net_hdr_mrg_rxbuf) + ETH_HLEN + 4 + 1500)
/* Posted RX buffers (kmalloc-2048 each) take <= 1/16 of RAM: a 256-entry ring fills from 8 MiB. */
#define VIRTNET_RX_MIN      16
#define VIRTNET_RX_RAM(ram) ((ram) / 16 / 2048)

enum { VIRTNET_RXQ, VIRTNET_TXQ, VIRTNET_NVQS };     /* queue numbers, §5.1.2 */

struct virtnet_info {
    struct virtio_device *vdev;
    struct net_device *dev;
    struct napi_struct napi;
    struct virtqueue *rvq, *svq;
    unsigned hdr_len;           /* bytes of virtio_net_hdr before every frame */
    bool mergeable;             /* VIRTIO_NET_F_MRG_RXBUF: num_buffers is valid */
    unsigned rx_max;            /* RX buffers kept posted: the ring, less on a small VM */
    volatile bool config_pending;   /* set in hard IRQ, handled by the poll */
};

/* Both queues' interrupt (hard IRQ): mask this queue, let the poll do the work. */
static void virtnet_vq_done(struct virtqueue *vq)
{
    struct virtnet_info *vi = ((struct virtio_device *)vq->owner)->priv;

    virtqueue_disable_cb(vq);
    napi_schedule(&vi->napi);
}

/* Config change (hard IRQ): link status is read in the poll, not here. */
static void virtnet_config_changed(struct virtio_device *vdev)
{
    struct virtnet_info *vi = vdev->priv;

    vi->config_pending = true;
    napi_schedule(&vi->napi);
}

/* §5.1.4.2: without VIRTIO_NET_F_STATUS the link is assumed up. */
static void virtnet_update_link(struct virtnet_info *vi)
{
    u16 status = VIRTIO_NET_S_LINK_UP;
    bool up;

    vi->config_pending = false;
    if (virtio_has_feature(vi->vdev, VIRTIO_NET_F_STATUS))
        virtio_cread(vi->vdev, struct virtio_net_config, status, &status);
    up = status & VIRTIO_NET_S_LINK_UP;
    if (up == netif_carrier_ok(vi->dev))
        return;
    pr_info("%s: link %s", vi->dev->name, up ? "up" : "down");
    if (up)
        netif_carrier_on(vi->dev);
    else
        netif_carrier_off(vi->dev);
}

/* Keep every RX descriptor holding an empty buffer; one kick for the batch. */
static void virtnet_refill_rx(struct virtnet_info *vi)
{
    bool added = false;

    while (virtqueue_num_free(vi->rvq) > vi->rvq->num - vi->rx_max) {
        struct sk_buff *skb = netdev_alloc_skb(vi->dev, VIRTNET_RX_BUF_LEN);
        struct vring_buf buf;

        /* Retried at the next poll; with an empty ring, the next TX or link interrupt. */
        if (!skb) {
            netdev_count_drop(vi->dev, SKB_DROP_REASON_NOMEM);
            break;
        }
        buf.addr = virt_to_phys(skb->data);     /* kmalloc memory: physically contiguous */
        buf.len = skb_tailroom(skb);
        if (virtqueue_add(vi->rvq, &buf, 0, 1, skb)) {
            consume_skb(skb);
            break;
        }
        added = true;
    }
    if (added)
        virtqueue_kick(vi->rvq);
}

/*
 * num_buffers > 1: the frame continues, without header, in the next `more`
 * used buffers; copy it all into one skb.  Consumes `first`; NULL on drop.
 */
static struct sk_buff *virtnet_merge(struct virtnet_info *vi, struct sk_buff *first,
                                     unsigned more)
{
    struct sk_buff *skb = netdev_alloc_skb(vi->dev, first->len + more * VIRTNET_RX_BUF_LEN);
    enum skb_drop_reason reason = SKB_DROP_REASON_NOMEM;
    bool ok = skb != NULL;

    if (ok)
        skb_put_data(skb, first->data, first->len);
    consume_skb(first);
    while (more--) {
        u32 len;
        struct sk_buff *part = virtqueue_get_buf(vi->rvq, &len);

        /* Fewer used buffers than announced, or one longer than we gave: a device bug. */
        if (!part || len > skb_tailroom(part) || (ok && len > skb_tailroom(skb))) {
            ok = false;
            reason = SKB_DROP_REASON_DEV_RX_ERR;
        } else if (ok) {
            skb_put_data(skb, part->data, len);
        }
        consume_skb(part);
        if (!part)
            break;
    }
    if (ok)
        return skb;
    if (reason == SKB_DROP_REASON_DEV_RX_ERR)
        vi->dev->stats.rx_errors++;
    netdev_count_drop(vi->dev, reason);
    consume_skb(skb);
    return NULL;
}

/* One used RX buffer of `len` bytes (header included) up the stack. */
static void virtnet_receive_buf(struct virtnet_info *vi, struct sk_buff *skb, u32 len)
{
    unsigned nbufs = 1;

    if (len < vi->hdr_len + ETH_HLEN || len > skb_tailroom(skb)) {
        vi->dev->stats.rx_errors++;
        kfree_skb_reason(skb, SKB_DROP_REASON_DEV_RX_ERR);
        return;
    }
    skb_put(skb, len);
    if (vi->mergeable)
        nbufs = ((struct virtio_net_hdr_mrg_rxbuf *)skb->data)->num_buffers;
    /* §5.1.6.4: with VIRTIO_NET_F_GUEST_CSUM the device says what it checked. */
    if (((struct virtio_net_hdr *)skb->data)->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
        skb->ip_summed = CHECKSUM_PARTIAL;
    else if (((struct virtio_net_hdr *)skb->data)->flags & VIRTIO_NET_HDR_F_DATA_VALID)
        skb->ip_summed = CHECKSUM_UNNECESSARY;
    skb_pull(skb, vi->hdr_len);
    if (nbufs > 1 && !(skb = virtnet_merge(vi, skb, nbufs - 1)))
        return;
    netif_receive_skb(skb);
}

static void virtnet_reclaim_tx(struct virtnet_info *vi)
{
    struct sk_buff *skb;
    u32 len;

    while ((skb = virtqueue_get_buf(vi->svq, &len)))
        consume_skb(skb);
}

/* NET_RX_SOFTIRQ: at most `budget` frames, then re-arm both queues and re-check. */
static int virtnet_poll(struct napi_struct *napi, int budget)
{
    struct virtnet_info *vi = container_of(napi, struct virtnet_info, napi);
    struct sk_buff *skb;
    int done = 0;
    u32 len;

    if (vi->config_pending)
        virtnet_update_link(vi);
    virtnet_reclaim_tx(vi);
    if (netif_queue_stopped(vi->dev) && virtqueue_num_free(vi->svq))
        netif_wake_queue(vi->dev);
    while (done < budget && (skb = virtqueue_get_buf(vi->rvq, &len))) {
        virtnet_receive_buf(vi, skb, len);
        done++;
    }
    virtnet_refill_rx(vi);
    if (done < budget && napi_complete_done(napi, done)) {
        /* A buffer used between our last get_buf and re-arming raises no interrupt. */
        bool rx_idle = virtqueue_enable_cb(vi->rvq);
        bool tx_idle = virtqueue_num_free(vi->svq) == vi->svq->num ||
                       virtqueue_enable_cb_delayed(vi->svq);

        if (!rx_idle || !tx_idle)
            napi_schedule(napi);
    }
    return done;
}

/* The transmit batch ended (net/dev.c): one doorbell for what it queued. */
static void virtnet_xmit_flush(struct net_device *dev)
{
    struct virtnet_info *vi = netdev_priv(dev);

    virtqueue_kick(vi->svq);
}

/*
 * One frame, header pushed into the stack's headroom (no copy).  Full ring:
 * stop the queue and return BUSY with the skb untouched; the TX interrupt
 * (armed for 3/4 of the ring) lets the poll wake the queue.
 */
static netdev_tx_t virtnet_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
    struct virtnet_info *vi = netdev_priv(dev);
    struct virtio_net_hdr *hdr;
    struct vring_buf buf;
    u16 csum_start;

    virtnet_reclaim_tx(vi);
    if (!virtqueue_num_free(vi->svq)) {
        virtqueue_kick(vi->svq);        /* what the batch queued so far must drain */
        netif_stop_queue(dev);
        if (!virtqueue_enable_cb_delayed(vi->svq))
            napi_schedule(&vi->napi);       /* already done: no interrupt will say so */
        return NETDEV_TX_BUSY;
    }
    if (skb_headroom(skb) < vi->hdr_len)
        goto err;
    /* §5.1.6.2: GSO_NONE, num_buffers 0; a partial checksum for the device
     * to finish (VIRTIO_NET_F_CSUM), offsets from the frame's first byte. */
    csum_start = (u16)(skb->csum_start - (skb->data - skb->head));
    hdr = memset(skb_push(skb, vi->hdr_len), 0, vi->hdr_len);
    if (skb->ip_summed == CHECKSUM_PARTIAL) {
        hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        hdr->csum_start = csum_start;
        hdr->csum_offset = skb->csum_offset;
    }
    if (skb->gso_size) {        /* §5.1.6.2: TSO, headers up to the TCP payload */
        hdr->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
        hdr->gso_size = skb->gso_size;
        hdr->hdr_len = (u16)(csum_start + tcp_hdrlen((const struct tcphdr *)(skb->head + skb->csum_start)));
    }
    buf.addr = virt_to_phys(skb->data);
    buf.len = skb->len;
    if (virtqueue_add(vi->svq, &buf, 1, 0, skb))
        goto err;       /* only a broken queue, given the free check above */
    if (!netdev_xmit_more())
        virtqueue_kick(vi->svq);       /* else virtnet_xmit_flush() at the batch's end */
    /* Completion interrupt so sent skbs are freed even if nothing else is sent. */
    if (!virtqueue_enable_cb_delayed(vi->svq))
        napi_schedule(&vi->napi);
    return NETDEV_TX_OK;

err:
    dev->stats.tx_errors++;
    kfree_skb_reason(skb, SKB_DROP_REASON_DEV_TX_ERR);
    return NETDEV_TX_OK;
}

static int virtnet_open(struct net_device *dev)
{
    struct virtnet_info *vi = netdev_priv(dev);

    virtnet_refill_rx(vi);
    if (!virtqueue_enable_cb(vi->rvq))
        napi_schedule(&vi->napi);
    return 0;
}

/* Frames already in the rings stay there; netif_receive_skb drops RX while down. */
static int virtnet_stop(struct net_device *dev)
{
    struct virtnet_info *vi = netdev_priv(dev);

    virtqueue_disable_cb(vi->rvq);
    return 0;
}

static const struct net_device_ops virtnet_netdev_ops = {
    .ndo_open = virtnet_open,
    .ndo_stop = virtnet_stop,
    .ndo_start_xmit = virtnet_start_xmit,
    .ndo_xmit_flush = virtnet_xmit_flush,
};

/* §5.1.5: MAC from config space, or a locally administered one if not offered. */
static void virtnet_read_mac(struct virtnet_info *vi)
{
    static const u8 fallback[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

    if (virtio_has_feature(vi->vdev, VIRTIO_NET_F_MAC))
        virtio_cread(vi->vdev, struct virtio_net_config, mac, vi->dev->dev_addr);
    else
        memcpy(vi->dev->dev_addr, fallback, ETH_ALEN);
}

/* §5.1.5 step 7 of §3.1.1: queues, MAC, netdev; then DRIVER_OK and the link. */
static int virtnet_probe(struct virtio_device *vdev)
{
    static const vq_callback_t callbacks[VIRTNET_NVQS] = { virtnet_vq_done, virtnet_vq_done };
    struct virtqueue *vqs[VIRTNET_NVQS];
    struct net_device *dev = alloc_etherdev(sizeof(struct virtnet_info));
    struct virtnet_info *vi;
    const u8 *m;
    int err;

    if (!dev)
        return -ENOMEM;
    vi = netdev_priv(dev);
    vi->vdev = vdev;
    vi->dev = dev;
    vdev->priv = vi;
    vi->mergeable = virtio_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF);
    /* §5.1.6.1: the 12-byte header with VERSION_1 or MRG_RXBUF, else the legacy 10. */
    vi->hdr_len = vi->mergeable || virtio_has_feature(vdev, VIRTIO_F_VERSION_1) ?
                  sizeof(struct virtio_net_hdr_mrg_rxbuf) : sizeof(struct virtio_net_hdr);
    virtnet_read_mac(vi);
    dev->needed_headroom = (unsigned short)vi->hdr_len;
    /* §5.1.3.1: the device offers these only when its backend (a tap with
     * vnet headers) can take partial checksums; QEMU's user net cannot. */
    if (virtio_has_feature(vdev, VIRTIO_NET_F_CSUM))
        dev->features |= NETIF_F_HW_CSUM;
    if (virtio_has_feature(vdev, VIRTIO_NET_F_GUEST_CSUM))
        dev->features |= NETIF_F_RXCSUM;
    /* §5.1.3.1: HOST_TSO4 needs CSUM; a TSO frame is one descriptor of up to 32 KiB. */
    if (virtio_has_feature(vdev, VIRTIO_NET_F_HOST_TSO4) && (dev->features & NETIF_F_HW_CSUM))
        dev->features |= NETIF_F_TSO;
    dev->netdev_ops = &virtnet_netdev_ops;
    netif_napi_add(dev, &vi->napi, virtnet_poll);  /* before any interrupt can schedule it */
    err = vdev->config->find_vqs(vdev, VIRTNET_NVQS, vqs, callbacks);
    if (err)
        goto err_vqs;
    vi->rvq = vqs[VIRTNET_RXQ];
    vi->svq = vqs[VIRTNET_TXQ];
    vi->rx_max = (unsigned)MIN((u64)vi->rvq->num,
                               MAX((u64)VIRTNET_RX_MIN, VIRTNET_RX_RAM(pmm_total_bytes())));
    virtqueue_disable_cb(vi->svq);      /* armed per transmit */
    err = register_netdev(dev);
    if (err)
        goto err_register;
    virtio_device_ready(vdev);
    virtnet_update_link(vi);
    m = dev->dev_addr;
    pr_info("%s: virtio-net %s %02x:%02x:%02x:%02x:%02x:%02x%s%s", dev->name,
            vdev->legacy ? "legacy" : "modern", m[0], m[1], m[2], m[3], m[4], m[5],
            vi->mergeable ? ", mergeable rx" : "",
            dev->features & NETIF_F_TSO ? ", tx csum offload, TSO" :
            dev->features & NETIF_F_HW_CSUM ? ", tx csum offload" : "");
    return 0;

err_register:
    vdev->config->reset(vdev);
    vdev->config->del_vqs(vdev);
err_vqs:
    free_netdev(dev);
    return err;
}

static const struct virtio_driver virtio_net_driver = {
    .name = "virtio-net",
    .device_id = VIRTIO_ID_NET,
    .features = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS |
                1ull << VIRTIO_NET_F_MRG_RXBUF | 1ull << VIRTIO_RING_F_EVENT_IDX |
                1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_GUEST_CSUM |
                1ull << VIRTIO_NET_F_HOST_TSO4,
    .probe = virtnet_probe,
    .config_changed = virtnet_config_changed,
};

int virtio_net_init(void)
{
    register_virtio_driver(&virtio_net_driver);
    return 0;
}
device_initcall(virtio_net_init);
