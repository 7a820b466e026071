/*
 * x87/SSE/AVX state for user threads (Intel SDM vol. 1 §13 XSAVE; vol. 3A
 * §2.5 CR0.MP/EM/TS, CR4.OSFXSR/OSXMMEXCPT/OSXSAVE; §10.5 FXSAVE).  Above:
 * syscall.c's thread hooks.  Below: the CPU.  Owns XCR0 and `fpu_owner`, the
 * thread whose state is in the registers.  The kernel never touches the FPU
 * (built with -mno-sse -mno-80387), so state moves only when a different
 * user thread runs: switching to a kernel thread and back costs nothing.
 */
#include <kernel/arch/cpu.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include "fpu.h"

#define CR0_MP          (1ULL << 1)
#define CR0_EM          (1ULL << 2)
#define CR0_TS          (1ULL << 3)
#define CR0_NE          (1ULL << 5)
#define CR4_OSFXSR      (1ULL << 9)
#define CR4_OSXMMEXCPT  (1ULL << 10)
#define CR4_OSXSAVE     (1ULL << 18)
#define CPUID1_XSAVE    (1U << 26)      /* ECX */
#define CPUID1_AVX      (1U << 28)
#define XFEATURE_X87    1
#define XFEATURE_SSE    2
#define XFEATURE_AVX    4
#define FXSAVE_FCW      0               /* byte offsets in the legacy area */
#define FXSAVE_MXCSR    24

static bool use_xsave;
static u64 xcr0;
static struct thread *fpu_owner;

static void xsetbv(u32 index, u64 v)
{
    __asm__ __volatile__("xsetbv" :: "c"(index), "a"((u32)v), "d"((u32)(v >> 32)));
}

void fpu_init(void)
{
    struct cpuid_regs id = cpuid(1, 0);
    u32 size = 512;

    write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    if (id.ecx & CPUID1_XSAVE) {
        u32 supported = cpuid(0xd, 0).eax;

        write_cr4(read_cr4() | CR4_OSXSAVE);
        xcr0 = XFEATURE_X87 | XFEATURE_SSE;
        if ((id.ecx & CPUID1_AVX) && (supported & XFEATURE_AVX))
            xcr0 |= XFEATURE_AVX;
        xsetbv(0, xcr0);
        size = cpuid(0xd, 0).ebx;       /* for the features now enabled in XCR0 */
        use_xsave = true;
    }
    BUG_ON(size > PAGE_SIZE);
    pr_info("fpu: %s, XCR0 %#llx, %u-byte save area", use_xsave ? "XSAVE" : "FXSAVE",
            (unsigned long long)xcr0, size);
}

/*
 * Zero is the init state for every XSAVE component (XSTATE_BV = 0), except
 * the two control words FXRSTOR (and XRSTOR, for MXCSR) load from memory.
 */
void *fpu_alloc(void)
{
    u8 *area = alloc_page();

    if (!area)
        return NULL;
    memset(area, 0, PAGE_SIZE);
    *(u16 *)(area + FXSAVE_FCW) = 0x37f;        /* FNINIT's control word */
    *(u32 *)(area + FXSAVE_MXCSR) = 0x1f80;     /* all exceptions masked */
    return area;
}

void fpu_free(void *area)
{
    free_page(area);
}

static void fpu_save(void *area)
{
    if (use_xsave)
        __asm__ __volatile__("xsave64 (%0)" :: "r"(area), "a"((u32)xcr0),
                             "d"((u32)(xcr0 >> 32)) : "memory");
    else
        __asm__ __volatile__("fxsave64 (%0)" :: "r"(area) : "memory");
}

static void fpu_restore(const void *area)
{
    if (use_xsave)
        __asm__ __volatile__("xrstor64 (%0)" :: "r"(area), "a"((u32)xcr0),
                             "d"((u32)(xcr0 >> 32)) : "memory");
    else
        __asm__ __volatile__("fxrstor64 (%0)" :: "r"(area) : "memory");
}

void fpu_switch_to(struct thread *t)
{
    if (fpu_owner == t)
        return;
    if (fpu_owner)
        fpu_save(uthread(fpu_owner)->fpu);
    fpu_restore(uthread(t)->fpu);
    fpu_owner = t;
}

void fpu_forget(struct thread *t)
{
    if (fpu_owner == t)
        fpu_owner = NULL;
}
