/*
 * e1000 descriptor rings, legacy format (8254x SDM §3.2 receive, §3.3
 * transmit; the 82574 accepts the same, 82574 Datasheet §7.1.4, §7.2.2).
 * The NIC owns RX descriptors [rx_clean, rx_use) and TX descriptors
 * [tx_clean, tx_use); a descriptor comes back when it has DD set.  One slot
 * of each ring stays empty so head == tail always means "nothing owned".
 * Below: er32/ew32 (the RDT/TDT doorbells), DMA by physical address.
 * Above: the NAPI poll and ndo_start_xmit in e1000_main.c.
 *
 * Ordering: descriptors are ordinary write-back memory and the NIC reads
 * them after a tail write, or we read them after seeing DD.  x86 keeps
 * stores in order with stores and loads with loads (SDM vol. 3A §9.2.2), so
 * the only reordering to stop is the compiler's: barrier() below.
 */
#include <drivers/e1000.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>

static unsigned rx_next(unsigned i) { return (i + 1) % E1000_RX_RING; }
static unsigned tx_next(unsigned i) { return (i + 1) % E1000_TX_RING; }

_Static_assert(E1000_RX_RING * sizeof(struct e1000_rx_desc) <= PAGE_SIZE, "one page per ring");
_Static_assert(E1000_TX_RING * sizeof(struct e1000_tx_desc) <= PAGE_SIZE, "one page per ring");
_Static_assert(E1000_RX_RING % 8 == 0 && E1000_TX_RING % 8 == 0, "RDLEN/TDLEN: multiples of 128 bytes");

int e1000_alloc_rings(struct e1000_adapter *a)
{
    /* Page-aligned: more than the 16 bytes SDM §13.4.24 needs, and contiguous. */
    a->rx_ring = alloc_page();
    a->tx_ring = alloc_page();
    if (!a->rx_ring || !a->tx_ring) {
        e1000_free_rings(a);
        return -ENOMEM;
    }
    memset(a->rx_ring, 0, PAGE_SIZE);
    memset(a->tx_ring, 0, PAGE_SIZE);
    return 0;
}

void e1000_release_buffers(struct e1000_adapter *a)
{
    for (unsigned i = 0; i < E1000_RX_RING; i++) {
        consume_skb(a->rx_skb[i]);
        a->rx_skb[i] = NULL;
    }
    for (unsigned i = 0; i < E1000_TX_RING; i++) {
        consume_skb(a->tx_skb[i]);
        a->tx_skb[i] = NULL;
    }
    a->rx_clean = a->rx_use = a->tx_clean = a->tx_use = 0;
    a->rx_discard = false;
}

void e1000_free_rings(struct e1000_adapter *a)
{
    e1000_release_buffers(a);
    if (a->rx_ring)
        free_page(a->rx_ring);
    if (a->tx_ring)
        free_page(a->tx_ring);
    a->rx_ring = NULL;
    a->tx_ring = NULL;
}

void e1000_refill_rx(struct e1000_adapter *a)
{
    unsigned start = a->rx_use;

    while (rx_next(a->rx_use) != a->rx_clean) {
        struct sk_buff *skb = netdev_alloc_skb(a->netdev, E1000_RX_BUF_LEN);
        struct e1000_rx_desc *d = &a->rx_ring[a->rx_use];

        /* Retried at the next poll; RXDMT0/RNBC interrupts bring one if the ring runs dry. */
        if (!skb) {
            netdev_count_drop(a->netdev, SKB_DROP_REASON_NOMEM);
            break;
        }
        a->rx_skb[a->rx_use] = skb;
        d->buffer_addr = virt_to_phys(skb->data);   /* kmalloc memory: physically contiguous */
        d->status = 0;
        a->rx_use = rx_next(a->rx_use);
    }
    if (a->rx_use == start)
        return;
    barrier();      /* descriptors written before the NIC may fetch them */
    ew32(a, E1000_RDT, a->rx_use);
}

