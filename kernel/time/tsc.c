/*
 * The monotonic clock: ns since power-on from the TSC (QEMU and firmware
 * reset start it at 0).  Below: CPUID and the PIT (pit.c) tell its rate;
 * above: printk, timers and everyone else read ktime_get_ns().  This file
 * owns tsc_khz and the cycles<->ns ratios, written once at boot.
 *
 * Frequency sources, most trusted first: the hypervisor timing leaf
 * 0x40000010 (what the VMM scales the guest TSC to), CPUID leaf 0x15 (crystal
 * ratio, SDM vol. 2A "CPUID-Time Stamp Counter and Nominal Core Crystal
 * Clock Information Leaf"), else measuring against the PIT.
 */
#include <kernel/arch/cpu.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include "time_impl.h"

#define CPUID_1_ECX_HYPERVISOR  (1u << 31)
#define CPUID_80000007_EDX_INVARIANT_TSC (1u << 8)  /* SDM vol. 3B §18.17.1 */

u64 tsc_khz;
static u64 tsc_to_ns;           /* ratio: cycles -> ns */
static u64 ns_to_tsc;           /* ratio: ns -> cycles */
static struct {                 /* tsc_calibrate_begin() -> tsc_init() */
    bool begun;
    const char *source;
    u64 khz;                    /* 0: being measured against the PIT */
} rate;

bool cpuid_timing_leaf(struct cpuid_regs *r)
{
    if (!(cpuid(1, 0).ecx & CPUID_1_ECX_HYPERVISOR))
        return false;
    if (cpuid(0x40000000, 0).eax < 0x40000010)
        return false;
    *r = cpuid(0x40000010, 0);
    return true;
}

/*
 * Leaf 0x15: TSC = crystal * EBX / EAX.  When ECX (crystal Hz) is 0, derive
 * the crystal from leaf 0x16's base MHz, as Linux's native_calibrate_tsc().
 */
static u64 khz_from_cpuid(void)
{
    u32 max = cpuid(0, 0).eax;
    struct cpuid_regs r;
    u64 crystal_hz;

    if (max < 0x15)
        return 0;
    r = cpuid(0x15, 0);
    if (!r.eax || !r.ebx)
        return 0;
    crystal_hz = r.ecx;
    if (!crystal_hz && max >= 0x16)
        crystal_hz = (u64)(cpuid(0x16, 0).eax & 0xffff) * 1000000 * r.eax / r.ebx;
    return crystal_hz * r.ebx / r.eax / 1000;
}

static bool tsc_invariant(void)
{
    if (cpuid(0x80000000, 0).eax < 0x80000007)
        return false;
    return cpuid(0x80000007, 0).edx & CPUID_80000007_EDX_INVARIANT_TSC;
}

/*
 * The rate as CPUID states it; else start measuring against the PIT, which
 * tsc_init() finishes.  Called early in boot (time_calibrate_begin), or by
 * tsc_init() itself.
 */
void tsc_calibrate_begin(void)
{
    struct cpuid_regs hv;

    rate.begun = true;
    rate.source = "hypervisor leaf 0x40000010";
    rate.khz = cpuid_timing_leaf(&hv) ? hv.eax : 0;
    if (!rate.khz) {
        rate.source = "CPUID 0x15";
        rate.khz = khz_from_cpuid();
    }
    if (!rate.khz) {
        rate.source = "PIT calibration";
        pit_calibrate_begin();
    }
}

void tsc_init(void)
{
    u64 khz, err_ppm = 0, took = 0;
    char how[64];

    if (!rate.begun)
        tsc_calibrate_begin();
    khz = rate.khz;
    if (!khz)
        khz = pit_calibrate_tsc_khz(&err_ppm, &took);
    if (!khz) {
        rate.source = "guessed: no PIT";
        khz = 1000000;
    }
    ns_to_tsc = ratio_make(khz, NSEC_PER_MSEC);
    tsc_to_ns = ratio_make(NSEC_PER_MSEC, khz);
    WRITE_ONCE(tsc_khz, khz);
    if (err_ppm)        /* measured: how well, and the busy-wait it cost */
        snprintf(how, sizeof(how), "%s, +-%llu ppm, %llu us polling", rate.source,
                 (unsigned long long)err_ppm, (unsigned long long)(took * 1000 / khz));
    pr_info("time: TSC %llu.%03llu MHz (%s), %s", (unsigned long long)(khz / 1000),
            (unsigned long long)(khz % 1000), err_ppm ? how : rate.source,
            tsc_invariant() ? "invariant" : "not invariant");
}

/* 0 before tsc_init(): the ratio is still 0. */
u64 ktime_get_ns(void)
{
    return ratio_apply(rdtsc(), READ_ONCE(tsc_to_ns));
}

u64 tsc_ns_to_cycles(u64 ns)
{
    return ratio_apply(ns, ns_to_tsc);
}

/*
 * Busy-wait at least `us` microseconds.  Before calibration the rate is
 * unknown; assume a fast 10 GHz TSC, so the wait errs long, never short.
 */
void udelay(unsigned long us)
{
    u64 khz = READ_ONCE(tsc_khz) ? READ_ONCE(tsc_khz) : 10000000;
    u64 start = rdtsc(), cycles = (u64)us * khz / 1000 + 1;

    while (rdtsc() - start < cycles)
        cpu_relax();
}
