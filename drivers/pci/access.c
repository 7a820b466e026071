/*
 * PCI configuration space access (PCI Local Bus 3.0 §3.2.2.3.2): configuration
 * mechanism #1 through ports 0xCF8 (address) and 0xCFC (data), behind struct
 * pci_config_ops so ECAM can replace it.  Below: port I/O (arch/io.h).
 * Above: the pci_read/write_config_* accessors every other PCI file and
 * driver uses.
 */
#include <drivers/pci.h>
#include <kernel/arch/io.h>
#include <kernel/spinlock.h>

#define PCI_CONF1_ADDRESS   0xcf8
#define PCI_CONF1_DATA      0xcfc
#define PCI_CONF1_ENABLE    0x80000000u

/*
 * The address/data pair is two port accesses: an interrupt handler touching
 * config space in between would redirect our data access, hence the lock.
 */
static DEFINE_SPINLOCK(conf1_lock);

static u32 conf1_address(u8 bus, u8 devfn, u16 off)
{
    return PCI_CONF1_ENABLE | (u32)bus << 16 | (u32)devfn << 8 | (off & 0xfc);
}

static u32 conf1_read(u8 bus, u8 devfn, u16 off, unsigned size)
{
    unsigned long flags;
    u16 port = PCI_CONF1_DATA + (off & 3);     /* sub-dword fields: byte lanes of the data port */
    u32 val;

    if (off > 0xff)
        return ~0u;     /* mechanism #1 reaches only the first 256 bytes */
    spin_lock_irqsave(&conf1_lock, flags);
    outl(PCI_CONF1_ADDRESS, conf1_address(bus, devfn, off));
    val = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
    spin_unlock_irqrestore(&conf1_lock, flags);
    return val;
}

static void conf1_write(u8 bus, u8 devfn, u16 off, unsigned size, u32 val)
{
    unsigned long flags;
    u16 port = PCI_CONF1_DATA + (off & 3);

    if (off > 0xff)
        return;
    spin_lock_irqsave(&conf1_lock, flags);
    outl(PCI_CONF1_ADDRESS, conf1_address(bus, devfn, off));
    if (size == 1)
        outb(port, (u8)val);
    else if (size == 2)
        outw(port, (u16)val);
    else
        outl(port, val);
    spin_unlock_irqrestore(&conf1_lock, flags);
}

static const struct pci_config_ops pci_conf1_ops = {
    .name = "conf1",
    .read = conf1_read,
    .write = conf1_write,
};

static const struct pci_config_ops *pci_ops = &pci_conf1_ops;

void pci_set_config_ops(const struct pci_config_ops *ops)
{
    pci_ops = ops;
}

u8 pci_read_config_byte(const struct pci_dev *dev, u16 off)
{
    return (u8)pci_ops->read(dev->bus, dev->devfn, off, 1);
}

u16 pci_read_config_word(const struct pci_dev *dev, u16 off)
{
    return (u16)pci_ops->read(dev->bus, dev->devfn, off, 2);
}

u32 pci_read_config_dword(const struct pci_dev *dev, u16 off)
{
    return pci_ops->read(dev->bus, dev->devfn, off, 4);
}

void pci_write_config_byte(const struct pci_dev *dev, u16 off, u8 val)
{
    pci_ops->write(dev->bus, dev->devfn, off, 1, val);
}

void pci_write_config_word(const struct pci_dev *dev, u16 off, u16 val)
{
    pci_ops->write(dev->bus, dev->devfn, off, 2, val);
}

void pci_write_config_dword(const struct pci_dev *dev, u16 off, u32 val)
{
    pci_ops->write(dev->bus, dev->devfn, off, 4, val);
}

u8 pci_find_next_capability(const struct pci_dev *dev, u8 pos, u8 cap_id)
{
    /* 48 = (256 - 64) / 4: the most entries a list can hold; stops a looped list. */
    int ttl = 48;

    if (!pos) {
        if (!(pci_read_config_word(dev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
            return 0;
        pos = pci_read_config_byte(dev, dev->hdr_type == PCI_HEADER_TYPE_CARDBUS ?
                                   PCI_CB_CAPABILITY_LIST : PCI_CAPABILITY_LIST);
    } else {
        pos = pci_read_config_byte(dev, pos + PCI_CAP_LIST_NEXT);
    }
    while (ttl-- && pos >= 0x40) {
        pos &= ~3;      /* the bottom two bits are reserved (§6.7) */
        if (pci_read_config_byte(dev, pos + PCI_CAP_LIST_ID) == cap_id)
            return pos;
        pos = pci_read_config_byte(dev, pos + PCI_CAP_LIST_NEXT);
    }
    return 0;
}
