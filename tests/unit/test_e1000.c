/*
 * e1000 hardware set-up and descriptor rings (drivers/e1000/e1000_hw.c,
 * e1000_ring.c) against a fake register file: every register write is
 * recorded, and the fake plays the NIC's part in what the driver relies on:
 * CTRL.RST resets and reloads RAL/RAH, EERD reads the EEPROM in the 8254x or
 * the 82574 layout, ICR clears on read, a TDT write "sends" the descriptors
 * up to it (DD written back, TXDW latched), and the test delivers frames into
 * the RX ring at RDH as the NIC would.  Heap back to baseline after each test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <drivers/e1000.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <net/net.h>
#include "host/fake_netdev.h"

/* ---- the fake NIC ---- */

#define NREGS       (0x20000 / 4)
#define LOG_MAX     4096

static const u8 nic_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };

static struct {
    u32 reg[NREGS];
    u16 eeprom[64];
    struct { u32 reg, val; } log[LOG_MAX];
    unsigned nlog;
    unsigned resets;
    bool tx_stalled;            /* TDT writes are not processed (a busy wire) */
    u8 sent[8][2048];           /* frames "on the wire", first 8 kept */
    unsigned sent_len[8], nsent;
} nic;

static void nic_power_on(bool bad_checksum)
{
    u16 sum = 0;

    memset(&nic, 0, sizeof(nic));
    for (unsigned i = 0; i < 3; i++)
        nic.eeprom[i] = (u16)(nic_mac[2 * i] | nic_mac[2 * i + 1] << 8);
    for (unsigned i = 0; i < 63; i++)
        sum = (u16)(sum + nic.eeprom[i]);
    nic.eeprom[63] = (u16)(0xbaba - sum + bad_checksum);    /* SDM §5.6.1 */
}

/* What CTRL.RST does (as far as the driver can tell): registers to defaults, RAL/RAH from the EEPROM. */
static void nic_reset(void)
{
    memset(nic.reg, 0, sizeof(nic.reg));
    nic.reg[E1000_STATUS / 4] = E1000_STATUS_LU;
    nic.reg[E1000_EECD / 4] = E1000_EECD_AUTO_RD;
    nic.reg[E1000_RAL0 / 4] = nic.eeprom[0] | (u32)nic.eeprom[1] << 16;
    nic.reg[E1000_RAH0 / 4] = nic.eeprom[2] | E1000_RAH_AV;
    nic.resets++;
}

/* Which EERD layout the fake answers: the one of the model under test. */
static const struct e1000_info *nic_model;

static void nic_eerd(u32 val)
{
    unsigned word = val >> nic_model->eerd_addr_shift & (nic_model->eerd_addr_shift == 8 ? 0xff : 0x3fff);

    nic.reg[E1000_EERD / 4] = val;
    if ((val & E1000_EERD_START) && word < 64)
        nic.reg[E1000_EERD / 4] = (u32)nic.eeprom[word] << 16 | nic_model->eerd_done;
}

static void nic_transmit(void)
{
    struct e1000_tx_desc *ring = phys_to_virt(nic.reg[E1000_TDBAL / 4] |
                                              (u64)nic.reg[E1000_TDBAH / 4] << 32);
    u32 n = nic.reg[E1000_TDLEN / 4] / sizeof(*ring);

    while (nic.reg[E1000_TDH / 4] != nic.reg[E1000_TDT / 4]) {
        struct e1000_tx_desc *d = &ring[nic.reg[E1000_TDH / 4]];

        assert_true(d->cmd & E1000_TXD_CMD_EOP);
        assert_true(d->cmd & E1000_TXD_CMD_RS);
        if (nic.nsent < 8) {
            memcpy(nic.sent[nic.nsent], phys_to_virt(d->buffer_addr), d->length);
            nic.sent_len[nic.nsent] = d->length;
        }
        nic.nsent++;
        d->status |= E1000_TXD_STAT_DD;
        nic.reg[E1000_TDH / 4] = (nic.reg[E1000_TDH / 4] + 1) % n;
        nic.reg[E1000_ICR / 4] |= E1000_ICR_TXDW;
    }
}

u32 er32(struct e1000_adapter *a, u32 reg)
{
    u32 v = nic.reg[reg / 4];

    if (reg == E1000_ICR)
        nic.reg[reg / 4] = 0;   /* read to clear (SDM §13.4.17) */
    return v;
}

