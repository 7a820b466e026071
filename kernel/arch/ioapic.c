/*
 * I/O APICs (Intel 82093AA datasheet): each serves a run of GSIs starting at
 * its MADT gsi_base, one redirection entry per pin.  Below: ioremap().
 * Above: irq.c, which decides vector, trigger and polarity per GSI.  Owns
 * the IOAPIC mappings; every pin starts masked.
 */
#include <kernel/arch/io.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include "arch.h"

#define IOREGSEL        0x00    /* 82093AA §3.1: index register */
#define IOWIN           0x10    /* §3.1: data window */
#define IOAPICVER       0x01    /* §3.2.2: bits 23:16 = last redirection entry */
#define IOREDTBL(pin)   (0x10 + 2 * (pin))  /* §3.2.4: low dword; high at +1 */

/* Redirection entry bits (82093AA §3.2.4). */
#define RTE_ACTIVE_LOW  (1u << 13)
#define RTE_LEVEL       (1u << 15)
#define RTE_MASKED      (1u << 16)
#define RTE_DEST_SHIFT  24      /* in the high dword: bits 63:56, physical APIC ID */

struct ioapic {
    volatile u8 *base;
    u32 gsi_base;
    unsigned nr_pins;
    u8 id;
};

static struct ioapic ioapics[MADT_MAX_IOAPICS];
static unsigned nr_ioapics;

static u32 io_read(const struct ioapic *io, u8 reg)
{
    writel(reg, io->base + IOREGSEL);
    return readl(io->base + IOWIN);
}

static void io_write(const struct ioapic *io, u8 reg, u32 val)
{
    writel(reg, io->base + IOREGSEL);
    writel(val, io->base + IOWIN);
}

int ioapic_add(u8 id, u64 phys, u32 gsi_base)
{
    struct ioapic *io;

    if (nr_ioapics == ARRAY_SIZE(ioapics))
        return -ENOSPC;
    io = &ioapics[nr_ioapics];
    io->base = ioremap(phys, PAGE_SIZE);
    if (!io->base)
        return -ENOMEM;
    io->id = id;
    io->gsi_base = gsi_base;
    io->nr_pins = ((io_read(io, IOAPICVER) >> 16) & 0xff) + 1;
    for (unsigned pin = 0; pin < io->nr_pins; pin++) {
        io_write(io, IOREDTBL(pin), RTE_MASKED);
        io_write(io, IOREDTBL(pin) + 1, 0);
    }
    nr_ioapics++;
    pr_info("ioapic: id %u at %#llx, GSI %u-%u", id, (unsigned long long)phys, gsi_base,
            gsi_base + io->nr_pins - 1);
    return 0;
}

static struct ioapic *ioapic_for(u32 gsi, unsigned *pin)
{
    for (unsigned i = 0; i < nr_ioapics; i++) {
        struct ioapic *io = &ioapics[i];
        if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nr_pins) {
            *pin = gsi - io->gsi_base;
            return io;
        }
    }
    return NULL;
}

int ioapic_route(u32 gsi, u8 vector, bool level, bool active_low, u8 dest)
{
    unsigned pin;
    struct ioapic *io = ioapic_for(gsi, &pin);
    u32 low = vector | RTE_MASKED;      /* fixed delivery, physical destination */

    if (!io)
        return -EINVAL;
    if (level)
        low |= RTE_LEVEL;
    if (active_low)
        low |= RTE_ACTIVE_LOW;
    /* Masked first, so the pin never fires with a half-written entry. */
    io_write(io, IOREDTBL(pin), RTE_MASKED);
    io_write(io, IOREDTBL(pin) + 1, (u32)dest << RTE_DEST_SHIFT);
    io_write(io, IOREDTBL(pin), low);
    return 0;
}

int ioapic_set_masked(u32 gsi, bool masked)
{
    unsigned pin;
    struct ioapic *io = ioapic_for(gsi, &pin);
    u32 low;

    if (!io)
        return -EINVAL;
    low = io_read(io, IOREDTBL(pin));
    io_write(io, IOREDTBL(pin), masked ? low | RTE_MASKED : low & ~RTE_MASKED);
    return 0;
}
