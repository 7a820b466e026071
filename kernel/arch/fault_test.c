/*
 * Self-tests for the exception path (ktest=<name>, tests/system/test_fault.py).
 * "fault" and "fault_ud" must end in a register dump and a failure poweroff;
 * "extable" shows exception-table fixups turning #PF and #GP into -EFAULT.
 */
#include <kernel/arch/extable.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>

/* Unmapped: beyond any direct map we build, and canonical (so #PF, not #GP). */
#define UNMAPPED_ADDR       0xffff900000000000UL
#define NONCANONICAL_ADDR   0x8000000000000000UL

static int fault(void)
{
    pr_info("ktest: fault: writing to %#lx", UNMAPPED_ADDR);
    *(volatile u64 *)UNMAPPED_ADDR = 0x1234;
    return 1;   /* still here: the write did not fault */
}
KTEST("fault", fault);

static int fault_ud(void)
{
    pr_info("ktest: fault_ud: executing ud2");
    __asm__ __volatile__("ud2");
    return 1;
}
KTEST("fault_ud", fault_ud);

/* Read 8 bytes at addr; 0, or -EFAULT when the read faults (fixup taken). */
static int probe_read(u64 addr, u64 *val)
{
    int err = 0;

    __asm__ __volatile__("1: movq (%[p]), %[v]\n"
                         "2:\n"
                         ".pushsection .text.fixup, \"ax\"\n"
                         "3: movl %[efault], %[err]\n"
                         "   jmp 2b\n"
                         ".popsection\n"
                         _ASM_EXTABLE(1b, 3b)
                         : [v] "=r"(*val), [err] "+r"(err)
                         : [p] "r"(addr), [efault] "i"(-EFAULT)
                         : "memory");
    return err;
}

static int extable(void)
{
    static const u64 mapped = 0x0123456789abcdefULL;
    u64 v = 0;
    int pf = probe_read(UNMAPPED_ADDR, &v);
    int gp = probe_read(NONCANONICAL_ADDR, &v);
    int ok = probe_read((u64)&mapped, &v);

    pr_info("ktest: extable: #PF probe returned %d", pf);
    pr_info("ktest: extable: #GP probe returned %d", gp);
    pr_info("ktest: extable: mapped probe returned %d, value %#llx", ok,
            (unsigned long long)v);
    return pf == -EFAULT && gp == -EFAULT && ok == 0 && v == mapped ? 0 : 1;
}
KTEST("extable", extable);