/* One completed descriptor: up the stack, or dropped with its reason. */
static void e1000_receive_desc(struct e1000_adapter *a, struct sk_buff *skb, u8 status,
                               u8 errors, unsigned len)
{
    bool eop = status & E1000_RXD_STAT_EOP;

    if (a->rx_discard || !eop || (errors & E1000_RXD_ERR_FRAME) || len < ETH_HLEN ||
        len > E1000_RX_BUF_LEN) {
        /* A frame without EOP spans buffers: only with LPE, which is off; drop it whole. */
        a->rx_discard = !eop;
        a->netdev->stats.rx_errors++;
        kfree_skb_reason(skb, SKB_DROP_REASON_DEV_RX_ERR);
        return;
    }
    skb_put(skb, len);
    netif_receive_skb(skb);
}

int e1000_clean_rx(struct e1000_adapter *a, int budget)
{
    int done = 0;

    while (done < budget && a->rx_clean != a->rx_use) {
        struct e1000_rx_desc *d = &a->rx_ring[a->rx_clean];
        u8 status = READ_ONCE(d->status);
        struct sk_buff *skb;

        if (!(status & E1000_RXD_STAT_DD))
            break;
        barrier();      /* length and errors are valid only once DD is seen */
        skb = a->rx_skb[a->rx_clean];
        a->rx_skb[a->rx_clean] = NULL;
        a->rx_clean = rx_next(a->rx_clean);
        e1000_receive_desc(a, skb, status, d->errors, d->length);
        done++;
    }
    return done;
}

unsigned e1000_clean_tx(struct e1000_adapter *a)
{
    unsigned n = 0;

    while (a->tx_clean != a->tx_use &&
           (READ_ONCE(a->tx_ring[a->tx_clean].status) & E1000_TXD_STAT_DD)) {
        consume_skb(a->tx_skb[a->tx_clean]);
        a->tx_skb[a->tx_clean] = NULL;
        a->tx_clean = tx_next(a->tx_clean);
        n++;
    }
    return n;
}

bool e1000_rings_pending(struct e1000_adapter *a)
{
    return (a->rx_clean != a->rx_use &&
            (READ_ONCE(a->rx_ring[a->rx_clean].status) & E1000_RXD_STAT_DD)) ||
           (a->tx_clean != a->tx_use &&
            (READ_ONCE(a->tx_ring[a->tx_clean].status) & E1000_TXD_STAT_DD));
}

/*
 * One frame, one descriptor (the skb is contiguous).  RS on every
 * descriptor: TXDW then tells the poll to reclaim, and ITR bounds how often.
 */
netdev_tx_t e1000_xmit_frame(struct sk_buff *skb, struct net_device *dev)
{
    struct e1000_adapter *a = netdev_priv(dev);
    struct e1000_tx_desc *d;

    e1000_clean_tx(a);
    if (tx_next(a->tx_use) == a->tx_clean) {
        /* Full: the TXDW interrupt for the queued descriptors lets the poll wake us. */
        ew32(a, E1000_TDT, a->tx_use);      /* what a batch queued must go first */
        netif_stop_queue(dev);
        return NETDEV_TX_BUSY;
    }
    if (skb->len > E1000_RX_BUF_LEN || !skb->len) {
        dev->stats.tx_errors++;
        kfree_skb_reason(skb, SKB_DROP_REASON_DEV_TX_ERR);
        return NETDEV_TX_OK;
    }
    d = &a->tx_ring[a->tx_use];
    a->tx_skb[a->tx_use] = skb;
    d->buffer_addr = virt_to_phys(skb->data);
    d->length = (u16)skb->len;
    d->cso = d->css = 0;
    d->special = 0;
    d->status = 0;
    d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
    a->tx_use = tx_next(a->tx_use);
    barrier();      /* the descriptor is complete before the NIC may fetch it */
    if (!netdev_xmit_more())    /* else e1000_xmit_flush() at the batch's end */
        ew32(a, E1000_TDT, a->tx_use);
    return NETDEV_TX_OK;
}

void e1000_xmit_flush(struct net_device *dev)
{
    struct e1000_adapter *a = netdev_priv(dev);

    barrier();
    ew32(a, E1000_TDT, a->tx_use);
}