void ew32(struct e1000_adapter *a, u32 reg, u32 val)
{
    assert_true(reg < NREGS * 4 && reg % 4 == 0);
    if (nic.nlog < LOG_MAX)
        nic.log[nic.nlog++] = (typeof(nic.log[0])){ reg, val };
    switch (reg) {
    case E1000_CTRL:
        nic.reg[reg / 4] = val & ~E1000_CTRL_RST;
        if (val & E1000_CTRL_RST)
            nic_reset();
        return;
    case E1000_EERD: nic_eerd(val); return;
    case E1000_IMS: nic.reg[E1000_IMS / 4] |= val; return;
    case E1000_IMC: nic.reg[E1000_IMS / 4] &= ~val; return;
    case E1000_ICR: nic.reg[E1000_ICR / 4] &= ~val; return;
    case E1000_TDT:
        nic.reg[reg / 4] = val;
        if (!nic.tx_stalled)
            nic_transmit();
        return;
    default:
        nic.reg[reg / 4] = val;
    }
}

/* The NIC receives one frame into the descriptor at RDH; false when the ring is empty. */
static bool nic_receive(const void *frame, unsigned len, u8 status, u8 errors)
{
    struct e1000_rx_desc *ring = phys_to_virt(nic.reg[E1000_RDBAL / 4] |
                                              (u64)nic.reg[E1000_RDBAH / 4] << 32);
    u32 n = nic.reg[E1000_RDLEN / 4] / sizeof(*ring), h = nic.reg[E1000_RDH / 4];
    struct e1000_rx_desc *d = &ring[h];

    if (h == nic.reg[E1000_RDT / 4])
        return false;
    memcpy(phys_to_virt(d->buffer_addr), frame, len);
    d->length = (u16)len;
    d->errors = errors;
    d->status = status | E1000_RXD_STAT_DD;
    nic.reg[E1000_RDH / 4] = (h + 1) % n;
    nic.reg[E1000_ICR / 4] |= E1000_ICR_RXT0;
    return true;
}

/* Index of the first logged write to `reg` at or after `from`, or -1. */
static int log_find(u32 reg, int from)
{
    for (unsigned i = (unsigned)from; i < nic.nlog; i++)
        if (nic.log[i].reg == reg)
            return (int)i;
    return -1;
}

void udelay(unsigned long us) { (void)us; }

/* ---- fixture: an adapter on a registered, open net_device ---- */

static const struct e1000_info info_82540 = { "82540EM", 1u << 4, 8, false };
static const struct e1000_info info_82574 = { "82574L", 1u << 1, 2, true };

static int test_open(struct net_device *dev) { return 0; }
static int test_stop(struct net_device *dev) { return 0; }
static const struct net_device_ops test_ops = {
    .ndo_open = test_open, .ndo_stop = test_stop, .ndo_start_xmit = e1000_xmit_frame,
};

static u64 heap_base;
static struct net_device *dev;
static struct e1000_adapter *ad;

/* Bring up like e1000_setup()/e1000_open() do, minus PCI and interrupts. */
static void bring_up(const struct e1000_info *info)
{
    nic_model = info;
    dev = alloc_etherdev(sizeof(*ad));
    ad = netdev_priv(dev);
    ad->netdev = dev;
    ad->info = info;
    assert_int_equal(e1000_reset_hw(ad), 0);
    assert_int_equal(e1000_read_mac(ad, dev->dev_addr), 0);
    e1000_setup_mac(ad, dev->dev_addr);
    assert_int_equal(e1000_alloc_rings(ad), 0);
    dev->netdev_ops = &test_ops;
    assert_int_equal(register_netdev(dev), 0);
    assert_int_equal(dev_open(dev), 0);
    netif_carrier_on(dev);
    e1000_start_units(ad);
    e1000_refill_rx(ad);
}

static int setup(void **state)
{
    heap_base = kmem_bytes_in_use();
    nic_power_on(false);
    nic_reset();
    return 0;
}

static int teardown(void **state)
{
    if (dev) {
        unregister_netdev(dev);
        e1000_free_rings(ad);
        free_netdev(dev);
        dev = NULL;
    }
    net_test_run(300 * NSEC_PER_SEC);
    assert_int_equal(kmem_bytes_in_use(), heap_base);
    return 0;
}

/* ---- tests ---- */

