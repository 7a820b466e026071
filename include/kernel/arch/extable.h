/*
 * Exception-table entries (Linux's _ASM_EXTABLE): code that may fault on
 * purpose (copy_from_user, probing) names the faulting instruction and where
 * to resume.  The entry is { insn, fixup } (struct exception_table_entry,
 * <kernel/irq.h>) in section __ex_table, collected by boot/linker.ld between
 * __ex_table_start and __ex_table_end.  Only kernel-mode #DE, #UD, #SS, #GP,
 * #PF and #AC consult it (kernel/arch/traps.c).
 *
 * From C (inline asm), with local labels:
 *     asm volatile("1: movq (%[p]), %[v]\n"
 *                  "2:\n"
 *                  ".pushsection .text.fixup, \"ax\"\n"
 *                  "3: mov %[efault], %[err]\n"
 *                  "   jmp 2b\n"
 *                  ".popsection\n"
 *                  _ASM_EXTABLE(1b, 3b)
 *                  : ...);
 * Fixup code goes in .text.fixup (part of .text) so it is executable.
 * From a .S file: `_ASM_EXTABLE 1b, 3b` (an assembler macro).
 */
#ifndef KERNEL_ARCH_EXTABLE_H
#define KERNEL_ARCH_EXTABLE_H

#ifdef __ASSEMBLER__
.macro _ASM_EXTABLE from:req, to:req
    .pushsection __ex_table, "a"
    .balign 8
    .quad \from, \to
    .popsection
.endm
#else
#include <kernel/types.h>

#define _ASM_EXTABLE(from, to)                                  \
    ".pushsection __ex_table, \"a\"\n"                          \
    ".balign 8\n"                                               \
    ".quad " #from ", " #to "\n"                                \
    ".popsection\n"

/* The fixup address for a fault at `ip`, or 0 if `ip` has no entry. */
u64 search_exception_tables(u64 ip);
#endif

#endif
