/*
 * PCI enumeration and driver binding (PCI Local Bus 3.0 §6.1-§6.2; PCI-to-PCI
 * Bridge Architecture 1.2 §3.2.5.3 for secondary bus numbers).  Walks the
 * buses depth-first from bus 0 through bridges, as the firmware numbered them,
 * sizes every BAR (§6.2.5.1) and keeps one struct pci_dev per function.
 * Below: access.c.  Above: drivers, through pci_register_driver().
 * BAR addresses and Interrupt Line are the firmware's (qboot/SeaBIOS/OVMF
 * assign them); nothing here reprograms resources.
 */
#include <kernel/init.h>
#include <drivers/pci.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include "pci_impl.h"

LIST_HEAD(pci_devices);

/*
 * Size one BAR: write all ones, read back the writable bits, restore
 * (§6.2.5.1).  Decoding is off meanwhile (pci_size_bars) so the device never
 * answers at the all-ones address.  Returns how many BAR slots it used.
 */
static unsigned pci_size_bar(struct pci_dev *dev, unsigned i)
{
    u16 reg = PCI_BASE_ADDRESS_0 + 4 * i;
    u32 orig = pci_read_config_dword(dev, reg), mask;
    struct pci_bar *bar = &dev->bar[i];

    pci_write_config_dword(dev, reg, ~0u);
    mask = pci_read_config_dword(dev, reg);
    pci_write_config_dword(dev, reg, orig);
    if (orig & PCI_BASE_ADDRESS_SPACE_IO) {
        mask &= PCI_BASE_ADDRESS_IO_MASK & 0xffff;     /* x86 ports are 16-bit */
        bar->flags = PCI_BAR_IO;
        bar->start = orig & PCI_BASE_ADDRESS_IO_MASK;
        bar->size = mask & -mask;
        return 1;
    }
    u32 mem_mask = (u32)PCI_BASE_ADDRESS_MEM_MASK;  /* the macro is unsigned long */
    u64 start = orig & mem_mask;
    u64 addr_mask = mask & mem_mask;                /* the writable address bits */
    unsigned used = 1;

    if ((orig & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64 &&
        i + 1 < PCI_NUM_BARS) {
        u32 orig_hi = pci_read_config_dword(dev, reg + 4);

        pci_write_config_dword(dev, reg + 4, ~0u);
        addr_mask |= (u64)pci_read_config_dword(dev, reg + 4) << 32;
        pci_write_config_dword(dev, reg + 4, orig_hi);
        start |= (u64)orig_hi << 32;
        bar->flags = PCI_BAR_MEM64;
        used = 2;
    }
    if (orig & PCI_BASE_ADDRESS_MEM_PREFETCH)
        bar->flags |= PCI_BAR_PREFETCH;
    bar->start = start;
    bar->size = addr_mask & -addr_mask;     /* the lowest writable bit; 0: not implemented */
    return used;
}

static void pci_size_bars(struct pci_dev *dev)
{
    unsigned nbars = dev->hdr_type == PCI_HEADER_TYPE_NORMAL ? 6 :
                     dev->hdr_type == PCI_HEADER_TYPE_BRIDGE ? 2 : 0;
    u16 cmd = pci_read_config_word(dev, PCI_COMMAND);

    pci_write_config_word(dev, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (unsigned i = 0; i < nbars; i += pci_size_bar(dev, i))
        ;
    pci_write_config_word(dev, PCI_COMMAND, cmd);
}

/* One line per function and per BAR, at debug level (boot with `debug` to see them). */
static void pci_log_dev(const struct pci_dev *dev)
{
    printk(LOGLEVEL_DEBUG, "pci %02x:%02x.%x %04x:%04x class %06x irq %u pin %u",
            dev->bus, PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn), dev->vendor,
            dev->device, dev->class, dev->irq_line, dev->irq_pin);
    for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
        const struct pci_bar *b = &dev->bar[i];

        if (b->size)
            printk(LOGLEVEL_DEBUG, "pci   bar%u %s %#llx size %#llx%s", i,
                     b->flags & PCI_BAR_IO ? "io" : b->flags & PCI_BAR_MEM64 ? "mem64" : "mem32",
                     (unsigned long long)b->start, (unsigned long long)b->size,
                     b->flags & PCI_BAR_PREFETCH ? " prefetch" : "");
    }
}

/* Read one present function's header into a new pci_dev; NULL on ENOMEM. */
static struct pci_dev *pci_scan_function(u8 bus, u8 devfn, u32 id)
{
    struct pci_dev *dev = kzalloc(sizeof(*dev));

    if (!dev)
        return NULL;
    dev->bus = bus;
    dev->devfn = devfn;
    dev->vendor = id & 0xffff;
    dev->device = id >> 16;
    dev->hdr_type = pci_read_config_byte(dev, PCI_HEADER_TYPE) & 0x7f;
    dev->class = pci_read_config_dword(dev, PCI_CLASS_REVISION) >> 8;
    dev->revision = pci_read_config_byte(dev, PCI_REVISION_ID);
    if (dev->hdr_type == PCI_HEADER_TYPE_NORMAL) {
        dev->subsystem_vendor = pci_read_config_word(dev, PCI_SUBSYSTEM_VENDOR_ID);
        dev->subsystem_device = pci_read_config_word(dev, PCI_SUBSYSTEM_ID);
    }
    dev->irq_line = pci_read_config_byte(dev, PCI_INTERRUPT_LINE);
    dev->irq_pin = pci_read_config_byte(dev, PCI_INTERRUPT_PIN);
    pci_size_bars(dev);
    list_add_tail(&dev->node, &pci_devices);
    pci_log_dev(dev);
    return dev;
}

