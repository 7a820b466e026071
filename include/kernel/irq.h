/*
 * Interrupts and exceptions.  The 8259 PICs are masked; device interrupts go
 * through the IOAPIC (GSIs, from the ACPI MADT with its source overrides) or
 * MSI/MSI-X straight to the LAPIC.  Vectors 32..47 are reserved for the
 * kernel (timer, spurious); devices get vectors from irq_alloc_vector() or
 * request_irq().  Handlers run with interrupts off (hard IRQ context): they
 * only acknowledge the device, wake threads and raise softirqs.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <kernel/types.h>

/*
 * Register state pushed by the entry stubs (kernel/arch/isr.S), lowest
 * address first: the general registers, then the vector and error code (0
 * for vectors without one), then the frame the CPU pushed (SDM vol. 3A
 * §7.14.4).  rsp/ss are always present in 64-bit mode.
 */
struct pt_regs {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector, error_code;
    u64 rip, cs, rflags, rsp, ss;       /* hardware frame */
};

static inline bool user_mode(const struct pt_regs *regs) { return regs->cs & 3; }

typedef void (*irq_handler_t)(void *dev);

/*
 * Route `irq` through the IOAPIC to a vector and call handler(dev) on each
 * interrupt.  irq < 16 is an ISA IRQ: the MADT source overrides give its GSI,
 * polarity and trigger (default: GSI = irq, edge, active high).  irq >= 16 is
 * a GSI (PCI INTx: level, active low).  A second request for a level-triggered
 * line shares it (every handler runs).  `name` must outlive the registration.
 * Returns 0, -EINVAL (no IOAPIC pin for it), -EBUSY (an edge line already
 * taken) or -ENOSPC (no vector or handler slot left).
 */
int request_irq(unsigned irq, irq_handler_t handler, void *dev, const char *name);
/* A vector for MSI/MSI-X calling handler(dev); the vector or -ENOSPC. */
int irq_alloc_vector(irq_handler_t handler, void *dev, const char *name);
/*
 * The MSI address/data pair that delivers `vector` to this CPU: physical
 * destination, fixed delivery, edge (SDM vol. 3A §11.11.1, §11.11.2).
 */
void msi_compose_msg(int vector, u64 *addr, u32 *data);
/* Mask or unmask the IOAPIC pin of `irq` (numbered as for request_irq). */
void irq_mask_gsi(unsigned irq);
void irq_unmask_gsi(unsigned irq);

/*
 * A fixup for kernel code that may fault on purpose (copy_from_user): if the
 * instruction at `insn` faults, execution resumes at `fixup` (Linux __ex_table).
 * Emit entries with _ASM_EXTABLE (<kernel/arch/extable.h>).
 */
struct exception_table_entry { u64 insn, fixup; };

/*
 * Seam for exceptions raised in ring 3 (user_mode(regs)): the ring-3 code
 * points this at a function that reports the signal and powers off with
 * 128 + signal; it must not return.  While NULL, a user fault is dumped and
 * powers off like a kernel fault.
 */
extern void (*user_fault_hook)(struct pt_regs *regs);
/*
 * Seam for not-present page faults on user addresses, from ring 3 or from a
 * uaccess copy (an instruction with an exception-table entry): the ring-3
 * code backs the page when a VMA allows the access (demand paging) and
 * returns true, and the instruction is retried; false takes the usual path
 * (fixup, signal or dump).  Error code bits as Intel SDM vol. 3A §5.7.
 */
extern bool (*demand_fault_hook)(u64 addr, u64 error_code);
/* "#PF", "#GP", ...: the SDM's mnemonic for exception `vector`, or "#??". */
const char *trap_name(unsigned vector);
/* Print every register of `regs` plus CR0/CR2/CR3/CR4 at the emergency level. */
void show_regs(const struct pt_regs *regs);

void arch_init(void);   /* GDT, TSS, IDT, exception handlers */
void irq_init(void);    /* ACPI MADT, LAPIC, IOAPIC, PIC masked; interrupts still off */

#endif
