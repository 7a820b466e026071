/*
 * Interrupt flag control.  On this uniprocessor kernel, disabling interrupts
 * is the lock that guards state shared with interrupt handlers.  Host builds
 * (tests/unit) substitute tests/unit/host_include/kernel/arch/irqflags.h.
 */
#ifndef KERNEL_ARCH_IRQFLAGS_H
#define KERNEL_ARCH_IRQFLAGS_H

#include <kernel/types.h>

static inline unsigned long arch_local_save_flags(void)
{
    unsigned long f;
    __asm__ __volatile__("pushfq; popq %0" : "=r"(f) :: "memory");
    return f;
}

static inline void arch_local_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void arch_local_irq_enable(void) { __asm__ __volatile__("sti" ::: "memory"); }

static inline unsigned long arch_local_irq_save(void)
{
    unsigned long f = arch_local_save_flags();
    arch_local_irq_disable();
    return f;
}

static inline void arch_local_irq_restore(unsigned long f)
{
    if (f & 0x200)
        arch_local_irq_enable();
}

static inline bool arch_irqs_disabled(void) { return !(arch_local_save_flags() & 0x200); }

/* Enable interrupts and halt atomically (STI's one-instruction shadow). */
static inline void arch_safe_halt(void) { __asm__ __volatile__("sti; hlt" ::: "memory"); }

#define local_irq_save(f)    ((f) = arch_local_irq_save())
#define local_irq_restore(f) arch_local_irq_restore(f)
#define local_irq_disable()  arch_local_irq_disable()
#define local_irq_enable()   arch_local_irq_enable()
#define irqs_disabled()      arch_irqs_disabled()

#endif
