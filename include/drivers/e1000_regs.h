/*
 * Intel 8254x / 82574 register map and descriptor formats: the subset the
 * e1000 driver uses, named as the manuals name them.
 *   [SDM]   PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 *           Developer's Manual (8254x), rev. 4.0: §13 registers, §3 descriptors.
 *   [574]   82574 GbE Controller Datasheet, rev. 3.4: §10.2 registers, §7.4 interrupts.
 * Offsets are bytes into BAR0 (memory-mapped, 128 KiB); every register is
 * 32 bits wide and little-endian, as is every descriptor field.
 */
#ifndef DRIVERS_E1000_REGS_H
#define DRIVERS_E1000_REGS_H

#include <kernel/types.h>

/* General (SDM §13.4, table 13-2; 574 §10.2.2). */
#define E1000_CTRL      0x00000     /* device control */
#define E1000_STATUS    0x00008     /* device status, read only */
#define E1000_EECD      0x00010     /* EEPROM/flash control */
#define E1000_EERD      0x00014     /* EEPROM read */
#define E1000_CTRL_EXT  0x00018     /* extended device control */
/* Interrupts (SDM §13.4.17-21; 574 §10.2.4). */
#define E1000_ICR       0x000c0     /* interrupt cause read: read (or write 1s) to clear */
#define E1000_ITR       0x000c4     /* interrupt throttling: minimum gap, 256 ns units */
#define E1000_ICS       0x000c8     /* interrupt cause set */
#define E1000_IMS       0x000d0     /* interrupt mask set: 1 enables a cause */
#define E1000_IMC       0x000d8     /* interrupt mask clear: 1 disables a cause */
#define E1000_IVAR      0x000e4     /* 574 §10.2.4.9: cause -> MSI-X vector */
#define E1000_EITR(n)   (0x000e8 + 4 * (n))    /* 574 §10.2.4.11: per-vector ITR */
/* Receive (SDM §13.4.22-33). */
#define E1000_RCTL      0x00100
#define E1000_RDBAL     0x02800     /* ring base, low 32 bits (16-byte aligned) */
#define E1000_RDBAH     0x02804
#define E1000_RDLEN     0x02808     /* ring bytes, a multiple of 128 */
#define E1000_RDH       0x02810     /* head: next descriptor the NIC fills */
#define E1000_RDT       0x02818     /* tail: one past the last descriptor we gave */
#define E1000_RDTR      0x02820     /* RX delay timer (1.024 us units) */
#define E1000_RADV      0x0282c     /* RX absolute delay */
/* Transmit (SDM §13.4.33-44). */
#define E1000_TCTL      0x00400
#define E1000_TIPG      0x00410
#define E1000_TDBAL     0x03800
#define E1000_TDBAH     0x03804
#define E1000_TDLEN     0x03808
#define E1000_TDH       0x03810     /* head: next descriptor the NIC sends */
#define E1000_TDT       0x03818     /* tail: one past the last descriptor we queued */
#define E1000_TIDV      0x03820     /* TX interrupt delay */
/* Filters and statistics (SDM §13.5, §13.7: statistics clear on read). */
#define E1000_MPC       0x04010     /* missed packets: no room in the FIFO/ring */
#define E1000_RNBC      0x040a0     /* receive no buffers (ring empty) */
#define E1000_MTA       0x05200     /* multicast table, 128 words */
#define E1000_MTA_WORDS 128
#define E1000_RAL0      0x05400     /* receive address 0, bytes 0-3 */
#define E1000_RAH0      0x05404     /* bytes 4-5, bit 31 Address Valid */

/* CTRL (SDM §13.4.1, table 13-3). */
#define E1000_CTRL_FD       (1u << 0)   /* full duplex */
#define E1000_CTRL_LRST     (1u << 3)   /* link reset (8254x) */
#define E1000_CTRL_ASDE     (1u << 5)   /* auto-speed detection */
#define E1000_CTRL_SLU      (1u << 6)   /* set link up */
#define E1000_CTRL_ILOS     (1u << 7)   /* invert loss-of-signal */
#define E1000_CTRL_RST      (1u << 26)  /* device reset, self-clearing */
#define E1000_CTRL_VME      (1u << 30)  /* VLAN mode */
#define E1000_CTRL_PHY_RST  (1u << 31)
/* STATUS (SDM §13.4.2). */
#define E1000_STATUS_LU     (1u << 1)   /* link up */
/* EECD (574 §10.2.2.3). */
#define E1000_EECD_AUTO_RD  (1u << 9)   /* NVM auto-read after reset done */
/* EERD: the two layouts (SDM §13.4.4: done bit 4, address 15:8; 574 §10.2.2.5: done bit 1, address 15:2). */
#define E1000_EERD_START    (1u << 0)
#define E1000_EERD_DATA_SHIFT 16
/* CTRL_EXT (574 §10.2.2.4). */
#define E1000_CTRL_EXT_PBA_CLR (1u << 31)   /* MSI-X pending bits clear with their cause */

