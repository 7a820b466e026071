/* Host build: no interrupts exist, so the interrupt flag is a plain variable
 * that tests can inspect (host_irqs_disabled). */
#ifndef KERNEL_ARCH_IRQFLAGS_H
#define KERNEL_ARCH_IRQFLAGS_H

#include <kernel/types.h>

extern bool host_irqs_disabled;

static inline unsigned long arch_local_irq_save(void)
{
    unsigned long f = host_irqs_disabled ? 0 : 0x200;
    host_irqs_disabled = true;
    return f;
}
static inline void arch_local_irq_restore(unsigned long f) { host_irqs_disabled = !(f & 0x200); }
static inline void arch_local_irq_disable(void) { host_irqs_disabled = true; }
static inline void arch_local_irq_enable(void) { host_irqs_disabled = false; }
static inline bool arch_irqs_disabled(void) { return host_irqs_disabled; }

#define local_irq_save(f)    ((f) = arch_local_irq_save())
#define local_irq_restore(f) arch_local_irq_restore(f)
#define local_irq_disable()  arch_local_irq_disable()
#define local_irq_enable()   arch_local_irq_enable()
#define irqs_disabled()      arch_irqs_disabled()

#endif
