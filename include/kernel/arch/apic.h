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
#define LAPIC_VERSION   0x030
#define LAPIC_TPR       0x080
#define LAPIC_EOI       0x0b0
#define LAPIC_SVR       0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_ICR 0x380   /* initial count */
#define LAPIC_TIMER_CCR 0x390   /* current count */
#define LAPIC_TIMER_DCR 0x3e0   /* divide configuration */

/* LVT bits (SDM vol. 3 §11.5.1, figure 11-8). */
#define APIC_LVT_MASKED         (1u << 16)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_LVT_LEVEL          (1u << 15)
#define APIC_LVT_ACTIVE_LOW     (1u << 13)
#define APIC_DM_NMI             (4u << 8)
#define APIC_SVR_ENABLE         (1u << 8)   /* §11.9: APIC software enable */

/* 32-bit LAPIC register access by offset; valid once irq_init() has run. */
u32 lapic_read(u32 reg);
void lapic_write(u32 reg, u32 val);
/* Signal end of interrupt (§11.8.5); the common exit path does this for handlers. */
void lapic_eoi(void);
/* This CPU's APIC ID (bits 31:24 of the ID register, §11.4.6). */
u32 lapic_id(void);

/*
 * Install `handler` for a fixed vector (the kernel's own, e.g. the LAPIC
 * timer).  Handlers run with interrupts off; the common code sends the EOI,
 * then runs pending softirqs if the interrupt came from user mode or idle.
 */
struct pt_regs;
void set_vector_handler(int vector, void (*handler)(struct pt_regs *regs));

#endif
