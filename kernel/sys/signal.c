/*
 * Signal syscalls as records: rt_sigaction, rt_sigprocmask, sigaltstack
 * (sigaction(2), sigprocmask(2), sigaltstack(2)).  Nothing ever sends a
 * signal here, so nothing is delivered; each call validates and stores
 * exactly as Linux's kernel/signal.c does, so libraries that install
 * handlers at start-up (and read them back) see what they expect.
 * Per-process actions live in init_process, per-thread mask and alternate
 * stack in struct user_thread.
 */
#include <kernel/errno.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define SIGKILL         9
#define SIGSTOP         19
#define SIG_BLOCK       0
#define SIG_UNBLOCK     1
#define SIG_SETMASK     2
#define UNBLOCKABLE     ((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)))

/*
 * The sa_flags bits x86-64 Linux keeps (UAPI_SA_FLAGS); others are cleared,
 * SA_UNSUPPORTED (0x400) included, so apps can probe which flags exist.
 */
#define UAPI_SA_FLAGS   (0x00000001 /* SA_NOCLDSTOP */ | 0x00000002 /* SA_NOCLDWAIT */ | \
                         0x00000004 /* SA_SIGINFO */ | 0x00000800 /* SA_EXPOSE_TAGBITS */ | \
                         0x04000000 /* SA_RESTORER */ | \
                         0x08000000 /* SA_ONSTACK */ | 0x10000000 /* SA_RESTART */ | \
                         0x40000000 /* SA_NODEFER */ | 0x80000000 /* SA_RESETHAND */)

#define SS_ONSTACK      1
#define SS_DISABLE      2
#define SS_AUTODISARM   (1U << 31)
#define SS_FLAG_BITS    SS_AUTODISARM
#define MINSIGSTKSZ     2048

/*
 * rt_sigaction(2): -EINVAL unless sigsetsize is 8, for a signal outside
 * 1..64, or for changing SIGKILL/SIGSTOP; -EFAULT for either pointer.  The
 * new mask loses SIGKILL and SIGSTOP, the flags their non-UAPI bits.
 */
static long sys_rt_sigaction(unsigned long sig, unsigned long uact, unsigned long uoact,
                             unsigned long sigsetsize, unsigned long a4, unsigned long a5)
{
    struct k_sigaction new, old;
    struct k_sigaction *k;
    int s = (int)sig;

    if (sigsetsize != sizeof(u64))
        return -EINVAL;
    if (uact && copy_from_user(&new, (void *)uact, sizeof(new)))
        return -EFAULT;
    if (s < 1 || s > KNSIG || (uact && (s == SIGKILL || s == SIGSTOP)))
        return -EINVAL;
    k = &init_process.sigaction[s - 1];
    old = *k;
    old.flags &= UAPI_SA_FLAGS;
    if (uact) {
        new.flags &= UAPI_SA_FLAGS;
        new.mask &= ~UNBLOCKABLE;
        *k = new;
    }
    if (uoact && copy_to_user((void *)uoact, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(rt_sigaction, sys_rt_sigaction);

/* rt_sigprocmask(2): -EINVAL for sigsetsize != 8 or (with a set) a bad `how`; -EFAULT. */
static long sys_rt_sigprocmask(unsigned long how, unsigned long uset, unsigned long uoset,
                               unsigned long sigsetsize, unsigned long a4, unsigned long a5)
{
    struct user_thread *ut = uthread(current);
    u64 old = ut->sigmask, set;

    if (sigsetsize != sizeof(u64))
        return -EINVAL;
    if (uset) {
        if (copy_from_user(&set, (void *)uset, sizeof(set)))
            return -EFAULT;
        set &= ~UNBLOCKABLE;
        switch ((int)how) {
        case SIG_BLOCK:   ut->sigmask |= set; break;
        case SIG_UNBLOCK: ut->sigmask &= ~set; break;
        case SIG_SETMASK: ut->sigmask = set; break;
        default:          return -EINVAL;
        }
    }
    if (uoset && copy_to_user((void *)uoset, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(rt_sigprocmask, sys_rt_sigprocmask);

struct user_stack_t {                   /* stack_t, x86-64 layout */
    u64 ss_sp;
    s32 ss_flags;
    u32 pad;
    u64 ss_size;
};
_Static_assert(sizeof(struct user_stack_t) == 24, "stack_t is 24 bytes");

/* do_sigaltstack(): validate and record a new stack; 0, -EINVAL or -ENOMEM. */
static long set_altstack(struct user_thread *ut, const struct user_stack_t *ss)
{
    unsigned mode = (unsigned)ss->ss_flags & ~SS_FLAG_BITS;
    u64 sp = ss->ss_sp, size = ss->ss_size;

    /* Never on the alternate stack (nothing is delivered), so never -EPERM. */
    if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
        return -EINVAL;
    if (mode == SS_DISABLE) {
        sp = 0;
        size = 0;
    } else if (size < MINSIGSTKSZ) {
        return -ENOMEM;
    }
    ut->altstack_sp = sp;
    ut->altstack_size = size;
    ut->altstack_flags = ss->ss_flags;
    return 0;
}

/* sigaltstack(2): the old stack is reported after the new one was accepted. */
static long sys_sigaltstack(unsigned long uss, unsigned long uoss, unsigned long a2,
                            unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct user_thread *ut = uthread(current);
    struct user_stack_t ss, old = {
        .ss_sp = ut->altstack_sp,
        .ss_size = ut->altstack_size,
        .ss_flags = (ut->altstack_size ? 0 : SS_DISABLE) |
                    (s32)((unsigned)ut->altstack_flags & SS_FLAG_BITS),
    };
    long err = 0;

    if (uss && copy_from_user(&ss, (void *)uss, sizeof(ss)))
        return -EFAULT;
    if (uss)
        err = set_altstack(ut, &ss);
    if (!err && uoss && copy_to_user((void *)uoss, &old, sizeof(old)))
        err = -EFAULT;
    return err;
}
SYSCALL_DEFINE(sigaltstack, sys_sigaltstack);
