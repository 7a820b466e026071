/*
 * The local APIC in xAPIC (MMIO) mode (Intel SDM vol. 3A ch. 11, 2023
 * numbering).  Below: MSR_APIC_BASE and ioremap().  Above: irq.c (EOI,
 * MSI destination) and the clock-event code (LAPIC timer registers).  Owns
 * the LAPIC mapping and the LVT entries other than the timer's.
 */
#include <kernel/arch/apic.h>
#include <kernel/arch/cpu.h>
#include <kernel/arch/io.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include "arch.h"

#define APIC_BASE_ENABLE    (1ULL << 11)    /* §11.4.4: global enable */
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ULL
#define CPUID_1_EDX_APIC    (1u << 9)

static volatile u8 *lapic;

u32 lapic_read(u32 reg)
{
    return readl(lapic + reg);
}

void lapic_write(u32 reg, u32 val)
{
    writel(val, lapic + reg);
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

u32 lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

/* LINT1 carries NMI on PCs; the MADT may say which pin and how (§5.2.12.7 of ACPI 6.4). */
static void setup_lint(const struct madt_info *m)
{
    u8 lint = m->has_nmi ? m->nmi_lint : 1;
    u32 nmi = APIC_DM_NMI;

    if (m->has_nmi && (m->nmi_flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW)
        nmi |= APIC_LVT_ACTIVE_LOW;
    if (m->has_nmi && (m->nmi_flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL)
        nmi |= APIC_LVT_LEVEL;
    /* LINT0 would be ExtINT from the 8259s, which are masked: keep it masked. */
    lapic_write(LAPIC_LVT_LINT0, lint == 0 ? nmi : APIC_LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, lint == 1 ? nmi : APIC_LVT_MASKED);
}

void lapic_init(const struct madt_info *m)
{
    u64 base = m->lapic_addr & APIC_BASE_ADDR_MASK;

    if (!(cpuid(1, 0).edx & CPUID_1_EDX_APIC))
        panic("lapic: this CPU has no local APIC");
    if (!base)                  /* a MADT without an address: where the CPU has it */
        base = rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK;
    /* Keep the BSP flag and mode bits; move the window where the MADT says it is. */
    wrmsr(MSR_APIC_BASE, (rdmsr(MSR_APIC_BASE) & ~APIC_BASE_ADDR_MASK) | base |
          APIC_BASE_ENABLE);
    lapic = ioremap(base, PAGE_SIZE);
    if (!lapic)
        panic("lapic: cannot map %#llx", (unsigned long long)base);
    lapic_write(LAPIC_TPR, 0);                  /* accept every priority class */
    lapic_write(LAPIC_LVT_ERROR, APIC_LVT_MASKED);
    lapic_write(LAPIC_LVT_TIMER, APIC_LVT_MASKED);
    setup_lint(m);
    /* §11.9: spurious interrupts go to SPURIOUS_VECTOR, which takes no EOI. */
    lapic_write(LAPIC_SVR, SPURIOUS_VECTOR | APIC_SVR_ENABLE);
    lapic_eoi();                                /* drop anything left in service */
    pr_info("lapic: id %u at %#llx, version %#x", lapic_id(), (unsigned long long)base,
            lapic_read(LAPIC_VERSION) & 0xff);
}
