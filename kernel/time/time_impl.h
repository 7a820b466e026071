/*
 * Shared inside kernel/time/: the boot steps time_init() runs in order, and
 * fixed-point ratios for converting between clocks without 128-bit division
 * (the kernel links no libgcc).
 */
#ifndef KERNEL_TIME_IMPL_H
#define KERNEL_TIME_IMPL_H

#include <kernel/arch/cpu.h>

/* value * ratio >> 32; ratio_make(num, den) = num/den as 32.32 fixed point, num < 2^32. */
static inline u64 ratio_make(u64 num, u64 den) { return (num << 32) / den; }
static inline u64 ratio_apply(u64 v, u64 ratio)
{
    return (u64)(((unsigned __int128)v * ratio) >> 32);
}

/*
 * Repeat a measurement run() (a value, and its uncertainty in the same
 * units) until two runs agree; see calibrate.c.  0 if a run returns 0.
 */
u64 calibrate(u64 (*run)(u64 *uncertainty));
/* TSC kHz measured against PIT channel 2 (pit.c), or 0 when there is no PIT. */
u64 pit_calibrate_tsc_khz(void);
/*
 * The hypervisor timing leaf 0x40000010 (VMware's, also offered by KVM and
 * QEMU): EAX = TSC kHz, EBX = LAPIC timer (bus) kHz.  False when absent.
 */
bool cpuid_timing_leaf(struct cpuid_regs *r);
/* Pick the TSC frequency and start ktime_get_ns() (tsc.c). */
void tsc_init(void);
/* TSC cycles in `ns` nanoseconds (tsc.c); valid after tsc_init(). */
u64 tsc_ns_to_cycles(u64 ns);
/* Read the CMOS clock and start ktime_get_real_ns() (rtc.c). */
void rtc_init(void);
/* Choose and start the LAPIC timer mode (clockevent.c); needs the TSC and irq_init(). */
void clockevent_init(void);

#endif
