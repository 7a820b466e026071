/*
 * Interrupt and exception entry (Intel SDM vol. 3A, 2023 numbering, §7.14.4):
 * one 16-byte stub per vector pushes a zero error code when the CPU does
 * not push one, then the vector, and jumps to the common path, which saves
 * the general registers as struct pt_regs (<kernel/irq.h>) and calls
 * common_interrupt(regs) (kernel/arch/irq.c).  No SWAPGS: the kernel never
 * uses GS.  The CPU aligned RSP to 16 before its frame; 7 + 15 quadwords
 * keep it aligned for the C call.
 */
#include <kernel/arch/pt_regs_asm.h>
#include "arch.h"

/* Vectors whose exceptions push an error code (§7.15): #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)

    .section .text
    .balign ISR_STUB_SIZE
    .global isr_stubs
isr_stubs:
    .set vec, 0
    .rept 256
1:
    .if !HAS_ERROR_CODE(vec)
    pushq   $0
    .endif
    pushq   $vec
    jmp     isr_common
    .org    1b + ISR_STUB_SIZE, 0xcc    /* fails to assemble if a stub outgrows its slot */
    .set vec, vec + 1
    .endr

isr_common:
    PUSH_REGS
    cld                                 /* the C ABI expects DF = 0 */
    movq    %rsp, %rdi
    call    common_interrupt
    POP_REGS
    addq    $16, %rsp                   /* vector and error code */
    iretq
