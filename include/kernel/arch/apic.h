/*
 * Local APIC and vector plan (Intel SDM vol. 3 ch. 11).  kernel/arch/lapic.c
 * owns the LAPIC mapping; the clock-event code (kernel/time/) programs the
 * LAPIC timer through lapic_read/lapic_write.
 *
 * Vectors: 0-31 exceptions; 32 LAPIC timer; 33-47 reserved for the kernel;
 * 48-239 devices (irq_alloc_vector / request_irq); 0xff spurious.
 */
#ifndef KERNEL_ARCH_APIC_H
#define KERNEL_ARCH_APIC_H

#include <kernel/types.h>

#define LAPIC_TIMER_VECTOR      32
#define FIRST_DEVICE_VECTOR     48
#define LAST_DEVICE_VECTOR      239
#define SPURIOUS_VECTOR         0xff

/* LAPIC register offsets (SDM vol. 3 table 11-1). */
#define LAPIC_ID        0x020
#define LAPIC_EOI       0x0b0
#define LAPIC_SVR       0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_ICR 0x380   /* initial count */
#define LAPIC_TIMER_CCR 0x390   /* current count */
#define LAPIC_TIMER_DCR 0x3e0   /* divide configuration */

u32 lapic_read(u32 reg);
void lapic_write(u32 reg, u32 val);
void lapic_eoi(void);
u32 lapic_id(void);

/*
 * Install `handler` for a fixed vector (the kernel's own, e.g. the LAPIC
 * timer).  Handlers run with interrupts off; the common code sends the EOI,
 * then runs pending softirqs if the interrupt came from user mode or idle.
 */
struct pt_regs;
void set_vector_handler(int vector, void (*handler)(struct pt_regs *regs));

#endif
