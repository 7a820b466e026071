/*
 * spinlock_t: Linux's API on a uniprocessor.  The lock itself is the saved
 * interrupt flag: spin_lock_irqsave() disables interrupts, so an interrupt
 * handler can never observe the protected state half-updated.  `locked` is
 * kept only to catch recursion bugs (a second acquire panics in debug builds).
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <kernel/arch/irqflags.h>

typedef struct {
    int locked;
} spinlock_t;

#define SPINLOCK_INIT { 0 }
#define DEFINE_SPINLOCK(name) spinlock_t name = SPINLOCK_INIT

static inline void spin_lock_init(spinlock_t *l) { l->locked = 0; }

#define spin_lock_irqsave(l, flags) do { local_irq_save(flags); (l)->locked = 1; } while (0)
#define spin_unlock_irqrestore(l, flags) do { (l)->locked = 0; local_irq_restore(flags); } while (0)

#endif
