/*
 * Kernel thread context switch (SysV x86-64 ABI).  kernel/sched/sched.c
 * calls __switch_to() with interrupts off; everything caller-saved is
 * already on the C caller's stack, so only the callee-saved registers and
 * rsp move.  The pushed layout is struct switch_frame (kernel/sched/sched_impl.h).
 * No FPU/SSE state here: the kernel is built without SSE, so only user
 * threads have FPU state, handled through thread->arch by the ring-3 code.
 */
    .text

/* void __switch_to(u64 *prev_rsp [rdi], u64 next_rsp [rsi]) */
    .global __switch_to
    .type __switch_to, @function
__switch_to:
    push    %rbp
    push    %rbx
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, (%rdi)
    mov     %rsi, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbx
    pop     %rbp
    ret
    .size __switch_to, . - __switch_to

/*
 * A new thread's first return lands here with rsp at the 16-byte aligned
 * stack top, as the ABI wants before a call.
 */
    .global ret_from_kthread
    .type ret_from_kthread, @function
ret_from_kthread:
    xor     %ebp, %ebp                  /* terminates frame-pointer backtraces */
    call    kthread_entry               /* never returns */
    ud2
    .size ret_from_kthread, . - ret_from_kthread
