/*
 * Copies between the app's memory and the kernel (<kernel/uaccess.h>).
 * Every range is checked against user space first (access_ok); the copy
 * itself runs with SMAP lifted (STAC ... CLAC, Intel SDM vol. 3A §5.6.1,
 * skipped on CPUs without SMAP where the instructions would #UD), and a page
 * fault on the user side resumes at a fixup through the exception table
 * (<kernel/arch/extable.h>), so a bad pointer costs -EFAULT, never a panic.
 * REP MOVSB/STOSB leave RCX at the bytes not done when they fault.
 */
#include <kernel/arch/extable.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

extern bool cpu_has_smap;               /* syscall.c */

#define STAC "cmpb $0, cpu_has_smap(%%rip)\n\tjz 8f\n\tstac\n8:\n\t"
#define CLAC "cmpb $0, cpu_has_smap(%%rip)\n\tjz 9f\n\tclac\n9:\n\t"
/* The fixup: resume right after the faulting string instruction, RCX as it stands. */
#define FIXUP_RESUME                                                        \
    ".pushsection .text.fixup, \"ax\"\n"                                    \
    "3:\tjmp 2b\n"                                                          \
    ".popsection\n"                                                         \
    _ASM_EXTABLE(1b, 3b)

/* Bytes not copied (0 on success). */
/*
 * rep movsq for the bulk, rep movsb for the tail (as kernel/lib/string.c's
 * memcpy): under TCG each iteration of a string instruction is one emulated
 * load and store, so 8 bytes a step cost about an eighth of 1 byte a step.
 * A fault in the movsq leaves rcx = quadwords left, which the fixup turns
 * into bytes left.  Returns the bytes not copied.
 */
static size_t raw_copy(void *dst, const void *src, size_t n)
{
    size_t tail = n & 7;

    n >>= 3;
    __asm__ __volatile__(STAC "1:\trep movsq\n\t"
                         "movq %[tail], %%rcx\n"
                         "2:\trep movsb\n"
                         "3:\n\t" CLAC
                         ".pushsection .text.fixup, \"ax\"\n"
                         "4:\tleaq (%[tail], %%rcx, 8), %%rcx\n\t"
                         "jmp 3b\n"
                         ".popsection\n"
                         _ASM_EXTABLE(1b, 4b)
                         _ASM_EXTABLE(2b, 3b)
                         : "+D"(dst), "+S"(src), "+c"(n) : [tail] "r"(tail) : "memory", "cc");
    return n;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
    size_t left;

    if (!access_ok(usrc, n)) {
        memset(dst, 0, n);
        return -EFAULT;
    }
    left = raw_copy(dst, usrc, n);
    if (left)       /* like Linux: the kernel buffer never keeps stale bytes */
        memset((char *)dst + (n - left), 0, left);
    return left ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
    if (!access_ok(udst, n))
        return -EFAULT;
    return raw_copy(udst, src, n) ? -EFAULT : 0;
}

int clear_user(void *udst, size_t n)
{
    if (!access_ok(udst, n))
        return -EFAULT;
    __asm__ __volatile__(STAC "1:\trep stosb\n2:\n\t" CLAC FIXUP_RESUME
                         : "+D"(udst), "+c"(n) : "a"(0) : "memory", "cc");
    return n ? -EFAULT : 0;
}

/*
 * Copy at most `max` bytes up to and including a NUL: the string's length,
 * `max` if no NUL came within it, or -EFAULT on a fault.
 */
static long raw_strncpy(char *dst, const char *src, size_t max)
{
    long len = 0;
    char c;

    if (!max)
        return 0;
    __asm__ __volatile__(STAC
                         "1:\tmovb (%[src],%[len]), %[c]\n\t"
                         "movb %[c], (%[dst],%[len])\n\t"
                         "testb %[c], %[c]\n\t"
                         "jz 2f\n\t"
                         "incq %[len]\n\t"
                         "cmpq %[max], %[len]\n\t"
                         "jb 1b\n"
                         "2:\n\t" CLAC
                         ".pushsection .text.fixup, \"ax\"\n"
                         "3:\tmovq %[efault], %[len]\n\t"
                         "jmp 2b\n"
                         ".popsection\n"
                         _ASM_EXTABLE(1b, 3b)
                         : [len] "+r"(len), [c] "=&q"(c)
                         : [src] "r"(src), [dst] "r"(dst), [max] "r"((long)max),
                           [efault] "i"(-EFAULT)
                         : "memory", "cc");
    return len;
}

long strncpy_from_user(char *dst, const char *usrc, size_t size)
{
    u64 a = (u64)usrc;
    size_t max;
    long len;

    if (a >= USER_VA_END)
        return -EFAULT;
    max = MIN(size, USER_VA_END - a);   /* never read past user space */
    len = raw_strncpy(dst, usrc, max);
    if (len < 0 || (size_t)len < max)
        return len;
    return max < size ? -EFAULT : -ENAMETOOLONG;
}
