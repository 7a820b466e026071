/*
 * Threads of the one process: clone(2) as musl's pthread_create calls it
 * (CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|
 * CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID), and gettid(2).
 * Above: the syscall table.  Below: the scheduler (a detached kernel thread
 * per user thread), the arch hooks (FPU area, the return to ring 3 with a
 * full register frame) and process.c (the thread list).  A clone that would
 * make a new process (fork, vfork, posix_spawn: no CLONE_THREAD, or a
 * private fd table) cannot be done in a one-process kernel: -ENOSYS, logged
 * once, where Linux would fork.
 */
#include <kernel/arch/user.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <linux/sched.h>

#define RFLAGS_IF (1ULL << 9)

/* What one thread shares with the others here; CLONE_FS is implied (no cwd or umask yet). */
#define CLONE_THREAD_NEEDS (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_FILES)
/* Flags that need something this kernel does not have. */
#define CLONE_UNSUPPORTED (CLONE_VFORK | CLONE_PIDFD | CLONE_NEWNS | CLONE_NEWCGROUP | \
                           CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
                           CLONE_NEWNET | CLONE_IO)

/*
 * copy_process()'s flag checks, in its order, so that what Linux refuses
 * with -EINVAL is refused the same way before this kernel's own limits.
 */
static int clone_flags_check(unsigned long flags)
{
    static bool logged;

    if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS) ||
        (flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
        return -EINVAL;
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    if ((flags & CLONE_THREAD) && (flags & (CLONE_NEWUSER | CLONE_NEWPID)))
        return -EINVAL;
    if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID))
        return -EINVAL;         /* legacy clone: pidfd and parent_tid share an argument */
    if ((flags & CLONE_THREAD_NEEDS) == CLONE_THREAD_NEEDS && !(flags & CLONE_UNSUPPORTED))
        return 0;
    if (!logged) {
        logged = true;
        pr_warn("clone: flags %#lx need a second process or namespace: ENOSYS", flags);
    }
    return -ENOSYS;
}

/*
 * The child's first code: its kernel stack holds nothing yet, so it may
 * leave straight for ring 3 with the frame clone() prepared.  `arg` is a
 * kmalloc'd struct pt_regs the child owns.
 */
static int clone_child(void *arg)
{
    struct pt_regs regs = *(struct pt_regs *)arg;

    kfree(arg);
    if (!current->arch)         /* clone() failed after creating the thread */
        return 0;
    exit_to_user_mode();
    user_return(&regs);
}

/*
 * The parent's registers at its syscall, except rax = 0 (the child's
 * return value) and the new stack; rcx/r11 hold rip/rflags as SYSRET
 * would leave them.
 */
static struct pt_regs *child_regs(u64 newsp)
{
    struct pt_regs *regs = kmalloc(sizeof(*regs));

    if (!regs)
        return NULL;
    *regs = *current_user_regs();
    regs->rax = 0;
    if (newsp)
        regs->rsp = newsp;
    regs->rflags |= RFLAGS_IF;
    return regs;
}

/* clone(2) on x86-64: (flags, newsp, parent_tid, child_tid, tls); returns the child's tid. */
static long sys_clone(unsigned long flags, unsigned long newsp, unsigned long parent_tid,
                      unsigned long child_tid, unsigned long tls, unsigned long a5)
{
    struct user_thread *ut;
    struct pt_regs *regs;
    struct thread *t;
    int err = clone_flags_check(flags);

    if (err)
        return err;
    if ((flags & CLONE_SETTLS) && tls >= USER_VA_END)
        return -EPERM;          /* do_arch_prctl_64(ARCH_SET_FS) */
    ut = kzalloc(sizeof(*ut));
    regs = ut ? child_regs(newsp) : NULL;
    t = regs ? kthread_create("app-thread", clone_child, regs) : NULL;
    if (!t) {
        kfree(regs);
        kfree(ut);
        return -ENOMEM;
    }
    kthread_detach(t);          /* reaped by the scheduler, as CLONE_THREAD children are */
    /* t has not run yet: the kernel is not preemptive. */
    if (user_thread_init(t, ut)) {
        kfree(ut);              /* t sees no arch and ends; it frees regs */
        return -ENOMEM;
    }
    ut->fs_base = flags & CLONE_SETTLS ? tls : uthread(current)->fs_base;
    ut->clear_child_tid = flags & CLONE_CHILD_CLEARTID ? child_tid : 0;
    process_add_thread(t, ut, t->tid);
    /* Linux ignores faults on both stores. */
    if (flags & CLONE_PARENT_SETTID)
        (void)put_user(ut->tid, (int *)parent_tid);
    if (flags & CLONE_CHILD_SETTID)
        (void)put_user(ut->tid, (int *)child_tid);
    return ut->tid;
}
SYSCALL_DEFINE(clone, sys_clone);

static long sys_gettid(unsigned long a0, unsigned long a1, unsigned long a2,
                       unsigned long a3, unsigned long a4, unsigned long a5)
{
    return uthread(current)->tid;
}
SYSCALL_DEFINE(gettid, sys_gettid);
