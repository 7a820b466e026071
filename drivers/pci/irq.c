/*
 * PCI interrupts: MSI-X (PCI Local Bus 3.0 §6.8.2) and INTx (§2.2.6, §6.2.4).
 * MSI-X entries get a vector each from the IRQ layer (irq_alloc_vector) and
 * the address/data pair it composes; the table lives in a memory BAR.  INTx
 * goes through request_irq() on the line the firmware wrote in Interrupt Line,
 * checked against the PIIX3's PIRQ routing on i440FX machines (pci_fixup_intx).
 * Below: kernel/irq (vectors, IOAPIC), access.c.  Above: drivers.
 */
#include <drivers/pci.h>
#include <kernel/arch/io.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include "pci_impl.h"

static void *msix_entry(struct pci_dev *dev, unsigned entry)
{
    return (u8 *)dev->msix_table + entry * PCI_MSIX_ENTRY_SIZE;
}

/* Map the table named by the capability's Table Offset/BIR (§6.8.2.4). */
static void *msix_map_table(struct pci_dev *dev, unsigned nr)
{
    u32 table = pci_read_config_dword(dev, dev->msix_cap + PCI_MSIX_TABLE);
    const struct pci_bar *bar = &dev->bar[table & PCI_MSIX_TABLE_BIR];
    u64 off = table & PCI_MSIX_TABLE_OFFSET;

    if ((table & PCI_MSIX_TABLE_BIR) >= PCI_NUM_BARS || !bar->size || !bar->start ||
        (bar->flags & PCI_BAR_IO) || off + (u64)nr * PCI_MSIX_ENTRY_SIZE > bar->size)
        return NULL;
    return ioremap(bar->start + off, (size_t)nr * PCI_MSIX_ENTRY_SIZE);
}

int pci_msix_enable(struct pci_dev *dev, unsigned nvec)
{
    u8 cap = pci_find_capability(dev, PCI_CAP_ID_MSIX);
    u16 ctrl;
    unsigned nr;

    if (!cap)
        return -ENODEV;
    ctrl = pci_read_config_word(dev, cap + PCI_MSIX_FLAGS);
    nr = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1;     /* Table Size is N-1 encoded */
    if (nvec > nr)
        return -EINVAL;
    dev->msix_cap = cap;
    dev->msix_table = msix_map_table(dev, nr);
    if (!dev->msix_table)
        return -ENODEV;
    dev->msix_nr = (u16)nvec;
    /*
     * Function Mask while the entries are masked one by one: no message can
     * leave with a half-written table (§6.8.2.3).  Then enable, unmask all.
     */
    pci_write_config_word(dev, cap + PCI_MSIX_FLAGS, ctrl | PCI_MSIX_FLAGS_MASKALL);
    for (unsigned i = 0; i < nr; i++)
        writel(PCI_MSIX_ENTRY_CTRL_MASKBIT, (u8 *)dev->msix_table + i * PCI_MSIX_ENTRY_SIZE +
               PCI_MSIX_ENTRY_VECTOR_CTRL);
    pci_write_config_word(dev, cap + PCI_MSIX_FLAGS,
                          (ctrl | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
    return 0;
}

int pci_msix_request(struct pci_dev *dev, unsigned entry, irq_handler_t handler,
                     void *data, const char *name)
{
    u64 addr;
    u32 msg;
    int vector;

    if (entry >= dev->msix_nr)
        return -EINVAL;
    vector = irq_alloc_vector(handler, data, name);
    if (vector < 0)
        return vector;
    msi_compose_msg(vector, &addr, &msg);
    /* The entry is masked (pci_msix_enable), so these three writes are not seen half-done. */
    writel((u32)addr, (u8 *)msix_entry(dev, entry) + PCI_MSIX_ENTRY_LOWER_ADDR);
    writel((u32)(addr >> 32), (u8 *)msix_entry(dev, entry) + PCI_MSIX_ENTRY_UPPER_ADDR);
    writel(msg, (u8 *)msix_entry(dev, entry) + PCI_MSIX_ENTRY_DATA);
    pci_msix_mask(dev, entry, false);
    return vector;
}

void pci_msix_mask(struct pci_dev *dev, unsigned entry, bool masked)
{
    if (entry < dev->msix_nr)
        writel(masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0,
               (u8 *)msix_entry(dev, entry) + PCI_MSIX_ENTRY_VECTOR_CTRL);
}

void pci_msix_disable(struct pci_dev *dev)
{
    u16 ctrl;

    if (!dev->msix_nr)
        return;
    ctrl = pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS);
    pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, ctrl & ~PCI_MSIX_FLAGS_ENABLE);
    dev->msix_nr = 0;       /* the table mapping stays: ioremap has no unmap */
}

