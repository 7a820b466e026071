/*
 * CPU random-number instructions (Intel SDM vol. 1 §7.3.17, RDRAND/RDSEED).
 * Callers mix or fall back themselves: these only say whether the CPU gave a
 * value.  Intel's guidance: retry RDRAND up to 10 times on CF = 0.
 */
#ifndef KERNEL_ARCH_RANDOM_H
#define KERNEL_ARCH_RANDOM_H

#include <kernel/arch/cpu.h>

static inline bool cpu_has_rdrand(void)
{
    return cpuid(1, 0).ecx & (1U << 30);       /* CPUID.1:ECX[30] */
}

static inline bool cpu_has_rdseed(void)
{
    return cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & (1U << 18));   /* CPUID.7.0:EBX[18] */
}

#define RANDOM_HW_RETRIES 10

/* One RDRAND value into *v; false if the CPU has none or kept failing. */
static inline bool rdrand_u64(u64 *v)
{
    if (!cpu_has_rdrand())
        return false;
    for (int i = 0; i < RANDOM_HW_RETRIES; i++) {
        bool ok;
        __asm__ __volatile__("rdrand %0" : "=r"(*v), "=@ccc"(ok));
        if (ok)
            return true;
    }
    return false;
}

/* One RDSEED value (straight from the entropy source) into *v; false if none. */
static inline bool rdseed_u64(u64 *v)
{
    if (!cpu_has_rdseed())
        return false;
    for (int i = 0; i < RANDOM_HW_RETRIES; i++) {
        bool ok;
        __asm__ __volatile__("rdseed %0" : "=r"(*v), "=@ccc"(ok));
        if (ok)
            return true;
    }
    return false;
}

#endif
