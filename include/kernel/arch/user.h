/*
 * The CPU side of ring 3 (kernel/arch/syscall.c, syscall_entry.S, fpu.c,
 * uaccess.S): SYSCALL/SYSRET set-up, the first entry to user mode, the FPU
 * state of user threads and the switch hook the scheduler calls.  Intel SDM
 * vol. 3A §5.8.8 (SYSCALL/SYSRET), §13 (XSAVE), §2.5 (CR4.SMEP/SMAP).
 */
#ifndef KERNEL_ARCH_USER_H
#define KERNEL_ARCH_USER_H

#include <kernel/irq.h>
#include <kernel/process.h>

/*
 * Once, before the first app thread: EFER.SCE with STAR/LSTAR/FMASK, SMEP
 * and SMAP when CPUID has them, and the FPU (CR0.MP, CR4.OSFXSR/OSXMMEXCPT,
 * OSXSAVE with XCR0 = x87|SSE|AVX as far as the CPU has them).
 */
void user_arch_init(void);

/*
 * Leave the kernel for good on this stack: ring 3 at rip with stack rsp,
 * interrupts on, every general register zero and current's FPU state and
 * FS base live.  current must have been set up by user_thread_init().
 */
void user_start(u64 rip, u64 rsp) __noreturn;

/*
 * Leave the kernel for good on this stack: ring 3 with every register from
 * *regs (a frame with user cs/ss; regs may be on this stack), interrupts
 * off until the IRETQ.  What a new clone(2) child starts with.
 */
void user_return(struct pt_regs *regs) __noreturn;

/*
 * The user registers of the current thread's syscall in progress (its
 * SYSCALL frame, at the top of its kernel stack; Linux task_pt_regs).
 */
struct pt_regs *current_user_regs(void);

/*
 * Per-thread user state for `t`: the FPU save area (init state), the kernel
 * stack top for SYSCALL and RSP0.  Sets t->arch.  0 or -ENOMEM.
 */
int user_thread_init(struct thread *t, struct user_thread *ut);
/* Release what user_thread_init allocated (t is dead or never ran user code). */
void user_thread_release(struct thread *t);

/*
 * Scheduler hook, interrupts off, before __switch_to: when `next` runs user
 * code, point the SYSCALL stack at its kernel stack, load its FS base and
 * make its FPU state live (saving the previous user thread's; kernel
 * threads never touch the FPU, so switches through them cost nothing).
 */
void user_switch_to(struct thread *prev, struct thread *next);

/* Set the user FS base (ARCH_SET_FS) of the current thread, live at once. */
void user_set_fs_base(u64 base);

#endif
