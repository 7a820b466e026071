/*
 * BAR assignment for what the firmware left unassigned (PCI Local Bus 3.0
 * §6.2.5.1: a BAR is naturally aligned to its size).  qboot, our fast
 * direct-boot firmware, routes INTx but assigns no BARs, as Linux does
 * after it; SeaBIOS and OVMF assign everything and nothing here runs.
 * Windows: the I/O ports 0xc000-0xffff and the 32-bit hole between the top
 * of low RAM (at least 0xc0000000, which keeps q35's ECAM at 0xb0000000
 * clear) and the IOAPIC at 0xfec00000, where QEMU's pc and q35 decode PCI.
 * Devices behind bridges are left alone: their BARs would need the bridge
 * windows programmed too (PCI-to-PCI Bridge 1.2 §3.2.5.6-§3.2.5.9), which is
 * not done yet, so such a device stays unassigned and its driver fails.
 */
#include <kernel/bootinfo.h>
#include <kernel/compiler.h>
#include <kernel/printk.h>
#include "pci_impl.h"

#define PCI_IO_START    0xc000u
#define PCI_IO_END      0x10000u
#define PCI_MEM_MIN     0xc0000000ull
#define PCI_MEM_END     0xfec00000ull

struct pci_window {
    u64 next, end;      /* bump allocator over [next, end) */
};

/* Highest end of RAM and ACPI memory below 4 GiB, rounded up to 256 MiB, but >= PCI_MEM_MIN. */
static u64 pci_mem_start(void)
{
    u64 top = 0;

    for (unsigned i = 0; i < boot_info.nr_mmap; i++) {
        const struct mem_region *r = &boot_info.mmap[i];

        if (r->type != MEM_RESERVED && r->type != MEM_BAD && r->base < (1ull << 32))
            top = MAX(top, r->base + r->len);
    }
    return MAX(ALIGN_UP(top, 256ull << 20), PCI_MEM_MIN);
}

static bool window_alloc(struct pci_window *w, u64 size, u64 *addr)
{
    u64 a = ALIGN_UP(w->next, size);

    if (a + size > w->end || a + size < a)
        return false;
    *addr = a;
    w->next = a + size;
    return true;
}

static void pci_assign_bar(struct pci_dev *dev, unsigned i, struct pci_window *io,
                           struct pci_window *mem)
{
    struct pci_bar *b = &dev->bar[i];
    u16 reg = PCI_BASE_ADDRESS_0 + 4 * i;
    u64 addr;

    if (!window_alloc(b->flags & PCI_BAR_IO ? io : mem, b->size, &addr)) {
        pr_warn("pci %02x:%02x.%x: no room for bar%u (%#llx bytes)", dev->bus,
                PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn), i, (unsigned long long)b->size);
        return;
    }
    /* The low flag bits of a BAR are read-only, so writing the address keeps them. */
    pci_write_config_dword(dev, reg, (u32)addr);
    if (b->flags & PCI_BAR_MEM64)
        pci_write_config_dword(dev, reg + 4, (u32)(addr >> 32));
    b->start = addr;
    printk(LOGLEVEL_DEBUG, "pci %02x:%02x.%x: bar%u assigned %#llx", dev->bus,
           PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn), i, (unsigned long long)addr);
}

/*
 * Largest BARs first, so natural alignment wastes no space between them:
 * one pass per power of two, from 2 GiB down.
 */
void pci_assign_unassigned(void)
{
    struct pci_window io = { PCI_IO_START, PCI_IO_END };
    struct pci_window mem = { pci_mem_start(), PCI_MEM_END };
    struct pci_dev *dev;

    for (u64 size = 1ull << 31; size; size >>= 1)
        list_for_each_entry(dev, &pci_devices, node)
            for (unsigned i = 0; i < PCI_NUM_BARS; i++)
                if (dev->bar[i].size == size && !dev->bar[i].start && !dev->parent)
                    pci_assign_bar(dev, i, &io, &mem);
}
