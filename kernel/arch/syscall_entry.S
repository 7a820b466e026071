/*
 * Ring 3 <-> ring 0: the SYSCALL entry and the first entry to user mode
 * (Intel SDM vol. 3A §5.8.8; vol. 2B SYSCALL, SYSRET, IRETQ).  SYSCALL leaves
 * RSP at the user stack with interrupts off (FMASK clears IF), so the entry
 * parks the user RSP in a global, switches to syscall_kstack_top (the current
 * thread's kernel stack top: uniprocessor, and the kernel never uses GS) and
 * builds a struct pt_regs there, then calls syscall_dispatch(regs) with
 * interrupts on.  Return is SYSRET, or IRETQ when the saved RIP is not
 * canonical: SYSRET would raise #GP in ring 0 on the user stack (Linux does
 * the same check).
 */
/* <kernel/arch/desc.h>'s selectors (that header is C only); syscall.c asserts they agree. */
#define USER_DS     0x1b
#define USER_CS     0x23

#include <kernel/arch/pt_regs_asm.h>

#define SYSCALL_VECTOR 0x100            /* not an IDT vector: marks a syscall frame */

    .data
    .balign 8
    .global syscall_kstack_top
syscall_kstack_top: .quad 0
syscall_user_rsp:   .quad 0

    .text
    .global syscall_entry
    .type syscall_entry, @function
syscall_entry:
    movq    %rsp, syscall_user_rsp(%rip)
    movq    syscall_kstack_top(%rip), %rsp
    pushq   $USER_DS                  /* the hardware-frame half of pt_regs */
    pushq   syscall_user_rsp(%rip)
    pushq   %r11                        /* user RFLAGS */
    pushq   $USER_CS
    pushq   %rcx                        /* user RIP */
    pushq   %rax                        /* error_code: the syscall number (orig_rax) */
    pushq   $SYSCALL_VECTOR
    PUSH_REGS
    xorl    %ebp, %ebp                  /* ends kernel backtraces at the user boundary */
    movq    %rsp, %rdi
    sti
    call    syscall_dispatch
    cli                                 /* user RSP is live from here to SYSRET */
    movq    PT_RIP(%rsp), %rcx
    movq    %rcx, %r11
    shlq    $16, %r11
    sarq    $16, %r11
    cmpq    %rcx, %r11
    jne     .Lreturn_iret
    POP_REGS                            /* R11 and RCX are reloaded below for SYSRET */
    movq    PT_RIP - PT_VECTOR(%rsp), %rcx
    movq    PT_RFLAGS - PT_VECTOR(%rsp), %r11
    movq    PT_RSP - PT_VECTOR(%rsp), %rsp
    sysretq
.Lreturn_iret:
    POP_REGS
    addq    $16, %rsp                   /* vector and error code */
    iretq
    .size syscall_entry, . - syscall_entry

/* void user_return(struct pt_regs *regs [rdi]): IRETQ with the frame's own registers. */
    .global user_return
    .type user_return, @function
user_return:
    cli
    movq    %rdi, %rsp
    POP_REGS
    addq    $16, %rsp                   /* vector and error code */
    iretq
    .size user_return, . - user_return

/* void user_enter(u64 rip [rdi], u64 rsp [rsi]): an IRETQ frame, clean registers. */
    .global user_enter
    .type user_enter, @function
user_enter:
    cli
    pushq   $USER_DS
    pushq   %rsi
    pushq   $0x202                      /* IF, and the always-one bit 1 */
    pushq   $USER_CS
    pushq   %rdi
    xorl    %eax, %eax
    xorl    %ebx, %ebx
    xorl    %ecx, %ecx
    xorl    %edx, %edx
    xorl    %esi, %esi
    xorl    %edi, %edi
    xorl    %ebp, %ebp
    xorl    %r8d, %r8d
    xorl    %r9d, %r9d
    xorl    %r10d, %r10d
    xorl    %r11d, %r11d
    xorl    %r12d, %r12d
    xorl    %r13d, %r13d
    xorl    %r14d, %r14d
    xorl    %r15d, %r15d
    iretq
    .size user_enter, . - user_enter
