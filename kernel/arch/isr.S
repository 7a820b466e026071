/*
 * Interrupt and exception entry (Intel SDM vol. 3A, 2023 numbering, §7.14.4):
 * one 16-byte stub per vector pushes a zero error code when the CPU does
 * not push one, then the vector, and jumps to the common path, which saves
 * the general registers as struct pt_regs (<kernel/irq.h>) and calls
 * common_interrupt(regs) (kernel/arch/irq.c).  No SWAPGS: the kernel never
 * uses GS.  The CPU aligned RSP to 16 before its frame; 7 + 15 quadwords
 * keep it aligned for the C call.
 */
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
    pushq   %rax
    pushq   %rbx
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %rbp
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    cld                                 /* the C ABI expects DF = 0 */
    movq    %rsp, %rdi
    call    common_interrupt
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rbp
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rbx
    popq    %rax
    addq    $16, %rsp                   /* vector and error code */
    iretq
