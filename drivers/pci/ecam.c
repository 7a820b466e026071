/*
 * PCI Express Enhanced Configuration Access Mechanism (PCIe Base 4.0
 * §7.2.2): each function's 4 KiB of configuration space is memory at
 * base + (bus << 20 | devfn << 12 | offset).  The base comes from ACPI's
 * MCFG (PCI Firmware 3.2 §4.1.2), or, where firmware has no MCFG (QEMU's
 * microvm), from the host bridge's _CBA object in the DSDT (ACPI 6.4
 * §6.5.8), found by the same kind of AML pattern match as \_S5_.
 * Installed through pci_set_config_ops() before enumeration; then it is
 * the only config access (microvm has no 0xCF8 ports).  Segment 0 only.
 * Below: ACPI tables, ioremap.  Above: drivers/pci/access.c's accessors.
 */
#include <drivers/pci.h>
#include <kernel/acpi.h>
#include <kernel/arch/io.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include "pci_impl.h"

#define ECAM_BUS_SIZE   (1u << 20)      /* 32 devices x 8 functions x 4 KiB */

/* One MCFG allocation (PCI Firmware 3.2 table 4-3). */
struct mcfg_alloc {
    u64 base;               /* ECAM of bus 0 of the segment, even if start_bus > 0 */
    u16 segment;
    u8 start_bus, end_bus;
    u32 reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mcfg_alloc) == 16, "PCI Firmware 3.2 table 4-3");
#define MCFG_ALLOCS_OFFSET  44      /* header (36) + 8 reserved bytes */

static u64 ecam_base;
static u8 ecam_start, ecam_end;
/* Mapped lazily, one bus (1 MiB) at a time: enumeration touches only a few buses. */
static u8 *ecam_bus[256];

static volatile u8 *ecam_addr(u8 bus, u8 devfn, u16 off)
{
    if (bus < ecam_start || bus > ecam_end || off > 0xfff)
        return NULL;
    if (!ecam_bus[bus])
        ecam_bus[bus] = ioremap(ecam_base + (u64)bus * ECAM_BUS_SIZE, ECAM_BUS_SIZE);
    return ecam_bus[bus] ? ecam_bus[bus] + ((u32)devfn << 12 | off) : NULL;
}

/* Absent buses read all ones, as mechanism #1 does for absent functions. */
static u32 ecam_read(u8 bus, u8 devfn, u16 off, unsigned size)
{
    volatile u8 *a = ecam_addr(bus, devfn, off);

    if (!a)
        return ~0u;
    return size == 1 ? readb(a) : size == 2 ? readw(a) : readl(a);
}

static void ecam_write(u8 bus, u8 devfn, u16 off, unsigned size, u32 val)
{
    volatile u8 *a = ecam_addr(bus, devfn, off);

    if (!a)
        return;
    if (size == 1)
        writeb((u8)val, a);
    else if (size == 2)
        writew((u16)val, a);
    else
        writel(val, a);
}

static const struct pci_config_ops pci_ecam_ops = {
    .name = "ecam",
    .read = ecam_read,
    .write = ecam_write,
};

/* The MCFG allocation for segment 0: 0, or -1 if there is none. */
static int ecam_from_mcfg(void)
{
    const struct acpi_sdt_header *t = acpi_find_table("MCFG", 0);
    const u8 *p = (const u8 *)t;

    for (u32 off = MCFG_ALLOCS_OFFSET; t && off + sizeof(struct mcfg_alloc) <= t->length;
         off += sizeof(struct mcfg_alloc)) {
        struct mcfg_alloc a;

        memcpy(&a, p + off, sizeof(a));         /* entries are unaligned */
        if (a.segment || !a.base || a.end_bus < a.start_bus)
            continue;
        ecam_base = a.base;
        ecam_start = a.start_bus;
        ecam_end = a.end_bus;
        return 0;
    }
    return -1;
}

/*
 * AML: NameOp "_CBA" <integer>, or MethodOp PkgLength "_CBA" flags ReturnOp
 * <integer> (QEMU's GPEX writes the method).  Integers: Byte/Word/DWord/QWord
 * prefixes 0x0a/0x0b/0x0c/0x0e (ACPI 6.4 §20.2.3).  Buses 0-255.
 */
static int ecam_from_cba(void)
{
    const struct acpi_sdt_header *t = acpi_find_table("DSDT", 0);
    const u8 *p = (const u8 *)t;

    for (u32 i = 1; t && i + 4 + 12 <= t->length; i++) {
        const u8 *q = p + i + 4;
        unsigned n;

        if (memcmp(p + i, "_CBA", 4))
            continue;
        if (p[i - 1] != 0x08) {                 /* not NameOp: Method, Flags, ReturnOp? */
            if (q[0] & 0x7 || q[1] != 0xa4)
                continue;
            q += 2;
        }
        n = q[0] == 0x0a ? 1 : q[0] == 0x0b ? 2 : q[0] == 0x0c ? 4 : q[0] == 0x0e ? 8 : 0;
        if (!n)
            continue;
        ecam_base = 0;
        memcpy(&ecam_base, q + 1, n);
        ecam_start = 0;
        ecam_end = 255;
        return ecam_base ? 0 : -1;
    }
    return -1;
}

void pci_ecam_init(void)
{
    if (ecam_from_mcfg() && ecam_from_cba())
        return;     /* no ECAM: mechanism #1 stays */
    pr_info("pci: ECAM at %#llx, buses %u-%u", (unsigned long long)ecam_base, ecam_start,
            ecam_end);
    pci_set_config_ops(&pci_ecam_ops);
}
