/*
 * Intel e1000 family driver (8254x, e.g. QEMU's 82540EM, and 82574L, QEMU's
 * e1000e): what its three files share, and what the host unit tests drive.
 *   e1000_hw.c    reset, EEPROM/NVM, MAC address, link, RX/TX unit set-up
 *   e1000_ring.c  legacy descriptor rings: refill, receive, transmit, reclaim
 *   e1000_main.c  PCI probe, interrupts (MSI-X or INTx), NAPI, net_device
 * Both models use the legacy descriptors (SDM §3.2.3, §3.3.3; the 82574
 * keeps them when RCTL.DTYP = 0), so one ring implementation serves both;
 * the differences are data in struct e1000_info.
 */
#ifndef DRIVERS_E1000_H
#define DRIVERS_E1000_H

#include <drivers/e1000_regs.h>
#include <net/netdevice.h>

#define E1000_RX_RING       256     /* descriptors; RDLEN = 4 KiB, a multiple of 128 */
#define E1000_TX_RING       256
#define E1000_RX_BUF_LEN    2048    /* RCTL.BSIZE: frames up to 1522 bytes fit one buffer */
#define E1000_ITR_HZ        20000   /* interrupt ceiling (Linux's default), per second */

/* What differs between the models (constant, one per PCI ID). */
struct e1000_info {
    const char *name;           /* "82540EM", "82574L" */
    u32 eerd_done;              /* EERD done bit: 1 << 4 (8254x) or 1 << 1 (82574) */
    u8 eerd_addr_shift;         /* EERD word-address shift: 8 or 2 */
    bool has_msix;              /* 82574: IVAR, EITR, MSI-X causes RXQ0/TXQ0/OTHER */
};

/* One NIC.  Lives in the net_device's private area. */
struct e1000_adapter {
    u8 *hw_addr;                /* BAR0, mapped uncached */
    const struct e1000_info *info;
    struct net_device *netdev;
    struct napi_struct napi;
    void *pdev;                 /* struct pci_dev *, for the probe code only */
    bool msix;                  /* interrupts by MSI-X (vector 0), not INTx */
    u32 ims;                    /* causes enabled outside the poll */
    volatile u32 icr_seen;      /* causes the IRQ handler read, consumed by the poll */

    /* RX: descriptors [rx_clean, rx_use) hold buffers owned by the NIC. */
    struct e1000_rx_desc *rx_ring;  /* one page, 16-byte aligned */
    struct sk_buff *rx_skb[E1000_RX_RING];
    unsigned rx_clean, rx_use;
    bool rx_discard;            /* dropping the rest of a frame that had no EOP */

    /* TX: descriptors [tx_clean, tx_use) are queued; one slot stays empty. */
    struct e1000_tx_desc *tx_ring;
    struct sk_buff *tx_skb[E1000_TX_RING];
    unsigned tx_clean, tx_use;
};

/*
 * Register access.  In the kernel, MMIO on BAR0 (<kernel/arch/io.h>); host
 * unit tests (HOST_BUILD) link a fake register file that records every
 * access and plays the device's part instead.
 */
#ifdef HOST_BUILD
u32 er32(struct e1000_adapter *a, u32 reg);
void ew32(struct e1000_adapter *a, u32 reg, u32 val);
#else
#include <kernel/arch/io.h>
static inline u32 er32(struct e1000_adapter *a, u32 reg) { return readl(a->hw_addr + reg); }
static inline void ew32(struct e1000_adapter *a, u32 reg, u32 val) { writel(val, a->hw_addr + reg); }
#endif

/* ---- e1000_hw.c ---- */
/* Mask every cause and reset the MAC (CTRL.RST), then wait for the NVM load: 0 or -ETIMEDOUT. */
int e1000_reset_hw(struct e1000_adapter *a);
/* Read EEPROM/NVM word `word` through EERD into *val (host order): 0 or -ETIMEDOUT. */
int e1000_read_eeprom(struct e1000_adapter *a, unsigned word, u16 *val);
/* The MAC from EEPROM words 0-2 (checksum 0xBABA), else from RAL0/RAH0: 0 or -EINVAL if neither is valid. */
int e1000_read_mac(struct e1000_adapter *a, u8 mac[ETH_ALEN]);
/* Link up through the PHY's autonegotiation (CTRL.SLU, ASDE), filters, ITR. */
void e1000_setup_mac(struct e1000_adapter *a, const u8 mac[ETH_ALEN]);
/*
 * Program the rings' bases and lengths, heads and tails at 0, and enable the
 * RX and TX units.  The rings must be empty (fresh, or e1000_release_buffers).
 */
void e1000_start_units(struct e1000_adapter *a);
/* STATUS.LU. */
bool e1000_link_up(struct e1000_adapter *a);
/* Route the three 82574 MSI-X causes (RXQ0, TXQ0, OTHER) to vector 0. */
void e1000_setup_msix(struct e1000_adapter *a);
/* Causes worth an interrupt: RX, RX ring low, RX overrun, TX done, link (+ MSI-X causes). */
u32 e1000_irq_causes(const struct e1000_adapter *a);

/* ---- e1000_ring.c ---- */
/* Allocate both descriptor rings (zeroed); 0 or -ENOMEM.  e1000_free_rings() undoes it. */
int e1000_alloc_rings(struct e1000_adapter *a);
/* With both units stopped: free every buffer on the rings and empty them. */
void e1000_release_buffers(struct e1000_adapter *a);
/* Free the rings and every buffer still on them. */
void e1000_free_rings(struct e1000_adapter *a);
/* Give the NIC an empty buffer in every free RX slot, then one RDT write. */
void e1000_refill_rx(struct e1000_adapter *a);
/* Hand up to `budget` received frames to netif_receive_skb(); how many it took. */
int e1000_clean_rx(struct e1000_adapter *a, int budget);
/* Free the sent frames (DD written back); how many. */
unsigned e1000_clean_tx(struct e1000_adapter *a);
/* Work pending in the rings: a received descriptor, or a sent one not yet reclaimed. */
bool e1000_rings_pending(struct e1000_adapter *a);
/* Queue one frame: NETDEV_TX_OK (skb now ours) or NETDEV_TX_BUSY (ring full, queue stopped). */
netdev_tx_t e1000_xmit_frame(struct sk_buff *skb, struct net_device *dev);
/* ndo_xmit_flush: one TDT write for the frames a transmit batch queued (net/dev.c). */
void e1000_xmit_flush(struct net_device *dev);

#endif
