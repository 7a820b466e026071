/*
 * Interrupt routing and dispatch.  Below: the entry stubs (common_interrupt),
 * the LAPIC, the IOAPICs and the MADT (ACPI 6.4 §5.2.12).  Above: drivers
 * (request_irq, irq_alloc_vector for MSI), the clock (set_vector_handler),
 * softirqs (run on the way out of an interrupt).  Owns the vector table, the
 * GSI -> vector map, the ISA source overrides and the per-vector counters.
 */
#include <kernel/acpi.h>
#include <kernel/arch/apic.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/prof.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/softirq.h>
#include <kernel/spinlock.h>
#include "arch.h"

#define NR_VECTORS      256
#define MAX_GSI         256
#define MAX_ACTIONS     64
#define NR_ISA_IRQS     16
#define MSI_ADDR_BASE   0xfee00000u     /* SDM vol. 3A §11.11.1: bits 31:20 = 0xFEE */
#define MSI_DEST_SHIFT  12

struct irqaction {
    irq_handler_t handler;
    void *dev;
    const char *name;
    struct irqaction *next;
};

struct vector_desc {
    void (*fn)(struct pt_regs *regs);   /* a kernel vector (set_vector_handler) */
    struct irqaction *actions;          /* device handlers, in registration order */
    bool level;                         /* shared level-triggered GSI line */
};

static struct vector_desc vectors[NR_VECTORS];
static u64 irq_stats[NR_VECTORS];       /* interrupts taken, per vector */
static u8 gsi_vector[MAX_GSI];          /* 0: not routed */
static struct irqaction action_pool[MAX_ACTIONS];
static unsigned nr_actions;
static struct madt_info madt;

/* The GSI, trigger and polarity of an ISA IRQ or a GSI (see request_irq). */
struct irq_route { u32 gsi; bool level, active_low; };

static struct irq_route resolve(unsigned irq)
{
    struct irq_route r = { irq, irq >= NR_ISA_IRQS, irq >= NR_ISA_IRQS };

