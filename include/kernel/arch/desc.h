/*
 * Segment selectors, the TSS and its interrupt stacks (kernel/arch/gdt.c).
 * Section numbers are those of the Intel SDM vol. 3A, 2023 editions.
 *
 * GDT order is fixed by SYSCALL/SYSRET (§6.8.8): with
 * STAR = ((u64)(__USER_DS - 8 - 3) << 48) | ((u64)__KERNEL_CS << 32),
 * SYSCALL loads CS = 0x08, SS = 0x10 and 64-bit SYSRET loads SS = 0x18|3,
 * CS = 0x20|3.  The kernel never uses GS, so the entry stubs do not SWAPGS.
 */
#ifndef KERNEL_ARCH_DESC_H
#define KERNEL_ARCH_DESC_H

#include <kernel/types.h>

#define __KERNEL_CS     0x08
#define __KERNEL_DS     0x10
#define __USER_DS       (0x18 | 3)
#define __USER_CS       (0x20 | 3)
#define GDT_TSS         0x28    /* 16-byte system descriptor (§8.2.3) */
#define STAR_VALUE      (((u64)(__USER_DS - 8 - 3) << 48) | ((u64)__KERNEL_CS << 32))

/* Interrupt stack table slots (§7.14.5): exceptions that must not trust RSP. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MACHINE_CHECK 3

/*
 * Set the stack the CPU switches to when an interrupt or exception arrives
 * in ring 3 (TSS.RSP0, §8.7).  `rsp` is the top (highest address, 16-byte
 * aligned) of the current thread's kernel stack; the scheduler calls this on
 * every switch to a thread that runs user code.
 */
void tss_set_rsp0(u64 rsp);

#endif
