/*
 * e1000 hardware set-up, as the manuals' initialisation checklists order it:
 * reset (SDM §14.1, 82574 §4.6.1), general configuration (SDM §14.3), MAC
 * address from the EEPROM (SDM §5.6, §13.4.4; 82574 §6.1, §10.2.2.5),
 * receive (SDM §14.4) and transmit (SDM §14.5) initialisation, interrupt
 * throttling (SDM §13.4.18) and the 82574's MSI-X cause routing (§7.4.2,
 * §10.2.4.9).  Below: er32/ew32 on BAR0.  Above: e1000_main.c.
 * SDM = 8254x Software Developer's Manual; 82574 = 82574 GbE Datasheet.
 */
#include <drivers/e1000.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>

#define E1000_EEPROM_SUM        0xbaba  /* words 0x00-0x3f add up to this (SDM §5.6.1) */
#define E1000_EEPROM_CSUM_WORDS 0x40
#define E1000_POLL_US           10
#define E1000_RESET_WAIT_US     10000   /* bounded: a dead NIC must not hang the boot */
#define E1000_EERD_WAIT_US      1000

/* Poll `reg` until (value & mask) == want, up to `us` microseconds: 0 or -ETIMEDOUT. */
static int e1000_wait(struct e1000_adapter *a, u32 reg, u32 mask, u32 want, unsigned us)
{
    for (unsigned t = 0;; t += E1000_POLL_US) {
        if ((er32(a, reg) & mask) == want)
            return 0;
        if (t >= us)
            return -ETIMEDOUT;
        udelay(E1000_POLL_US);
    }
}

int e1000_reset_hw(struct e1000_adapter *a)
{
    /* Interrupts off first (SDM §14.1): none may fire on half-reset state. */
    ew32(a, E1000_IMC, ~0u);
    ew32(a, E1000_RCTL, 0);
    ew32(a, E1000_TCTL, 0);
    ew32(a, E1000_CTRL, er32(a, E1000_CTRL) | E1000_CTRL_RST);
    /* 82574 §10.2.2.1: no register access for 1 ms after RST; harmless on the 8254x. */
    udelay(1000);
    if (e1000_wait(a, E1000_CTRL, E1000_CTRL_RST, 0, E1000_RESET_WAIT_US))
        return -ETIMEDOUT;
    /* 82574 §6.1: the NVM is reloaded after reset; EECD.AUTO_RD says when. */
    if (a->info->has_msix &&
        e1000_wait(a, E1000_EECD, E1000_EECD_AUTO_RD, E1000_EECD_AUTO_RD, E1000_RESET_WAIT_US))
        pr_warn("%s: NVM auto-read not done after reset", a->info->name);
    /* Reset re-enables nothing, but clear what it may have latched (SDM §14.1). */
    ew32(a, E1000_IMC, ~0u);
    (void)er32(a, E1000_ICR);
    return 0;
}

int e1000_read_eeprom(struct e1000_adapter *a, unsigned word, u16 *val)
{
    u32 done = a->info->eerd_done;

    ew32(a, E1000_EERD, (word << a->info->eerd_addr_shift) | E1000_EERD_START);
    if (e1000_wait(a, E1000_EERD, done, done, E1000_EERD_WAIT_US))
        return -ETIMEDOUT;
    *val = (u16)(er32(a, E1000_EERD) >> E1000_EERD_DATA_SHIFT);
    return 0;
}

static bool mac_valid(const u8 *m)
{
    static const u8 zero[ETH_ALEN];

    return !(m[0] & 1) && memcmp(m, zero, ETH_ALEN);   /* unicast, not 00:..:00 */
}

/* SDM §5.6.1 table 5-2: words 0-2 hold the MAC, low byte first; the checksum covers 0x00-0x3f. */
static int e1000_mac_from_eeprom(struct e1000_adapter *a, u8 mac[ETH_ALEN])
{
    u16 sum = 0, w;

    for (unsigned i = 0; i < E1000_EEPROM_CSUM_WORDS; i++) {
        if (e1000_read_eeprom(a, i, &w))
            return -ETIMEDOUT;
        if (i < ETH_ALEN / 2) {
            mac[2 * i] = (u8)w;
            mac[2 * i + 1] = (u8)(w >> 8);
        }
        sum = (u16)(sum + w);
    }
    if (sum != E1000_EEPROM_SUM) {
        pr_warn("%s: EEPROM checksum %#x, not %#x", a->info->name, sum, E1000_EEPROM_SUM);
        return -EINVAL;
    }
    return mac_valid(mac) ? 0 : -EINVAL;
}

