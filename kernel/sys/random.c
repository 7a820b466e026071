/*
 * The kernel's random generator and getrandom(2).  Above: the loader
 * (AT_RANDOM), TCP (ISNs, ports) through get_random_bytes(), and the app.
 * Below: the ChaCha20 CSPRNG (kernel/lib/chacha20.c), seeded once from the
 * CPU's RDSEED/RDRAND (CPUID.7.0:EBX[18], CPUID.1:ECX[30]; Intel SDM vol. 1
 * §7.3.17) and from TSC jitter, which alone must suffice on CPUs without
 * them (QEMU's default qemu64 model).  Once seeded the generator never
 * blocks, so getrandom's GRND_NONBLOCK/GRND_RANDOM change nothing here.
 */
#include <kernel/arch/cpu.h>
#include <kernel/arch/random.h>
#include <kernel/arch/irqflags.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>

#define GRND_NONBLOCK   0x0001          /* getrandom(2) flags, <linux/random.h> */
#define GRND_RANDOM     0x0002
#define GRND_INSECURE   0x0004
#define JITTER_SAMPLES  64
#define MAX_RW_COUNT    0x7ffff000UL    /* INT_MAX & PAGE_MASK: Linux's cap on one transfer */

static struct crng kernel_crng;
static bool crng_ready;

/*
 * Fill seed[0..n) from one hardware source; returns how many words it gave.
 * XORed in, so a failing or backdoored source can add nothing but also
 * take nothing away from the others.
 */
static unsigned seed_from_hw(u64 *seed, unsigned n, bool (*source)(u64 *))
{
    unsigned got = 0;
    u64 v;

    for (unsigned i = 0; i < n; i++)
        if (source(&v)) {
            seed[i] ^= v;
            got++;
        }
    return got;
}

/*
 * TSC jitter: the cycle count of a serialising CPUID varies with cache,
 * pipeline and (under a hypervisor) host scheduling state.  Each sample's
 * low bits carry a little entropy; the whole timestamp goes in, and the
 * CSPRNG's seeding step concentrates it.
 */
static void seed_from_jitter(u64 *seed, unsigned n)
{
    for (unsigned i = 0; i < JITTER_SAMPLES; i++) {
        u64 t0 = rdtsc();

        (void)cpuid(0, 0);
        seed[i % n] ^= (rdtsc() - t0) << (i % 8 * 8) ^ t0;
    }
    seed[0] ^= ktime_get_real_ns();
}

void random_init(void)
{
    u64 seed[8] = { 0 };
    unsigned from_seed = 0, from_rand = 0;

    if (crng_ready)
        return;
    from_seed = seed_from_hw(seed, ARRAY_SIZE(seed), rdseed_u64);
    from_rand = seed_from_hw(seed, ARRAY_SIZE(seed), rdrand_u64);
    seed_from_jitter(seed, ARRAY_SIZE(seed));
    crng_seed(&kernel_crng, seed, sizeof(seed));
    memset(seed, 0, sizeof(seed));
    crng_ready = true;
    pr_info("random: ChaCha20 seeded from %u RDSEED, %u RDRAND words and %u TSC jitter samples",
            from_seed, from_rand, JITTER_SAMPLES);
}

void get_random_bytes(void *buf, size_t len)
{
    unsigned long flags;

    if (!crng_ready)
        random_init();
    /* Interrupts off: a softirq (TCP) may draw while a thread is mid-request. */
    local_irq_save(flags);
    crng_generate(&kernel_crng, buf, len);
    local_irq_restore(flags);
}

/*
 * getrandom(2): bytes written, or -EINVAL for unknown or contradictory
 * flags, -EFAULT if the first byte cannot be written.  Copies stop at the
 * first unwritable page, as Linux's copy_to_iter does, so a partly mapped
 * buffer gets a short count.
 */
static long sys_getrandom(unsigned long ubuf, unsigned long len, unsigned long flags,
                          unsigned long a3, unsigned long a4, unsigned long a5)
{
    u8 chunk[256];
    size_t done = 0;

    if (flags & ~(unsigned long)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
        return -EINVAL;
    len = MIN(len, MAX_RW_COUNT);
    if (!access_ok((void *)ubuf, len))
        return -EFAULT;
    while (done < len) {
        u64 addr = ubuf + done;
        size_t n = MIN(MIN(len - done, sizeof(chunk)), PAGE_SIZE - addr % PAGE_SIZE);

        get_random_bytes(chunk, n);
        if (copy_to_user((void *)addr, chunk, n))
            break;
        done += n;
    }
    memset(chunk, 0, sizeof(chunk));
    return done || !len ? (long)done : -EFAULT;
}
SYSCALL_DEFINE(getrandom, sys_getrandom);
