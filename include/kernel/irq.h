/*
 * Interrupts and exceptions.  The 8259 PICs are masked; device interrupts go
 * through the IOAPIC (GSIs, from the ACPI MADT with its source overrides) or
 * MSI/MSI-X straight to the LAPIC.  Vectors 32..47 are reserved for the
 * kernel (timer, spurious); devices get vectors from irq_alloc_vector().
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <kernel/types.h>

/* Register state pushed by the entry stubs (kernel/arch/isr.S), lowest address first. */
struct pt_regs {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector, error_code;
    u64 rip, cs, rflags, rsp, ss;       /* hardware frame */
};

typedef void (*irq_handler_t)(void *dev);

/* Route ISA IRQ or GSI `irq` through the IOAPIC to a fresh vector; 0 or -errno. */
int request_irq(unsigned irq, irq_handler_t handler, void *dev, const char *name);
/* A vector for MSI/MSI-X, with the address/data pair to program; vector or -ENOSPC. */
int irq_alloc_vector(irq_handler_t handler, void *dev, const char *name);
void msi_compose_msg(int vector, u64 *addr, u32 *data);
void irq_mask_gsi(unsigned irq);
void irq_unmask_gsi(unsigned irq);

/*
 * A fixup for kernel code that may fault on purpose (copy_from_user): if the
 * instruction at `insn` faults, execution resumes at `fixup` (Linux __ex_table).
 */
struct exception_table_entry { u64 insn, fixup; };

void arch_init(void);   /* GDT, TSS, IDT, exception handlers */
void irq_init(void);    /* ACPI MADT, LAPIC, IOAPIC, PIC masked; interrupts still off */

#endif
