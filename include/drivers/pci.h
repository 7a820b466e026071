/*
 * PCI: configuration space access, enumeration, BARs, capabilities, MSI-X and
 * INTx, and drivers bound by ID table (PCI Local Bus 3.0 §6; PCI-to-PCI Bridge
 * 1.2 §3.2.5; MSI-X: PCI 3.0 §6.8.2).  Register offsets and bits come from
 * <linux/pci_regs.h>.  Configuration access goes through a pci_config_ops so
 * that ECAM (ACPI MCFG) can replace mechanism #1 without touching the rest.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <kernel/irq.h>
#include <kernel/list.h>
#include <kernel/types.h>
#include <linux/pci_regs.h>

#define PCI_NUM_BARS    6
#define PCI_ANY_ID      0xffffu

/*
 * Raw configuration-space access for one function.  `off` is a byte offset
 * (< 256 for mechanism #1, < 4096 for ECAM), naturally aligned for `size`
 * (1, 2 or 4 bytes); values are host order.  Absent functions read all ones.
 */
struct pci_config_ops {
    const char *name;
    u32 (*read)(u8 bus, u8 devfn, u16 off, unsigned size);
    void (*write)(u8 bus, u8 devfn, u16 off, unsigned size, u32 val);
};
/* Use `ops` for every later access (ECAM from MCFG); call before pci_init(). */
void pci_set_config_ops(const struct pci_config_ops *ops);

/* What sizing found behind one Base Address Register (PCI 3.0 §6.2.5.1). */
#define PCI_BAR_IO          0x1     /* I/O space: start is a port number */
#define PCI_BAR_MEM64       0x2     /* 64-bit memory BAR: it used the next BAR slot too */
#define PCI_BAR_PREFETCH    0x4     /* prefetchable memory */
struct pci_bar {
    u64 start;              /* bus address (= physical on x86); 0 when unused */
    u64 size;               /* bytes; 0 when the BAR is absent or unimplemented */
    u32 flags;              /* PCI_BAR_* */
};

struct pci_driver;

/* One PCI function found by pci_init(); owned by the PCI layer, never freed. */
struct pci_dev {
    struct list_head node;          /* on the list of all functions */
    struct pci_dev *parent;         /* the bridge above, NULL on a host bridge's bus */
    u8 bus, devfn;                  /* devfn = device << 3 | function */
    u8 hdr_type;                    /* PCI_HEADER_TYPE_NORMAL/BRIDGE/CARDBUS, without the multifunction bit */
    u8 revision;
    u16 vendor, device;
    u16 subsystem_vendor, subsystem_device;
    u32 class;                      /* base class << 16 | subclass << 8 | prog-if */
    u8 irq_line;                    /* firmware's Interrupt Line: the ISA IRQ/GSI INTx reaches (0xff: none) */
    u8 irq_pin;                     /* 0: no INTx, 1..4: INTA#..INTD# */
    struct pci_bar bar[PCI_NUM_BARS];
    u8 msix_cap;                    /* config offset of the MSI-X capability, 0 if none */
    u16 msix_nr;                    /* entries enabled by pci_msix_enable(), 0 when off */
    void *msix_table;               /* mapped MSI-X table while enabled */
    const struct pci_driver *driver;
    void *driver_data;              /* the bound driver's own */
};

#define PCI_SLOT(devfn) ((devfn) >> 3)
#define PCI_FUNC(devfn) ((devfn) & 7)

/* Configuration space of `dev`; offsets from <linux/pci_regs.h>. */
u8 pci_read_config_byte(const struct pci_dev *dev, u16 off);
u16 pci_read_config_word(const struct pci_dev *dev, u16 off);
u32 pci_read_config_dword(const struct pci_dev *dev, u16 off);
void pci_write_config_byte(const struct pci_dev *dev, u16 off, u8 val);
void pci_write_config_word(const struct pci_dev *dev, u16 off, u16 val);
void pci_write_config_dword(const struct pci_dev *dev, u16 off, u32 val);

/*
 * Capability list walk (PCI 3.0 §6.7): config offset of the first capability
 * with `cap_id` (PCI_CAP_ID_*) after the one at `pos` (0: from the start);
 * 0 when there is none.
 */
u8 pci_find_next_capability(const struct pci_dev *dev, u8 pos, u8 cap_id);
static inline u8 pci_find_capability(const struct pci_dev *dev, u8 cap_id)
{
    return pci_find_next_capability(dev, 0, cap_id);
}

/* Turn on memory and I/O decoding for the BARs the device has; 0 or -ENODEV. */
int pci_enable_device(struct pci_dev *dev);
/* Let the device master the bus (DMA, MSI writes). */
void pci_set_master(struct pci_dev *dev);

/*
 * Map memory BAR `bar` uncached; the mapping lives as long as the kernel.
 * NULL when the BAR is absent, an I/O BAR, or ioremap() fails.
 * I/O BARs have no mapping: use pci_ioport().
 */
void *pci_iomap(struct pci_dev *dev, unsigned bar);
/* First port of I/O BAR `bar`; 0 when it is not an I/O BAR. */
u16 pci_ioport(const struct pci_dev *dev, unsigned bar);

/*
 * MSI-X (PCI 3.0 §6.8.2).  pci_msix_enable() maps the table, masks every
 * entry and turns MSI-X on (INTx is then off): 0, -ENODEV (no capability or
 * table not mappable) or -EINVAL (fewer than `nvec` entries).
 * pci_msix_request() gives entry `entry` a fresh vector calling handler(data)
 * and unmasks it: the vector, or -errno.  Vectors are not returned to the
 * IRQ layer (it has no free call), so a failed probe leaks them: boot only.
 */
int pci_msix_enable(struct pci_dev *dev, unsigned nvec);
int pci_msix_request(struct pci_dev *dev, unsigned entry, irq_handler_t handler,
                     void *data, const char *name);
void pci_msix_mask(struct pci_dev *dev, unsigned entry, bool masked);
void pci_msix_disable(struct pci_dev *dev);

/*
 * INTx (PCI 3.0 §2.2.6): level-triggered and shareable.  Routes the line the
 * firmware wrote in Interrupt Line through request_irq() and clears the
 * command register's INTx-disable bit: 0, -ENODEV (no pin or no line) or
 * request_irq()'s error.  The handler must deassert the device's line.
 */
int pci_request_intx(struct pci_dev *dev, irq_handler_t handler, void *data, const char *name);

/* Match on vendor/device (PCI_ANY_ID: any); a zeroed entry ends a table. */
struct pci_device_id {
    u16 vendor, device;
};

/*
 * A driver: probe() is called for every function matching id_table; it
 * returns 0 when it took the device, -errno otherwise (the device stays free).
 */
struct pci_driver {
    const char *name;
    const struct pci_device_id *id_table;
    int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
};

/*
 * Bind `drv` to every matching function pci_init() found and no driver took
 * yet; there is no hotplug, so register after pci_init().  Returns how many
 * functions it took.
 */
int pci_register_driver(const struct pci_driver *drv);

/*
 * Enumerate every bus reachable from the host bridge(s) through
 * configuration mechanism #1 (unless pci_set_config_ops() chose another),
 * size the BARs, give addresses to those the firmware left at 0 (qboot
 * assigns none; only on host-bridge buses), and log one line per function
 * at debug level.  Needs mm_init() (kzalloc) and the boot memory map;
 * drivers registered afterwards need irq_init().  Call once; 0 or -ENOMEM.
 */
int pci_init(void);

#endif