/* ICR/IMS/IMC/ICS cause bits (SDM §13.4.17; 574 §10.2.4.1). */
#define E1000_ICR_TXDW      (1u << 0)   /* a TX descriptor written back */
#define E1000_ICR_LSC       (1u << 2)   /* link status change */
#define E1000_ICR_RXDMT0    (1u << 4)   /* RX ring below its minimum threshold */
#define E1000_ICR_RXO       (1u << 6)   /* RX overrun: frames missed */
#define E1000_ICR_RXT0      (1u << 7)   /* RX timer: frames received */
#define E1000_ICR_RXQ0      (1u << 20)  /* 574, MSI-X: RX queue 0 */
#define E1000_ICR_TXQ0      (1u << 22)  /* 574, MSI-X: TX queue 0 */
#define E1000_ICR_OTHER     (1u << 24)  /* 574, MSI-X: LSC, RXO and the rest */
#define E1000_ICR_ASSERTED  (1u << 31)  /* 574: this device asserted the interrupt */

/* IVAR (574 §10.2.4.9): 4-bit fields, vector in bits 2:0, bit 3 valid. */
#define E1000_IVAR_VALID    0x8u
#define E1000_IVAR_RXQ0_SHIFT  0
#define E1000_IVAR_TXQ0_SHIFT  8
#define E1000_IVAR_OTHER_SHIFT 16
#define E1000_IVAR_TX_EVERY_WB (1u << 31)  /* interrupt on every TX write-back */

/* RCTL (SDM §13.4.22, table 13-67). */
#define E1000_RCTL_EN       (1u << 1)
#define E1000_RCTL_SBP      (1u << 2)   /* store bad packets */
#define E1000_RCTL_UPE      (1u << 3)   /* unicast promiscuous */
#define E1000_RCTL_MPE      (1u << 4)   /* multicast promiscuous */
#define E1000_RCTL_LPE      (1u << 5)   /* long packets (> 1522 bytes) */
#define E1000_RCTL_RDMTS_HALF (0u << 8) /* RXDMT0 when half the ring is free */
#define E1000_RCTL_BAM      (1u << 15)  /* accept broadcast */
#define E1000_RCTL_SZ_2048  (0u << 16)  /* BSIZE 00 with BSEX 0: 2048-byte buffers */
#define E1000_RCTL_SECRC    (1u << 26)  /* strip the Ethernet CRC */

/* TCTL (SDM §13.4.33) and TIPG (§13.4.34, IEEE 802.3 copper values). */
#define E1000_TCTL_EN       (1u << 1)
#define E1000_TCTL_PSP      (1u << 3)   /* pad short packets to 64 bytes */
#define E1000_TCTL_CT(n)    ((u32)(n) << 4)     /* collision threshold: 15 */
#define E1000_TCTL_COLD(n)  ((u32)(n) << 12)    /* collision distance: 64 byte times, full duplex */
#define E1000_TCTL_RTLC     (1u << 24)
#define E1000_TIPG_COPPER   (8u | 8u << 10 | 6u << 20)  /* IPGT 8, IPGR1 8, IPGR2 6 */

#define E1000_RAH_AV        (1u << 31)

/* Legacy receive descriptor (SDM §3.2.3, table 3-1), written back in place. */
struct e1000_rx_desc {
    u64 buffer_addr;        /* physical address of a 2048-byte buffer */
    u16 length;             /* bytes written, CRC stripped (RCTL.SECRC) */
    u16 csum;
    u8 status;              /* E1000_RXD_STAT_* */
    u8 errors;              /* E1000_RXD_ERR_* */
    u16 special;
} __attribute__((packed));
_Static_assert(sizeof(struct e1000_rx_desc) == 16, "SDM table 3-1");
#define E1000_RXD_STAT_DD   0x01    /* descriptor done */
#define E1000_RXD_STAT_EOP  0x02    /* last descriptor of the frame */
#define E1000_RXD_ERR_FRAME 0x97    /* CE | SE | SEQ | CXE | RXE: a bad frame (TCPE/IPE need offloads) */

/* Legacy transmit descriptor (SDM §3.3.3, table 3-9). */
struct e1000_tx_desc {
    u64 buffer_addr;        /* physical address of the frame */
    u16 length;             /* bytes */
    u8 cso;
    u8 cmd;                 /* E1000_TXD_CMD_* */
    u8 status;              /* E1000_TXD_STAT_DD once sent (with RS) */
    u8 css;
    u16 special;
} __attribute__((packed));
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "SDM table 3-9");
#define E1000_TXD_CMD_EOP   0x01    /* end of packet */
#define E1000_TXD_CMD_IFCS  0x02    /* insert the FCS */
#define E1000_TXD_CMD_RS    0x08    /* report status: write DD back */
#define E1000_TXD_STAT_DD   0x01

#endif
