/*
 * struct pt_regs (<kernel/irq.h>) as the entry code builds it, for the .S
 * files: the general registers pushed by PUSH_REGS sit below the vector,
 * error code and hardware frame, r15 at the lowest address.  One definition
 * for kernel/arch/isr.S and syscall_entry.S; kernel/arch/syscall.c checks the
 * offsets against the C struct.
 */
#ifndef KERNEL_ARCH_PT_REGS_ASM_H
#define KERNEL_ARCH_PT_REGS_ASM_H

/* Byte offsets into struct pt_regs. */
#define PT_VECTOR   120
#define PT_RIP      136
#define PT_RFLAGS   152
#define PT_RSP      160

#ifdef __ASSEMBLER__
/* Save the general registers below an already pushed vector and error code. */
.macro PUSH_REGS
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
.endm

/* Restore them; rsp ends at `vector`. */
.macro POP_REGS
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
.endm
#endif

#endif
