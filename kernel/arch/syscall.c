/*
 * SYSCALL/SYSRET set-up and glue (Intel SDM vol. 3A §5.8.8; MSRs in vol. 4),
 * SMEP/SMAP (§5.6.1), and the per-thread user state the scheduler switches.
 * Below: syscall_entry.S (the entry stub) and fpu.c.  Above: do_syscall()
 * (kernel/sys/, the table), the scheduler's context_switch() hook and the
 * process code in kernel/user/.  Owns the SYSCALL MSRs and the global
 * syscall_kstack_top the entry switches to (the kernel never uses GS).
 */
#include <kernel/arch/pt_regs_asm.h>
#include <kernel/arch/cpu.h>
#include <kernel/arch/desc.h>
#include <kernel/arch/user.h>
#include <kernel/errno.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/prof.h>
#include <kernel/syscall.h>
#include "fpu.h"

#define EFER_SCE        (1ULL << 0)
#define CR4_SMEP        (1ULL << 20)
#define CR4_SMAP        (1ULL << 21)
#define CPUID7_SMEP     (1U << 7)       /* leaf 7 subleaf 0, EBX */
#define CPUID7_SMAP     (1U << 20)
/* RFLAGS cleared on entry: TF, IF, DF, IOPL, NT, AC (Linux's choice). */
#define SYSCALL_FMASK   ((1U << 8) | (1U << 9) | (1U << 10) | (3U << 12) | (1U << 14) | (1U << 18))

_Static_assert(__USER_DS == 0x1b && __USER_CS == 0x23, "syscall_entry.S hard-codes the user selectors");
_Static_assert(offsetof(struct pt_regs, vector) == PT_VECTOR && offsetof(struct pt_regs, rip) == PT_RIP &&
               offsetof(struct pt_regs, rflags) == PT_RFLAGS && offsetof(struct pt_regs, rsp) == PT_RSP,
               "pt_regs_asm.h's offsets match struct pt_regs");

extern u64 syscall_kstack_top;          /* syscall_entry.S */
void syscall_entry(void);
void syscall_dispatch(struct pt_regs *regs);
void user_enter(u64 rip, u64 rsp) __noreturn;
bool cpu_has_smap;                      /* read by uaccess.S: STAC/CLAC #UD without SMAP */

/*
 * Linux's convention: number in rax, arguments in rdi, rsi, rdx, r10, r8, r9.
 * Interrupts are on; exit_to_user_mode() may switch away (preemption) or end
 * the thread (exit_group elsewhere) before the SYSRET.
 */
void syscall_dispatch(struct pt_regs *regs)
{
    prof_enter(PROF_SYSCALL);
    regs->rax = (u64)do_syscall(regs->rax, regs->rdi, regs->rsi, regs->rdx,
                                regs->r10, regs->r8, regs->r9);
    exit_to_user_mode();
    prof_exit();
}

struct pt_regs *current_user_regs(void)
{
    return (struct pt_regs *)uthread(current)->kstack_top - 1;
}

static void protection_init(void)
{
    u32 ebx = cpuid(0, 0).eax >= 7 ? cpuid(7, 0).ebx : 0;
    u64 cr4 = read_cr4();

    if (ebx & CPUID7_SMEP)
        cr4 |= CR4_SMEP;
    if (ebx & CPUID7_SMAP) {
        cr4 |= CR4_SMAP;
        cpu_has_smap = true;
    }
    write_cr4(cr4);
    pr_info("user: SMEP %s, SMAP %s", ebx & CPUID7_SMEP ? "on" : "absent",
            ebx & CPUID7_SMAP ? "on" : "absent");
}

void user_arch_init(void)
{
    wrmsr(MSR_STAR, STAR_VALUE);
    wrmsr(MSR_LSTAR, (u64)syscall_entry);
    wrmsr(MSR_FMASK, SYSCALL_FMASK);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    protection_init();
    fpu_init();
}

int user_thread_init(struct thread *t, struct user_thread *ut)
{
    ut->fpu = fpu_alloc();
    if (!ut->fpu)
        return -ENOMEM;
    ut->kstack_top = (u64)t->kstack + KSTACK_SIZE;
    t->arch = ut;
    prof_set_base(&t->prof, PROF_USER);
    return 0;
}

void user_thread_release(struct thread *t)
{
    struct user_thread *ut = uthread(t);

    if (!ut)
        return;
    fpu_forget(t);
    fpu_free(ut->fpu);
    ut->fpu = NULL;
    t->arch = NULL;
}

void user_start(u64 rip, u64 rsp)
{
    user_switch_to(current, current);
    user_enter(rip, rsp);
}

void user_switch_to(struct thread *prev, struct thread *next)
{
    struct user_thread *ut = uthread(next);

    if (!ut)
        return;
    syscall_kstack_top = ut->kstack_top;
    wrmsr(MSR_FS_BASE, ut->fs_base);
    fpu_switch_to(next);
}

void user_set_fs_base(u64 base)
{
    uthread(current)->fs_base = base;
    wrmsr(MSR_FS_BASE, base);
}
