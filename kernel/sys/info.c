/*
 * Identity and limits: getpid, getppid, get[e]uid, get[e]gid, uname,
 * prlimit64, getrlimit, setrlimit, sched_yield (getpid(2), uname(2),
 * getrlimit(2), sched_yield(2)).  Above: do_syscall().  Below: init_process
 * (the one process) and the scheduler.  The app is pid 1 with no parent
 * (getppid 0, as Linux's init) and runs as root: it owns the machine.
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#ifndef KERNEL_VERSION
#define KERNEL_VERSION "0.0.0"
#endif

static long sys_getpid(unsigned long a0, unsigned long a1, unsigned long a2,
                       unsigned long a3, unsigned long a4, unsigned long a5)
{
    return init_process.pid;
}
SYSCALL_DEFINE(getpid, sys_getpid);
/* gettid(2) is kernel/user/clone.c's: each thread has its own. */

static long sys_zero(unsigned long a0, unsigned long a1, unsigned long a2,
                     unsigned long a3, unsigned long a4, unsigned long a5)
{
    return 0;
}
SYSCALL_DEFINE(getppid, sys_zero);
SYSCALL_DEFINE(getuid, sys_zero);
SYSCALL_DEFINE(geteuid, sys_zero);
SYSCALL_DEFINE(getgid, sys_zero);
SYSCALL_DEFINE(getegid, sys_zero);

static long sys_sched_yield(unsigned long a0, unsigned long a1, unsigned long a2,
                            unsigned long a3, unsigned long a4, unsigned long a5)
{
    yield();
    return 0;
}
SYSCALL_DEFINE(sched_yield, sys_sched_yield);

/*
 * uname(2).  sysname "Linux" and a Linux-shaped release, because libraries
 * parse them to decide which kernel interfaces exist; this kernel's own
 * version is in `version`.
 */
struct new_utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static long sys_uname(unsigned long uname, unsigned long a1, unsigned long a2,
                      unsigned long a3, unsigned long a4, unsigned long a5)
{
    static const struct new_utsname u = {
        .sysname = "Linux",
        .nodename = "unikernel",
        .release = "6.1.0-unikernel",
        .version = "#1 unikernel " KERNEL_VERSION,
        .machine = "x86_64",
        .domainname = "(none)",
    };

    return copy_to_user((void *)uname, &u, sizeof(u));
}
SYSCALL_DEFINE(uname, sys_uname);

/* Resource limits, <asm-generic/resource.h>. */
#define RLIMIT_STACK    3
#define RLIMIT_CORE     4
#define RLIMIT_NOFILE   7
#define RLIMIT_MEMLOCK  8
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE     13
#define RLIMIT_RTPRIO   14
#define RLIM_INFINITY   (~0ULL)

/*
 * Linux's INIT_RLIMITS, except NOFILE's hard limit: the descriptor table
 * has NR_OPEN_DEFAULT slots, which is also this kernel's nr_open.
 */
static struct rlimit64 *limits(void)
{
    static bool ready;
    struct rlimit64 *r = init_process.rlim;

    if (!ready) {
        for (int i = 0; i < RLIM_NLIMITS; i++)
            r[i] = (struct rlimit64){ RLIM_INFINITY, RLIM_INFINITY };
        r[RLIMIT_STACK].cur = 8ULL << 20;
        r[RLIMIT_CORE].cur = 0;
        r[RLIMIT_NOFILE] = (struct rlimit64){ NR_OPEN_DEFAULT, NR_OPEN_DEFAULT };
        r[RLIMIT_MEMLOCK] = (struct rlimit64){ 8ULL << 20, 8ULL << 20 };
        r[RLIMIT_MSGQUEUE] = (struct rlimit64){ 819200, 819200 };
        r[RLIMIT_NICE] = r[RLIMIT_RTPRIO] = (struct rlimit64){ 0, 0 };
        ready = true;
    }
    return r;
}

/*
 * do_prlimit(): -EINVAL for an unknown resource or cur > max, -EPERM for a
 * NOFILE limit above nr_open.  Raising a hard limit needs CAP_SYS_RESOURCE,
 * which root has.  A new NOFILE soft limit bounds new fds at once; fds at or
 * above a lowered limit become unreachable (Linux keeps them usable).
 */
static long do_prlimit(unsigned resource, const struct rlimit64 *new, struct rlimit64 *old)
{
    struct rlimit64 *r = limits();

    if (resource >= RLIM_NLIMITS)
        return -EINVAL;
    if (new && new->cur > new->max)
        return -EINVAL;
    if (new && resource == RLIMIT_NOFILE && new->max > NR_OPEN_DEFAULT)
        return -EPERM;
    if (old)
        *old = r[resource];
    if (new) {
        r[resource] = *new;
        if (resource == RLIMIT_NOFILE)
            init_process.files.max_fds = (unsigned)new->cur;
    }
    return 0;
}

/* prlimit64(2): pid 0 or our own; -ESRCH for any other. */
static long sys_prlimit64(unsigned long pid, unsigned long resource, unsigned long unew,
                          unsigned long uold, unsigned long a4, unsigned long a5)
{
    struct rlimit64 new, old;
    long err;

    if (unew && copy_from_user(&new, (void *)unew, sizeof(new)))
        return -EFAULT;
    if ((int)pid != 0 && (int)pid != init_process.pid)
        return -ESRCH;
    err = do_prlimit((unsigned)resource, unew ? &new : NULL, uold ? &old : NULL);
    if (!err && uold && copy_to_user((void *)uold, &old, sizeof(old)))
        return -EFAULT;
    return err;
}
SYSCALL_DEFINE(prlimit64, sys_prlimit64);

/* getrlimit(2)/setrlimit(2): struct rlimit is struct rlimit64 on x86-64; no pointer may be NULL. */
static long sys_getrlimit(unsigned long resource, unsigned long uold, unsigned long a2,
                          unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct rlimit64 old;
    long err = do_prlimit((unsigned)resource, NULL, &old);

    return err ? err : copy_to_user((void *)uold, &old, sizeof(old));
}
SYSCALL_DEFINE(getrlimit, sys_getrlimit);

static long sys_setrlimit(unsigned long resource, unsigned long unew, unsigned long a2,
                          unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct rlimit64 new;

    if (copy_from_user(&new, (void *)unew, sizeof(new)))
        return -EFAULT;
    return do_prlimit((unsigned)resource, &new, NULL);
}
SYSCALL_DEFINE(setrlimit, sys_setrlimit);