int e1000_read_mac(struct e1000_adapter *a, u8 mac[ETH_ALEN])
{
    u32 ral, rah;

    if (!e1000_mac_from_eeprom(a, mac))
        return 0;
    /* The NIC loads RAL0/RAH0 from the EEPROM at reset (SDM §13.5.2): a second source. */
    ral = er32(a, E1000_RAL0);
    rah = er32(a, E1000_RAH0);
    for (unsigned i = 0; i < 4; i++)
        mac[i] = (u8)(ral >> (8 * i));
    mac[4] = (u8)rah;
    mac[5] = (u8)(rah >> 8);
    return (rah & E1000_RAH_AV) && mac_valid(mac) ? 0 : -EINVAL;
}

void e1000_setup_mac(struct e1000_adapter *a, const u8 mac[ETH_ALEN])
{
    u32 ctrl = er32(a, E1000_CTRL);

    /* SDM §14.3 / §14.5.1: the PHY autonegotiates speed and duplex, the MAC follows (ASDE). */
    ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE;
    ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_ILOS | E1000_CTRL_VME);
    ew32(a, E1000_CTRL, ctrl);
    /* SDM §14.4: our address in receive address 0, no multicast groups. */
    ew32(a, E1000_RAL0, (u32)mac[0] | (u32)mac[1] << 8 | (u32)mac[2] << 16 | (u32)mac[3] << 24);
    ew32(a, E1000_RAH0, (u32)mac[4] | (u32)mac[5] << 8 | E1000_RAH_AV);
    for (unsigned i = 0; i < E1000_MTA_WORDS; i++)
        ew32(a, E1000_MTA + 4 * i, 0);
    /*
     * ITR (SDM §13.4.18): at most E1000_ITR_HZ interrupts a second, in 256 ns
     * units.  Under emulation each interrupt is costly; NAPI does the rest.
     */
    ew32(a, E1000_ITR, (u32)(1000000000ull / (E1000_ITR_HZ * 256ull)));
}

void e1000_start_units(struct e1000_adapter *a)
{
    u64 rx = virt_to_phys(a->rx_ring), tx = virt_to_phys(a->tx_ring);

    /* SDM §14.5: transmit ring, empty (head = tail = 0), then the unit. */
    ew32(a, E1000_TDBAL, (u32)tx);
    ew32(a, E1000_TDBAH, (u32)(tx >> 32));
    ew32(a, E1000_TDLEN, E1000_TX_RING * sizeof(struct e1000_tx_desc));
    ew32(a, E1000_TDH, 0);
    ew32(a, E1000_TDT, 0);
    ew32(a, E1000_TIDV, 0);
    ew32(a, E1000_TIPG, E1000_TIPG_COPPER);
    ew32(a, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_CT(15) |
         E1000_TCTL_COLD(64) | E1000_TCTL_RTLC);
    /* SDM §14.4: receive ring, empty until e1000_refill_rx() moves the tail. */
    ew32(a, E1000_RDBAL, (u32)rx);
    ew32(a, E1000_RDBAH, (u32)(rx >> 32));
    ew32(a, E1000_RDLEN, E1000_RX_RING * sizeof(struct e1000_rx_desc));
    ew32(a, E1000_RDH, 0);
    ew32(a, E1000_RDT, 0);
    ew32(a, E1000_RDTR, 0);     /* no per-frame delay: ITR already batches */
    ew32(a, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC |
         E1000_RCTL_SZ_2048 | E1000_RCTL_RDMTS_HALF);
}

bool e1000_link_up(struct e1000_adapter *a)
{
    return er32(a, E1000_STATUS) & E1000_STATUS_LU;
}

void e1000_setup_msix(struct e1000_adapter *a)
{
    u32 v0 = E1000_IVAR_VALID | 0;      /* one vector for everything: NAPI sorts it out */

    ew32(a, E1000_IVAR, v0 << E1000_IVAR_RXQ0_SHIFT | v0 << E1000_IVAR_TXQ0_SHIFT |
         v0 << E1000_IVAR_OTHER_SHIFT | E1000_IVAR_TX_EVERY_WB);
    ew32(a, E1000_CTRL_EXT, er32(a, E1000_CTRL_EXT) | E1000_CTRL_EXT_PBA_CLR);
    ew32(a, E1000_EITR(0), er32(a, E1000_ITR));
}

u32 e1000_irq_causes(const struct e1000_adapter *a)
{
    u32 causes = E1000_ICR_RXT0 | E1000_ICR_RXDMT0 | E1000_ICR_RXO | E1000_ICR_TXDW |
                 E1000_ICR_LSC;

    /* 82574 §7.4.2: under MSI-X, RX/TX raise RXQ0/TXQ0 and the rest OTHER. */
    if (a->msix)
        causes |= E1000_ICR_RXQ0 | E1000_ICR_TXQ0 | E1000_ICR_OTHER;
    return causes;
}