/*
 * PIIX3/PIIX4 PCI-to-ISA bridge (82371SB datasheet §2.2.9 PIRQRC[A:D],
 * config 0x60-0x63): bit 7 disables the route, bits 3:0 name the ISA IRQ.
 * The board wires INTA# of bus-0 slot s to PIRQ[(s - 1) & 3] and rotates
 * the other pins (QEMU's piix pci_slot_get_pirq: (slot - 1 + pin - 1) & 3).
 * qboot computes Interrupt Line with the rotation off by one, so every INTx
 * device in an even slot reads IRQ 10 while the bridge raises IRQ 11; SeaBIOS
 * and OVMF agree with the bridge.  The routing registers are what the hardware
 * does, so they win; a disagreement is logged.  Devices behind bridges and
 * other chipsets (q35's ICH9 routes per device) keep the firmware's line.
 */
#define PIIX_PIRQRC         0x60
#define PIIX_PIRQRC_DISABLE 0x80
#define PIIX_PIRQRC_IRQ     0x0f

static struct pci_dev *piix_isa_bridge(void)
{
    struct pci_dev *dev;

    list_for_each_entry(dev, &pci_devices, node)
        if (dev->bus == 0 && dev->vendor == 0x8086 &&
            (dev->device == 0x7000 || dev->device == 0x7110))  /* PIIX3, PIIX4 ISA */
            return dev;
    return NULL;
}

void pci_fixup_intx(void)
{
    struct pci_dev *isa = piix_isa_bridge(), *dev;

    if (!isa)
        return;
    list_for_each_entry(dev, &pci_devices, node) {
        if (dev->bus != 0 || !dev->irq_pin || dev->irq_pin > 4)
            continue;
        unsigned pirq = (PCI_SLOT(dev->devfn) + dev->irq_pin - 2) & 3;
        u8 route = pci_read_config_byte(isa, PIIX_PIRQRC + pirq);
        u8 irq = route & PIIX_PIRQRC_IRQ;

        if ((route & PIIX_PIRQRC_DISABLE) || !irq || irq == dev->irq_line)
            continue;
        pr_info("pci %02x:%02x.%x: INTx pin %c -> PIRQ%c -> IRQ %u (firmware's line was %u)",
                dev->bus, PCI_SLOT(dev->devfn), PCI_FUNC(dev->devfn), 'A' + dev->irq_pin - 1,
                'A' + pirq, irq, dev->irq_line);
        dev->irq_line = irq;
        pci_write_config_byte(dev, PCI_INTERRUPT_LINE, irq);
    }
}

int pci_request_intx(struct pci_dev *dev, irq_handler_t handler, void *data, const char *name)
{
    u16 cmd;
    int err;

    /* 0xff is "unknown/not connected" (§6.2.4); 0 is never a PCI line on x86. */
    if (!dev->irq_pin || !dev->irq_line || dev->irq_line == 0xff)
        return -ENODEV;
    /*
     * Interrupt Line holds the ISA IRQ the firmware routed INTx to (QEMU pc:
     * PIIX PIRQ -> IRQ 10/11).  request_irq() takes polarity and trigger from
     * the MADT overrides for that IRQ (QEMU: level, active high).
     */
    err = request_irq(dev->irq_line, handler, data, name);
    if (err)
        return err;
    cmd = pci_read_config_word(dev, PCI_COMMAND);
    if (cmd & PCI_COMMAND_INTX_DISABLE)
        pci_write_config_word(dev, PCI_COMMAND, cmd & ~PCI_COMMAND_INTX_DISABLE);
    return 0;
}