static void test_init_sequence(void **state)
{
    int rst, imc, rctl, tctl;

    bring_up(&info_82540);
    assert_memory_equal(dev->dev_addr, nic_mac, ETH_ALEN);
    assert_int_equal(nic.resets, 2);    /* nic_reset at power-on, then CTRL.RST */
    /* SDM §14.1: interrupts masked before the reset, and again after it. */
    imc = log_find(E1000_IMC, 0);
    rst = log_find(E1000_CTRL, 0);
    assert_true(imc >= 0 && imc < rst && nic.log[imc].val == ~0u);
    assert_true(nic.log[rst].val & E1000_CTRL_RST);
    assert_true(log_find(E1000_IMC, rst + 1) > rst);
    assert_int_equal(nic.reg[E1000_IMS / 4], 0);
    /* General configuration: link up, autodetected speed, no link/PHY reset. */
    assert_int_equal(nic.reg[E1000_CTRL / 4] & (E1000_CTRL_SLU | E1000_CTRL_ASDE | E1000_CTRL_LRST |
                     E1000_CTRL_PHY_RST), E1000_CTRL_SLU | E1000_CTRL_ASDE);
    assert_int_equal(nic.reg[E1000_RAL0 / 4], 0xaa005452);
    assert_int_equal(nic.reg[E1000_RAH0 / 4], 0xccbb | E1000_RAH_AV);
    assert_int_equal(nic.reg[E1000_ITR / 4], 195);     /* 20000/s in 256 ns units */
    /* Rings: 256 descriptors of 16 bytes; RX handed over whole but one slot. */
    assert_int_equal(nic.reg[E1000_TDLEN / 4], 4096);
    assert_int_equal(nic.reg[E1000_RDLEN / 4], 4096);
    assert_int_equal(nic.reg[E1000_RDT / 4], E1000_RX_RING - 1);
    assert_int_equal(nic.reg[E1000_TDH / 4], 0);
    rctl = log_find(E1000_RCTL, log_find(E1000_RDLEN, 0));
    tctl = log_find(E1000_TCTL, log_find(E1000_TDLEN, 0));
    assert_true(rctl > log_find(E1000_RDBAL, 0) && tctl > log_find(E1000_TDBAL, 0));
    assert_int_equal(nic.log[rctl].val, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC);
    assert_int_equal(nic.log[tctl].val & (E1000_TCTL_EN | E1000_TCTL_PSP), E1000_TCTL_EN | E1000_TCTL_PSP);
    /* Every RX descriptor has a buffer; none is marked done. */
    for (unsigned i = 0; i < E1000_RX_RING - 1; i++)
        assert_true(ad->rx_ring[i].buffer_addr && !ad->rx_ring[i].status);
}

static void test_eeprom_82574_layout(void **state)
{
    u16 w;

    bring_up(&info_82574);
    assert_memory_equal(dev->dev_addr, nic_mac, ETH_ALEN);
    assert_int_equal(e1000_read_eeprom(ad, 2, &w), 0);
    assert_int_equal(w, 0xccbb);
    /* 82574 §10.2.2.5: the word address sits at bit 2. */
    assert_int_equal(nic.log[log_find(E1000_EERD, 0)].val, E1000_EERD_START);
    assert_int_equal(nic.log[log_find(E1000_EERD, log_find(E1000_EERD, 0) + 1)].val,
                     1u << 2 | E1000_EERD_START);
    ad->msix = true;
    assert_true(e1000_irq_causes(ad) & E1000_ICR_OTHER);
    e1000_setup_msix(ad);
    assert_int_equal(nic.reg[E1000_IVAR / 4], 0x80080808);
}

static void test_mac_fallbacks(void **state)
{
    struct e1000_adapter a = { .info = &info_82540 };
    u8 mac[ETH_ALEN];

    nic_model = &info_82540;
    nic_power_on(true);         /* bad checksum: RAL/RAH, which the reset loaded, win */
    nic_reset();
    nic.reg[E1000_RAL0 / 4] = 0x33221102;
    assert_int_equal(e1000_read_mac(&a, mac), 0);
    assert_memory_equal(mac, ((u8[]){ 0x02, 0x11, 0x22, 0x33, 0xbb, 0xcc }), ETH_ALEN);
    nic.reg[E1000_RAH0 / 4] &= ~E1000_RAH_AV;   /* neither source valid */
    assert_int_equal(e1000_read_mac(&a, mac), -EINVAL);
    nic.reg[E1000_EERD / 4] = 0;                /* EERD never done: bounded, and an error */
    nic_model = &info_82574;
    a.info = &info_82540;
    assert_int_equal(e1000_read_eeprom(&a, 0, &(u16){ 0 }), -ETIMEDOUT);
}

/* A frame to our MAC with an EtherType nobody handles: counted as received, then dropped by eth. */
static unsigned frame(u8 *buf, u16 type)
{
    return build_eth(buf, nic_mac, peer_mac, type) + 46;
}