    for (unsigned i = 0; irq < NR_ISA_IRQS && i < madt.nr_overrides; i++) {
        u16 f = madt.override[i].flags;
        if (madt.override[i].source != irq)
            continue;
        r.gsi = madt.override[i].gsi;
        /* "Conforming" (0) keeps the ISA bus default: edge, active high. */
        r.active_low = (f & MPS_POLARITY_MASK) == MPS_POLARITY_LOW;
        r.level = (f & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL;
    }
    return r;
}

static int alloc_vector(void)
{
    for (int v = FIRST_DEVICE_VECTOR; v <= LAST_DEVICE_VECTOR; v++)
        if (!vectors[v].fn && !vectors[v].actions)
            return v;
    return -ENOSPC;
}

/* Append an action to vector v (registration order is call order); 0 or -ENOSPC. */
static int add_action(int v, irq_handler_t handler, void *dev, const char *name)
{
    struct irqaction *a, **p;

    if (nr_actions == MAX_ACTIONS)
        return -ENOSPC;
    a = &action_pool[nr_actions++];
    *a = (struct irqaction){ handler, dev, name, NULL };
    for (p = &vectors[v].actions; *p; p = &(*p)->next)
        ;
    *p = a;
    return 0;
}

/* A new vector for a GSI line, its IOAPIC pin programmed and still masked. */
static int route_gsi(const struct irq_route *r)
{
    int v = alloc_vector();

    if (v < 0)
        return v;
    if (ioapic_route(r->gsi, (u8)v, r->level, r->active_low, (u8)lapic_id()))
        return -EINVAL;
    gsi_vector[r->gsi] = (u8)v;
    vectors[v].level = r->level;
    return v;
}

int request_irq(unsigned irq, irq_handler_t handler, void *dev, const char *name)
{
    struct irq_route r = resolve(irq);
    unsigned long flags;
    int v, err;

    if (r.gsi >= MAX_GSI)
        return -EINVAL;
    local_irq_save(flags);
    v = gsi_vector[r.gsi];
    if (v && !vectors[v].level)
        err = -EBUSY;           /* an edge line cannot be shared: an edge is lost */
    else if (!v && (v = route_gsi(&r)) < 0)
        err = v;
    else
        err = add_action(v, handler, dev, name);
    if (!err)
        ioapic_set_masked(r.gsi, false);
    local_irq_restore(flags);
    if (!err)
        pr_info("irq: %s: IRQ %u -> GSI %u (%s, active %s) -> vector %d", name, irq, r.gsi,
                r.level ? "level" : "edge", r.active_low ? "low" : "high", v);
    return err;
}

int irq_alloc_vector(irq_handler_t handler, void *dev, const char *name)
{
    unsigned long flags;
    int v, err;

    local_irq_save(flags);
    v = alloc_vector();
    err = v < 0 ? v : add_action(v, handler, dev, name);
    local_irq_restore(flags);
    return err ? err : v;
}

void msi_compose_msg(int vector, u64 *addr, u32 *data)
{
    /* RH = 0, DM = 0: this CPU by physical APIC ID (§11.11.1). */
    *addr = MSI_ADDR_BASE | (lapic_id() << MSI_DEST_SHIFT);
    /* Fixed delivery, edge trigger (§11.11.2): only the vector is non-zero. */
    *data = (u32)vector & 0xff;
}

void irq_mask_gsi(unsigned irq)
{
    ioapic_set_masked(resolve(irq).gsi, true);
}

void irq_unmask_gsi(unsigned irq)
{
    ioapic_set_masked(resolve(irq).gsi, false);
}

void set_vector_handler(int vector, void (*handler)(struct pt_regs *regs))
{
    if (vector >= 32 && vector < NR_VECTORS)
        vectors[vector].fn = handler;
}

/*
 * Softirqs run on the way out of an interrupt that hit user mode or the idle
 * thread, never thread-context kernel code (the kernel is not preemptible).
 * do_softirq() enables interrupts while actions run and returns at once
 * when called from an interrupt nested in them.  Only an interrupt that hit
 * user mode may then preempt (exit_to_user_mode): the kernel stack holds
 * just this frame, and the thread resumes through it when next picked.
 */
static void irq_exit(const struct pt_regs *regs)
{
    if (softirq_pending() && (user_mode(regs) || current_is_idle()))
        do_softirq();
    if (user_mode(regs))
        exit_to_user_mode();
}

void common_interrupt(struct pt_regs *regs)
{
    unsigned v = (unsigned)regs->vector & (NR_VECTORS - 1);
    struct vector_desc *d = &vectors[v];

    irq_stats[v]++;
    if (v < 32) {
        do_trap(regs);
        return;
    }
    if (v == SPURIOUS_VECTOR)   /* §11.9: not in service, so no EOI */
        return;
    prof_enter(PROF_IRQ);
    if (d->fn)
        d->fn(regs);
    for (struct irqaction *a = d->actions; a; a = a->next)
        a->handler(a->dev);
    if (!d->fn && !d->actions && irq_stats[v] == 1)
        pr_warn("irq: unexpected interrupt on vector %u", v);
    lapic_eoi();
    prof_exit();
    irq_exit(regs);
}

/* Console key 'i': the interrupt counters, like /proc/interrupts. */
static void show_interrupts(char c)
{
    (void)c;
    pr_info("irq: vector count handler");
    for (unsigned v = 0; v < NR_VECTORS; v++) {
        const struct vector_desc *d = &vectors[v];
        if (!irq_stats[v])
            continue;
        pr_info("irq: %6u %10llu %s", v, (unsigned long long)irq_stats[v],
                v < 32 ? trap_name(v) : d->actions ? d->actions->name :
                v == SPURIOUS_VECTOR ? "spurious" : d->fn ? "kernel" : "none");
    }
}

/* QEMU's layout, used without a MADT: one IOAPIC, the PIT on GSI 2. */
static void madt_defaults(struct madt_info *m)
{
    *m = (struct madt_info){
        .lapic_addr = MSI_ADDR_BASE,
        .flags = 1,                 /* PCAT_COMPAT: 8259s present */
        .nr_ioapics = 1,
        .ioapic = { { .id = 0, .addr = 0xfec00000, .gsi_base = 0 } },
        .nr_overrides = 1,
        .override = { { .source = 0, .gsi = 2, .flags = 0 } },
    };
}

static void load_madt(void)
{
    const struct acpi_sdt_header *t = acpi_find_table("APIC", 0);
    int bad = t ? acpi_parse_madt((const u8 *)t, t->length, &madt) : -ENOENT;

    if (bad < 0 || !madt.nr_ioapics) {
        pr_warn("irq: no usable MADT: assuming QEMU's layout (IOAPIC at 0xfec00000, "
                "GSI = ISA IRQ, IRQ0 -> GSI2)");
        madt_defaults(&madt);
    } else if (bad) {
        pr_warn("irq: MADT: %d malformed or unsupported entries ignored", bad);
    }
}

void irq_init(void)
{
    load_madt();
    /* Mask the 8259s even without PCAT_COMPAT: the writes are harmless if absent. */
    pic_disable();
    lapic_init(&madt);
    for (unsigned i = 0; i < madt.nr_ioapics; i++)
        if (ioapic_add(madt.ioapic[i].id, madt.ioapic[i].addr, madt.ioapic[i].gsi_base))
            pr_warn("irq: IOAPIC %u at %#x unusable", madt.ioapic[i].id, madt.ioapic[i].addr);
    for (unsigned i = 0; i < madt.nr_overrides; i++)
        pr_info("irq: ISA IRQ %u -> GSI %u flags %#x", madt.override[i].source,
                madt.override[i].gsi, madt.override[i].flags);
    console_register_key('i', show_interrupts);
}
