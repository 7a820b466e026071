/*
 * e1000 driver glue: PCI probe by ID, interrupts, NAPI and the net_device.
 * Interrupts (8254x SDM §13.4.17-21; 82574 Datasheet §7.4): the handler
 * reads ICR, masks every cause with IMC and schedules the poll; the poll
 * reclaims TX, receives up to its budget, refills RX, acknowledges ICR,
 * unmasks with IMS and re-checks the rings (netdevice.h's NAPI contract).
 * INTx through the IOAPIC; the 82574's MSI-X with one vector for all causes.
 * Below: e1000_hw.c, e1000_ring.c, drivers/pci.  Above: net/dev.c.
 */
#include <drivers/e1000.h>
#include <drivers/pci.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>

static const struct e1000_info e1000_82540 = {
    .name = "82540EM", .eerd_done = 1u << 4, .eerd_addr_shift = 8,     /* SDM §13.4.4 */
};
static const struct e1000_info e1000_82545 = {
    .name = "82545EM", .eerd_done = 1u << 4, .eerd_addr_shift = 8,
};
static const struct e1000_info e1000_82574 = {
    .name = "82574L", .eerd_done = 1u << 1, .eerd_addr_shift = 2,      /* 82574 §10.2.2.5 */
    .has_msix = true,
};

/* Acknowledge what ICR latched; MSI-X mode keeps ICR on read, so write it back (82574 §7.4.5). */
static u32 e1000_ack_icr(struct e1000_adapter *a)
{
    u32 icr = er32(a, E1000_ICR);

    if (a->msix && icr)
        ew32(a, E1000_ICR, icr);
    return icr;
}

/*
 * Hard IRQ.  INTx may be shared: causes outside ours mean another device.
 * The ICR read also deasserts INTx.  Causes are kept for the poll (link, overrun).
 */
static void e1000_intr(void *data)
{
    struct e1000_adapter *a = data;
    u32 icr = e1000_ack_icr(a);

    if (!(icr & a->ims))
        return;
    __atomic_or_fetch(&a->icr_seen, icr, __ATOMIC_RELAXED);
    ew32(a, E1000_IMC, ~0u);
    napi_schedule(&a->napi);
}

static void e1000_update_link(struct e1000_adapter *a)
{
    bool up = e1000_link_up(a);

    if (up == netif_carrier_ok(a->netdev))
        return;
    pr_info("%s: link %s", a->netdev->name, up ? "up" : "down");
    if (up)
        netif_carrier_on(a->netdev);
    else
        netif_carrier_off(a->netdev);
}

/* RXO: the frames the NIC had to drop (MPC, clear on read, SDM §13.7) are counted by reason. */
static void e1000_count_missed(struct e1000_adapter *a)
{
    u32 missed = er32(a, E1000_MPC);

    a->netdev->stats.rx_errors += missed;
    while (missed--)
        netdev_count_drop(a->netdev, SKB_DROP_REASON_DEV_RX_NOBUF);
}

/* NET_RX_SOFTIRQ: the NAPI poll (see the top of the file). */
static int e1000_poll(struct napi_struct *napi, int budget)
{
    struct e1000_adapter *a = container_of(napi, struct e1000_adapter, napi);
    u32 icr = __atomic_exchange_n(&a->icr_seen, 0, __ATOMIC_RELAXED);
    int done;

    if (!netif_running(a->netdev)) {
        napi_complete_done(napi, 0);    /* closed: stay masked, leave the rings alone */
        return 0;
    }
    if (icr & (E1000_ICR_LSC | E1000_ICR_OTHER))
        e1000_update_link(a);
    if (icr & E1000_ICR_RXO)
        e1000_count_missed(a);
    e1000_clean_tx(a);
    if (netif_queue_stopped(a->netdev))
        netif_wake_queue(a->netdev);    /* sends the backlog; stops again if still full */
    done = e1000_clean_rx(a, budget);
    e1000_refill_rx(a);
    if (done < budget && napi_complete_done(napi, done)) {
        /*
         * Clear the causes the rings already answered, so unmasking raises
         * no interrupt for them; then re-check: a frame that landed before
         * the ICR read has its cause cleared but its DD set.
         */
        u32 late = e1000_ack_icr(a) & (E1000_ICR_LSC | E1000_ICR_OTHER | E1000_ICR_RXO);

        __atomic_or_fetch(&a->icr_seen, late, __ATOMIC_RELAXED);
        ew32(a, E1000_IMS, a->ims);
        if (late || e1000_rings_pending(a))
            napi_schedule(napi);
    }
    return done;
}

