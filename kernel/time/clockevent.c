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
#define CALIBRATE_US            2000
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
 * The LAPIC count and the TSC sampled together: the TSC midpoint around the
 * register read, *window the cycles the read took.
 */
static u32 lapic_count_at(u64 *tsc, u64 *window)
{
    u64 before = rdtsc();
    u32 count = lapic_read(LAPIC_TIMER_CCR);

    *window = rdtsc() - before;
    *tsc = before + *window / 2;
    return count;
}

/*
 * One run: LAPIC timer Hz counted over CALIBRATE_US of TSC, with the
 * uncertainty the two reads leave (in Hz).  A throw-away first read keeps
 * TCG's translating of this code and mapping of the page out of the run.
 */
static u64 lapic_timer_run(u64 *err_hz)
{
    u64 t0, t1, w0, w1, hz;
    u32 c0, c1;

    lapic_write(LAPIC_TIMER_ICR, UINT32_MAX);
    lapic_count_at(&t0, &w0);
    c0 = lapic_count_at(&t0, &w0);
    udelay(CALIBRATE_US);
    c1 = lapic_count_at(&t1, &w1);
    lapic_write(LAPIC_TIMER_ICR, 0);
    hz = (u64)(c0 - c1) * tsc_khz * 1000 / (t1 - t0);
    *err_hz = hz * ((w0 + w1) / 2 + 1) / (t1 - t0);
    return hz;
}

/* LAPIC timer Hz: the hypervisor leaf's bus kHz, else measured against the TSC. */
static u64 lapic_timer_hz(void)
{
    struct cpuid_regs hv;

    if (cpuid_timing_leaf(&hv) && hv.ebx)
        return (u64)hv.ebx * 1000 / LAPIC_DIVISOR;
    lapic_write(LAPIC_LVT_TIMER, APIC_LVT_MASKED | LAPIC_TIMER_VECTOR);
    return calibrate(lapic_timer_run);
}

void clockevent_init(void)
{
    u64 hz;

    set_vector_handler(LAPIC_TIMER_VECTOR, lapic_timer_interrupt);
    lapic_write(LAPIC_TIMER_DCR, TDCR_DIV_16);
    if (tsc_deadline_works()) {
        mode = CE_TSC_DEADLINE;
        pr_info("time: clock event: LAPIC timer, TSC-deadline mode");
        return;
    }
    hz = lapic_timer_hz();
    if (!hz) {
        pr_err("time: LAPIC timer does not count; no timer interrupts");
        return;
    }
    ns_to_count = ratio_make(hz, NSEC_PER_SEC);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_VECTOR);   /* one-shot, unmasked */
    mode = CE_ONESHOT;
    pr_info("time: clock event: LAPIC timer, one-shot mode, %llu.%03llu MHz",
            (unsigned long long)(hz / 1000000), (unsigned long long)(hz / 1000 % 1000));
}
