/*
 * Shared inside kernel/arch only: the pieces arch_init() and irq_init()
 * assemble (GDT/TSS, IDT and entry stubs, traps, 8259, LAPIC, IOAPIC).
 * Everything else reaches them through <kernel/irq.h>,
 * <kernel/arch/apic.h> and <kernel/arch/desc.h>.
 */
#ifndef KERNEL_ARCH_ARCH_H
#define KERNEL_ARCH_ARCH_H

/* isr.S: 256 entry stubs, ISR_STUB_SIZE bytes apart, vector 0 first. */
#define ISR_STUB_SIZE   16

#ifndef __ASSEMBLER__
#include <kernel/acpi.h>
#include <kernel/irq.h>

extern const char isr_stubs[];

void gdt_init(void);
void idt_init(void);
/* Called by isr.S for every vector with the registers it saved. */
void common_interrupt(struct pt_regs *regs);
/* Exceptions (vectors 0-31): fixup, user hook, or dump and power off. */
void do_trap(struct pt_regs *regs);

void pic_disable(void);
void lapic_init(const struct madt_info *m);
/* IOAPIC at physical `phys` serving GSIs from gsi_base; 0 or -errno. */
int ioapic_add(u8 id, u64 phys, u32 gsi_base);
/* Program gsi's pin (left masked) to raise `vector` on LAPIC `dest`; 0 or -EINVAL. */
int ioapic_route(u32 gsi, u8 vector, bool level, bool active_low, u8 dest);
/* Set gsi's mask bit; 0 or -EINVAL when no IOAPIC serves gsi. */
int ioapic_set_masked(u32 gsi, bool masked);
#endif

#endif