static int e1000_open(struct net_device *dev)
{
    struct e1000_adapter *a = netdev_priv(dev);

    e1000_start_units(a);
    e1000_refill_rx(a);
    a->icr_seen = 0;
    (void)e1000_ack_icr(a);
    ew32(a, E1000_IMS, a->ims);
    e1000_update_link(a);
    return 0;
}

/* Units off, interrupts masked, every buffer freed: open starts from empty rings. */
static int e1000_stop(struct net_device *dev)
{
    struct e1000_adapter *a = netdev_priv(dev);

    ew32(a, E1000_IMC, ~0u);
    ew32(a, E1000_RCTL, 0);
    ew32(a, E1000_TCTL, 0);
    e1000_release_buffers(a);
    return 0;
}

static const struct net_device_ops e1000_netdev_ops = {
    .ndo_open = e1000_open,
    .ndo_stop = e1000_stop,
    .ndo_start_xmit = e1000_xmit_frame,
    .ndo_xmit_flush = e1000_xmit_flush,
};

/* MSI-X vector 0 for every cause when the model has it (82574), else INTx. */
static int e1000_request_irq(struct e1000_adapter *a, struct pci_dev *pdev)
{
    if (a->info->has_msix && !pci_msix_enable(pdev, 1)) {
        if (pci_msix_request(pdev, 0, e1000_intr, a, "e1000e") >= 0) {
            a->msix = true;
            e1000_setup_msix(a);
            return 0;
        }
        pci_msix_disable(pdev);
    }
    return pci_request_intx(pdev, e1000_intr, a, "e1000");
}

/* Bring one NIC to a registered, closed net_device (SDM §14 order). */
static int e1000_setup(struct e1000_adapter *a, struct pci_dev *pdev)
{
    struct net_device *dev = a->netdev;
    int err;

    err = e1000_reset_hw(a);
    if (err)
        return err;
    if (e1000_read_mac(a, dev->dev_addr)) {
        pr_err("%s: no valid MAC address in EEPROM or RAL/RAH", a->info->name);
        return -EINVAL;
    }
    e1000_setup_mac(a, dev->dev_addr);
    err = e1000_alloc_rings(a);
    if (err)
        return err;
    dev->netdev_ops = &e1000_netdev_ops;
    netif_napi_add(dev, &a->napi, e1000_poll);      /* before any interrupt can schedule it */
    err = e1000_request_irq(a, pdev);
    if (!err) {
        a->ims = e1000_irq_causes(a);
        err = register_netdev(dev);
    }
    if (err)
        e1000_free_rings(a);
    return err;
}

static int e1000_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
    const struct e1000_info *info = pdev->device == 0x10d3 ? &e1000_82574 :
                                    pdev->device == 0x100f ? &e1000_82545 : &e1000_82540;
    struct net_device *dev;
    struct e1000_adapter *a;
    const u8 *m;
    int err;

    if (pci_enable_device(pdev))
        return -ENODEV;
    pci_set_master(pdev);       /* descriptor and buffer DMA, MSI-X writes */
    dev = alloc_etherdev(sizeof(*a));
    if (!dev)
        return -ENOMEM;
    a = netdev_priv(dev);
    a->netdev = dev;
    a->info = info;
    a->pdev = pdev;
    a->hw_addr = pci_iomap(pdev, 0);
    err = a->hw_addr ? e1000_setup(a, pdev) : -ENODEV;
    if (err) {
        free_netdev(dev);
        return err;
    }
    pdev->driver_data = a;
    m = dev->dev_addr;
    pr_info("%s: e1000 %s %02x:%02x:%02x:%02x:%02x:%02x, %s", dev->name, info->name,
            m[0], m[1], m[2], m[3], m[4], m[5], a->msix ? "MSI-X" : "INTx");
    return 0;
}

static const struct pci_device_id e1000_ids[] = {
    { 0x8086, 0x100e },     /* 82540EM: QEMU -device e1000 */
    { 0x8086, 0x100f },     /* 82545EM copper: QEMU -device e1000-82545em */
    { 0x8086, 0x10d3 },     /* 82574L: QEMU -device e1000e */
    { 0, 0 },
};

static const struct pci_driver e1000_driver = {
    .name = "e1000",
    .id_table = e1000_ids,
    .probe = e1000_probe,
};

static int e1000_init(void)
{
    pci_register_driver(&e1000_driver);
    return 0;
}
device_initcall(e1000_init);