static int pci_scan_bus(u8 bus, struct pci_dev *parent);

/* Functions 0..7 of one slot; functions 1..7 only on multifunction devices (§6.2.1). */
static int pci_scan_slot(u8 bus, u8 slot, struct pci_dev *parent)
{
    for (u8 fn = 0; fn < 8; fn++) {
        struct pci_dev probe = { .bus = bus, .devfn = (u8)(slot << 3 | fn) };
        u32 id = pci_read_config_dword(&probe, PCI_VENDOR_ID);

        if ((id & 0xffff) == 0xffff) {
            if (fn == 0)
                return 0;       /* no function 0: the slot is empty */
            continue;
        }
        struct pci_dev *dev = pci_scan_function(bus, probe.devfn, id);
        if (!dev)
            return -ENOMEM;
        dev->parent = parent;
        /*
         * A bridge: its subtree is numbered secondary..subordinate by firmware.
         * Requiring sec > bus makes the recursion end even on a mis-numbered loop.
         */
        if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
            u8 sec = pci_read_config_byte(dev, PCI_SECONDARY_BUS);
            if (sec > bus && pci_scan_bus(sec, dev))
                return -ENOMEM;
        }
        if (fn == 0 && !(pci_read_config_byte(dev, PCI_HEADER_TYPE) & 0x80))
            return 0;
    }
    return 0;
}

static int pci_scan_bus(u8 bus, struct pci_dev *parent)
{
    for (u8 slot = 0; slot < 32; slot++)
        if (pci_scan_slot(bus, slot, parent))
            return -ENOMEM;
    return 0;
}

int pci_init(void)
{
    struct pci_dev host = { .bus = 0, .devfn = 0 };
    u8 ht;

    pci_ecam_init();        /* before the first access: microvm has only ECAM */
    ht = pci_read_config_byte(&host, PCI_HEADER_TYPE);

    if (pci_read_config_word(&host, PCI_VENDOR_ID) == 0xffff) {
        pr_warn("pci: no host bridge at 00:00.0");
        return 0;
    }
    /* A multifunction host bridge is several host controllers: function n owns bus n. */
    for (u8 fn = 0; fn < ((ht & 0x80) ? 8 : 1); fn++) {
        host.devfn = fn;
        if (pci_read_config_word(&host, PCI_VENDOR_ID) != 0xffff && pci_scan_bus(fn, NULL))
            return -ENOMEM;
    }
    pci_assign_unassigned();
    pci_fixup_intx();
    return 0;
}

int pci_enable_device(struct pci_dev *dev)
{
    u16 cmd = pci_read_config_word(dev, PCI_COMMAND), want = 0;

    for (unsigned i = 0; i < PCI_NUM_BARS; i++)
        if (dev->bar[i].size)
            want |= dev->bar[i].flags & PCI_BAR_IO ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
    if (!want && dev->hdr_type == PCI_HEADER_TYPE_NORMAL)
        return -ENODEV;
    if ((cmd & want) != want)
        pci_write_config_word(dev, PCI_COMMAND, cmd | want);
    return 0;
}

void pci_set_master(struct pci_dev *dev)
{
    u16 cmd = pci_read_config_word(dev, PCI_COMMAND);

    if (!(cmd & PCI_COMMAND_MASTER))
        pci_write_config_word(dev, PCI_COMMAND, cmd | PCI_COMMAND_MASTER);
}

void *pci_iomap(struct pci_dev *dev, unsigned bar)
{
    const struct pci_bar *b = bar < PCI_NUM_BARS ? &dev->bar[bar] : NULL;

    if (!b || !b->size || !b->start || (b->flags & PCI_BAR_IO))
        return NULL;
    return ioremap(b->start, b->size);
}

u16 pci_ioport(const struct pci_dev *dev, unsigned bar)
{
    if (bar >= PCI_NUM_BARS || !(dev->bar[bar].flags & PCI_BAR_IO))
        return 0;
    return (u16)dev->bar[bar].start;
}

static const struct pci_device_id *pci_match(const struct pci_device_id *ids,
                                             const struct pci_dev *dev)
{
    for (; ids->vendor || ids->device; ids++)
        if ((ids->vendor == PCI_ANY_ID || ids->vendor == dev->vendor) &&
            (ids->device == PCI_ANY_ID || ids->device == dev->device))
            return ids;
    return NULL;
}

int pci_register_driver(const struct pci_driver *drv)
{
    struct pci_dev *dev;
    int bound = 0;

    for (struct list_head *p = pci_devices.next; p != &pci_devices; p = p->next) {
        dev = container_of(p, struct pci_dev, node);
        const struct pci_device_id *id = dev->driver ? NULL : pci_match(drv->id_table, dev);
        if (!id)
            continue;
        int err = drv->probe(dev, id);
        if (err) {
            pr_warn("pci %02x:%02x.%x: %s: probe failed (%d)", dev->bus,
                    PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn), drv->name, err);
            continue;
        }
        dev->driver = drv;
        bound++;
        pr_info("pci %02x:%02x.%x: bound to %s", dev->bus, PCI_SLOT(dev->devfn),
                PCI_FUNC(dev->devfn), drv->name);
    }
    return bound;
}
subsys_initcall(pci_init);
