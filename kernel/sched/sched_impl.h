/*
 * Shared inside the scheduler only: kernel/sched/sched.c (run queue, switch),
 * kernel/sched/thread.c (creation, exit, join) and kernel/arch/switch.S.
 */
#ifndef KERNEL_SCHED_IMPL_H
#define KERNEL_SCHED_IMPL_H

#include <kernel/sched.h>

/* Written at the lowest word of every kernel stack; checked on each switch. */
#define STACK_END_MAGIC 0x57ac6e9d57ac6e9dULL

/*
 * What __switch_to() pops when it switches to a thread, lowest address
 * first (the callee-saved registers of the SysV ABI, then the return
 * address).  A new thread's stack starts with one, returning to
 * ret_from_kthread.  Keep in sync with kernel/arch/switch.S.
 */
struct switch_frame {
    u64 r15, r14, r13, r12, rbx, rbp;
    u64 ret;
};

/* kernel/arch/switch.S: save callee-saved state and rsp into *prev_rsp, resume next_rsp. */
void __switch_to(u64 *prev_rsp, u64 next_rsp);
/* kernel/arch/switch.S: a new thread's first return address; calls kthread_entry(). */
void ret_from_kthread(void);
/* First C code of every new thread (interrupts still off from the switch). */
void kthread_entry(void) __noreturn;

/* thread.c: the boot context as thread "init", on boot_stack (entry.S). */
struct thread *thread_adopt_boot(void);
/* thread.c: a thread that will run fn(arg), TASK_UNINTERRUPTIBLE and not queued; NULL on ENOMEM. */
struct thread *thread_alloc(const char *name, int (*fn)(void *arg), void *arg);

#endif
