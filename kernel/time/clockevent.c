/*
 * The clock event: one-shot interrupts from the LAPIC timer (Intel SDM vol.
 * 3A §11.5.4).  Above: the timer wheel calls clockevent_program(); the
 * interrupt only raises TIMER_SOFTIRQ.  Below: lapic_read/lapic_write and
 * set_vector_handler (kernel/arch).  Owns the LAPIC timer's LVT entry.
 *
 * TSC-deadline mode (§11.5.4.1) when CPUID says so and a test deadline
 * really fires (QEMU's TCG APIC may lack it); else one-shot count-down mode
 * with the timer's rate from the hypervisor leaf or measured against the TSC.
 */
#include <kernel/arch/apic.h>
#include <kernel/arch/cpu.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include "time_impl.h"

#define MSR_IA32_TSC_DEADLINE   0x6e0
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define LVT_TIMER_TSC_DEADLINE  (2u << 17)
#define LAPIC_IRR               0x200           /* 8 registers, 16 bytes apart */
#define TDCR_DIV_16             0x3             /* §11.5.4 figure 11-10 */
#define LAPIC_DIVISOR           16
#define LAPIC_TARGET_PPM        200
#define LAPIC_CALIBRATE_MAX_NS  (50 * NSEC_PER_MSEC)
/*
 * Deadlines are clamped into [MIN, MAX] from now: nearer ones would fire
 * before the write finished anyway, farther ones just cost one early,
 * empty interrupt after which the wheel re-programs.
 */
#define CLOCKEVENT_MIN_NS       1000ULL
#define CLOCKEVENT_MAX_NS       (60 * NSEC_PER_SEC)

enum ce_mode { CE_NONE, CE_ONESHOT, CE_TSC_DEADLINE };
static enum ce_mode mode;
static u64 ns_to_count;                 /* ratio: ns -> LAPIC timer counts (one-shot) */

static void lapic_timer_interrupt(struct pt_regs *regs)
{
    raise_softirq(TIMER_SOFTIRQ);
}

static void arm_deadline(u64 delta_ns)
{
    /* §11.5.4.1: order the LVT's MMIO write before the (non-serialising) WRMSR. */
    __sync_synchronize();
    wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc() + tsc_ns_to_cycles(delta_ns) + 1);
}

void clockevent_program(u64 expires_ns)
{
    u64 now, delta;

    if (mode == CE_NONE)
        return;
    if (expires_ns == UINT64_MAX) {     /* nothing pending: stop the timer */
        if (mode == CE_TSC_DEADLINE)
            wrmsr(MSR_IA32_TSC_DEADLINE, 0);
        else
            lapic_write(LAPIC_TIMER_ICR, 0);
        return;
    }
    now = ktime_get_ns();
    delta = expires_ns > now ? expires_ns - now : 0;
    delta = MIN(MAX(delta, CLOCKEVENT_MIN_NS), CLOCKEVENT_MAX_NS);
    if (mode == CE_TSC_DEADLINE)
        arm_deadline(delta);
    else    /* round up: an early interrupt would only find nothing due */
        lapic_write(LAPIC_TIMER_ICR, (u32)MIN(ratio_apply(delta, ns_to_count) + 1, UINT32_MAX));
}

/* Arm a deadline 100 us out with interrupts off and watch the IRR for it. */
static bool tsc_deadline_works(void)
{
    u32 irr = LAPIC_IRR + (LAPIC_TIMER_VECTOR / 32) * 0x10;
    u32 bit = 1u << (LAPIC_TIMER_VECTOR % 32);
    u64 start = ktime_get_ns();

    if (!(cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE))
        return false;
    lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_VECTOR | LVT_TIMER_TSC_DEADLINE);
    arm_deadline(100 * NSEC_PER_USEC);
    while (ktime_get_ns() - start < 20 * NSEC_PER_MSEC)
        if (lapic_read(irr) & bit)
            return true;                /* delivered once interrupts are on: harmless */
    wrmsr(MSR_IA32_TSC_DEADLINE, 0);
    return false;
}

/*
 * One calibration sample: the LAPIC count (counting down from UINT32_MAX;
 * as ref, the counts gone) read inside a TSC window.  noinline: one copy of
 * this code, so TCG translates it once, on the first (discarded) sample,
 * not inside a window.  Stops after LAPIC_CALIBRATE_MAX_NS.
 */
static __attribute__((noinline)) int lapic_sample(void *ctx, struct cal_sample *s)
{
    const u64 *deadline = ctx;
    u64 before = rdtsc();
    u32 count = lapic_read(LAPIC_TIMER_CCR);
    u64 after = rdtsc();

    s->ref = UINT32_MAX - count;
    s->width = after - before;
    s->tsc = before + s->width / 2;
    return after < *deadline ? 1 : -ETIMEDOUT;
}

/*
 * LAPIC timer Hz: the hypervisor leaf's bus kHz, else measured against the
 * TSC (calibrate.c) to LAPIC_TARGET_PPM (*err_ppm; 0 when not measured), in
 * about a millisecond under TCG.  The rate only sizes one-shot counts: an
 * error of e ppm makes a timer fire e ppm of its delay early (the wheel then
 * re-arms for the rest) or late; the clock itself is the TSC.
 */
static u64 lapic_timer_hz(u64 *err_ppm, u64 *took)
{
    struct cpuid_regs hv;
    struct cal_sample warm;
    struct calibration cal;
    u64 start = rdtsc(), deadline;
    int ret;

    if (cpuid_timing_leaf(&hv) && hv.ebx)
        return (u64)hv.ebx * 1000 / LAPIC_DIVISOR;
    lapic_write(LAPIC_LVT_TIMER, APIC_LVT_MASKED | LAPIC_TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_ICR, UINT32_MAX);
    deadline = start + tsc_ns_to_cycles(LAPIC_CALIBRATE_MAX_NS);
    lapic_sample(&deadline, &warm);
    calibration_init(&cal, 1);          /* a count read mid-count: up to one off */
    ret = calibrate(&cal, lapic_sample, &deadline, LAPIC_TARGET_PPM);
    lapic_write(LAPIC_TIMER_ICR, 0);
    *took = rdtsc() - start;
    if (ret == -ENODEV)
        return 0;               /* the count never moved */
    *err_ppm = cal.err_ppm;
    return cal.ref * tsc_khz * 1000 / cal.cycles;
}

void clockevent_init(void)
{
    u64 hz, err_ppm = 0, took = 0;

    set_vector_handler(LAPIC_TIMER_VECTOR, lapic_timer_interrupt);
    lapic_write(LAPIC_TIMER_DCR, TDCR_DIV_16);
    if (tsc_deadline_works()) {
        mode = CE_TSC_DEADLINE;
        pr_info("time: clock event: LAPIC timer, TSC-deadline mode");
        return;
    }
    hz = lapic_timer_hz(&err_ppm, &took);
    if (!hz) {
        pr_err("time: LAPIC timer does not count; no timer interrupts");
        return;
    }
    ns_to_count = ratio_make(hz, NSEC_PER_SEC);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_VECTOR);   /* one-shot, unmasked */
    mode = CE_ONESHOT;
    pr_info("time: clock event: LAPIC timer, one-shot mode, %llu.%03llu MHz (+-%llu ppm in %llu us)",
            (unsigned long long)(hz / 1000000), (unsigned long long)(hz / 1000 % 1000),
            (unsigned long long)err_ppm, (unsigned long long)(took * 1000 / tsc_khz));
}
