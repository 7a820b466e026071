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
    return cpuid(1, 0).ecx & (1U << 30);
}

/* One RDRAND value into *v; false if the CPU has none or kept failing. */
static inline bool rdrand_u64(u64 *v)
{
    if (!cpu_has_rdrand())
        return false;
    for (int i = 0; i < 10; i++) {
        bool ok;
        __asm__ __volatile__("rdrand %0" : "=r"(*v), "=@ccc"(ok));
        if (ok)
            return true;
    }
    return false;
}

#endif
