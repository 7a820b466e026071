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
 * One calibration sample (calibrate.c): the reference clock read `ref`
 * (counting up) at some instant inside the TSC window [tsc - width/2,
 * tsc + width/2].
 */
struct cal_sample { u64 ref, tsc, width; };
/*
 * A calibration in progress: the start sample chosen so far, and the best
 * pair yet: `ref` reference units in `cycles` TSC cycles, within err_ppm.
 * ref_err: how far a reading may be off in ref units (1 for a count read at
 * a random instant, 0 for a count's step caught between two reads).
 */
struct calibration {
    struct cal_sample start;
    bool started;
    u64 ref_err;
    u64 ref, cycles, err_ppm;
};
void calibration_init(struct calibration *c, u64 ref_err);
/* Sample until the first sample, the start; -ENODEV if sample() stops first. */
int calibration_start(struct calibration *c, int (*sample)(void *ctx, struct cal_sample *s),
                      void *ctx);
/*
 * Call sample() (1: a sample in *s, 0: none this time, < 0: stop) until a
 * pair bounds the ratio within target_ppm (0), or it stops: -EAGAIN with a
 * worse pair, -ENODEV with none.  See calibrate.c.
 */
int calibrate(struct calibration *c, int (*sample)(void *ctx, struct cal_sample *s), void *ctx,
              u64 target_ppm);
/*
 * TSC kHz measured against PIT channel 2 (pit.c): pit_calibrate_begin()
 * starts the count and takes the first sample, so that boot work overlaps
 * the measurement; pit_calibrate_tsc_khz() finishes it (or measures
 * afresh), with its bound in *err_ppm and the TSC cycles spent polling in
 * *took.  0 when there is no PIT.
 */
void pit_calibrate_begin(void);
u64 pit_calibrate_tsc_khz(u64 *err_ppm, u64 *took);
/*
 * The hypervisor timing leaf 0x40000010 (VMware's, also offered by KVM and
 * QEMU): EAX = TSC kHz, EBX = LAPIC timer (bus) kHz.  False when absent.
 */
bool cpuid_timing_leaf(struct cpuid_regs *r);
/* Start finding the TSC frequency (CPUID, else the PIT; tsc.c). */
void tsc_calibrate_begin(void);
/* Finish finding the TSC frequency and start ktime_get_ns() (tsc.c). */
void tsc_init(void);
/* TSC cycles in `ns` nanoseconds (tsc.c); valid after tsc_init(). */
u64 tsc_ns_to_cycles(u64 ns);
/* Read the CMOS clock and start ktime_get_real_ns() (rtc.c). */
void rtc_init(void);
/* Choose and start the LAPIC timer mode (clockevent.c); needs the TSC and irq_init(). */
void clockevent_init(void);

#endif
