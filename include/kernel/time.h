/*
 * Time.  The monotonic clock counts ns since power-on from the TSC (QEMU
 * starts the TSC at 0 when the VM starts).  Its frequency comes from CPUID
 * leaf 0x15/0x16 or the hypervisor timing leaf 0x40000010 when reported, else
 * from calibration against the PIT.  Before time_init() it reads 0.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <kernel/types.h>

#define NSEC_PER_USEC   1000ULL
#define NSEC_PER_MSEC   1000000ULL
#define NSEC_PER_SEC    1000000000ULL

u64 ktime_get_ns(void);         /* monotonic, ns since power-on */
u64 ktime_get_real_ns(void);    /* wall clock, ns since the epoch (RTC read at boot, +-1 s) */
extern u64 tsc_khz;             /* TSC frequency in kHz (0 until calibrated) */
void udelay(unsigned long us);  /* busy-wait at least us (errs long before time_init) */
/*
 * Start measuring the TSC rate (against the PIT when CPUID does not state
 * it), early, interrupts off, so that the boot steps up to time_init() run
 * while the reference counts instead of time_init() busy-waiting.  Optional.
 */
void time_calibrate_begin(void);
/* Finish the TSC rate, read the RTC, start the timer wheel, TIMER_SOFTIRQ and the LAPIC timer. */
void time_init(void);

/*
 * Copy in a user struct timespec at utp and turn it into ns (saturating: a
 * sleep of 2^63 s is forever).  -EFAULT, or -EINVAL unless tv_sec >= 0 and
 * 0 <= tv_nsec < 1e9 (timespec64_valid).  In kernel/sys/time.c.
 */
int get_timespec_ns(unsigned long utp, u64 *ns);

/*
 * The clock-event seam used by the timer facility: fire the timer interrupt at
 * (or soon after) `expires_ns` on the monotonic clock.  One-shot; the latest
 * call wins; UINT64_MAX stops it.  Only kernel/timer.c calls it (it tracks
 * what is armed); the interrupt raises TIMER_SOFTIRQ.  Host builds supply a
 * fake (tests/unit/host/fake_clock.c).
 */
void clockevent_program(u64 expires_ns);

#endif