static void test_rx_budget_errors_and_refill(void **state)
{
    u8 f[64] = { 0 };
    unsigned len;

    bring_up(&info_82540);
    len = frame(f, 0x88b5);
    for (int i = 0; i < 3; i++)
        assert_true(nic_receive(f, len, E1000_RXD_STAT_EOP, 0));
    assert_int_equal(e1000_clean_rx(ad, 2), 2);     /* the budget bounds the batch */
    assert_true(e1000_rings_pending(ad));
    assert_int_equal(e1000_clean_rx(ad, 64), 1);
    assert_false(e1000_rings_pending(ad));
    assert_int_equal(dev->stats.rx_packets, 3);
    /* A CRC error, then a frame without EOP and its continuation: all dropped as RX errors. */
    assert_true(nic_receive(f, len, E1000_RXD_STAT_EOP, 0x01));
    assert_true(nic_receive(f, len, 0, 0));
    assert_true(nic_receive(f, len, E1000_RXD_STAT_EOP, 0));
    assert_true(nic_receive(f, 10, E1000_RXD_STAT_EOP, 0));     /* runt: shorter than Ethernet */
    assert_true(nic_receive(f, len, E1000_RXD_STAT_EOP, 0));
    assert_int_equal(e1000_clean_rx(ad, 64), 5);
    assert_int_equal(dev->stats.rx_errors, 4);
    assert_int_equal(dev->stats.drops[SKB_DROP_REASON_DEV_RX_ERR], 4);
    assert_int_equal(dev->stats.rx_packets, 4);
    /* Eight buffers used: the refill gives them back with one tail write. */
    nic.nlog = 0;
    e1000_refill_rx(ad);
    assert_int_equal(nic.nlog, 1);
    assert_int_equal(nic.log[0].reg, E1000_RDT);
    assert_int_equal(nic.log[0].val, (E1000_RX_RING - 1 + 8) % E1000_RX_RING);
}

static void test_rx_ring_exhausted(void **state)
{
    u8 f[64] = { 0 };
    unsigned len, n = 0;

    bring_up(&info_82540);
    len = frame(f, 0x88b5);
    while (nic_receive(f, len, E1000_RXD_STAT_EOP, 0))
        n++;
    assert_int_equal(n, E1000_RX_RING - 1);     /* head met tail: the ring never overlaps */
    assert_int_equal(e1000_clean_rx(ad, 1000), n);
    e1000_refill_rx(ad);
    assert_true(nic_receive(f, len, E1000_RXD_STAT_EOP, 0));
    assert_int_equal(e1000_clean_rx(ad, 64), 1);
}

static struct sk_buff *tx_skb(u8 fill)
{
    struct sk_buff *skb = alloc_skb(128);

    skb->dev = dev;
    memset(skb_put(skb, 60), fill, 60);
    return skb;
}

static void test_tx_descriptors(void **state)
{
    bring_up(&info_82540);
    assert_int_equal(e1000_xmit_frame(tx_skb(0xa5), dev), NETDEV_TX_OK);
    assert_int_equal(nic.nsent, 1);
    assert_int_equal(nic.sent_len[0], 60);
    assert_int_equal(nic.sent[0][59], 0xa5);
    assert_int_equal(ad->tx_ring[0].cmd, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
    assert_int_equal(nic.reg[E1000_TDT / 4], 1);
    assert_true(e1000_rings_pending(ad));
    assert_int_equal(e1000_clean_tx(ad), 1);
    assert_false(e1000_rings_pending(ad));
    assert_null(ad->tx_skb[0]);
}

static void test_tx_ring_full_is_busy(void **state)
{
    struct sk_buff *extra;
    unsigned n = 0;

    bring_up(&info_82540);
    nic.tx_stalled = true;
    /* BUSY leaves the skb with the caller: that one is `extra`. */
    while (e1000_xmit_frame(extra = tx_skb((u8)n), dev) == NETDEV_TX_OK && n < E1000_TX_RING)
        n++;
    assert_int_equal(n, E1000_TX_RING - 1);         /* one slot stays empty */
    assert_int_equal(nic.nsent, 0);
    assert_true(netif_queue_stopped(dev));
    assert_int_equal(nic.reg[E1000_TDT / 4], E1000_TX_RING - 1);   /* never past the head */
    /* The wire frees up: everything sent, reclaimed, and there is room again. */
    nic.tx_stalled = false;
    nic_transmit();
    assert_int_equal(nic.nsent, E1000_TX_RING - 1);
    assert_int_equal(e1000_clean_tx(ad), E1000_TX_RING - 1);
    assert_int_equal(e1000_xmit_frame(extra, dev), NETDEV_TX_OK);
}

static void test_stop_releases_buffers(void **state)
{
    bring_up(&info_82540);
    nic.tx_stalled = true;
    assert_int_equal(e1000_xmit_frame(tx_skb(1), dev), NETDEV_TX_OK);
    e1000_release_buffers(ad);
    assert_int_equal(ad->rx_use, 0);
    assert_null(ad->tx_skb[0]);
    assert_null(ad->rx_skb[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eeprom_82574_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mac_fallbacks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_budget_errors_and_refill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_ring_exhausted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_descriptors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_ring_full_is_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_releases_buffers, setup, teardown),
    };

    net_test_boot();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
