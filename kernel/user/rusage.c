/*
 * getrusage(2) for the one process: RUSAGE_SELF (every thread, the dead
 * ones included) and RUSAGE_THREAD.  Only what the kernel counts is filled
 * in: voluntary and involuntary context switches (the scheduler's per-thread
 * nvcsw/nivcsw, counted as Linux's __schedule counts them); CPU times,
 * faults and I/O read 0.  Above: the syscall table.  Below: init_process's
 * thread list.  Owns the counts of threads that have exited.
 */
#include <kernel/errno.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define RUSAGE_SELF     0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD   1

/* Linux's struct rusage (x86-64): two timevals, then 14 longs. */
struct rusage {
    s64 utime_sec, utime_usec, stime_sec, stime_usec;
    s64 maxrss, ixrss, idrss, isrss, minflt, majflt, nswap;
    s64 inblock, oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};
_Static_assert(sizeof(struct rusage) == 144, "struct rusage is 144 bytes on x86-64");

static u64 dead_nvcsw, dead_nivcsw;

void rusage_thread_exit(struct thread *t)
{
    dead_nvcsw += t->nvcsw;
    dead_nivcsw += t->nivcsw;
}

static long sys_getrusage(unsigned long who, unsigned long uru, unsigned long a2,
                          unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct rusage ru;
    struct user_thread *ut;

    memset(&ru, 0, sizeof(ru));
    switch ((int)who) {
    case RUSAGE_THREAD:
        ru.nvcsw = (s64)current->nvcsw;
        ru.nivcsw = (s64)current->nivcsw;
        break;
    case RUSAGE_SELF:
        ru.nvcsw = (s64)dead_nvcsw;
        ru.nivcsw = (s64)dead_nivcsw;
        list_for_each_entry(ut, &init_process.threads, node) {
            ru.nvcsw += (s64)ut->thread->nvcsw;
            ru.nivcsw += (s64)ut->thread->nivcsw;
        }
        break;
    case RUSAGE_CHILDREN:               /* there are never any */
        break;
    default:
        return -EINVAL;
    }
    return copy_to_user((void *)uru, &ru, sizeof(ru));
}
SYSCALL_DEFINE(getrusage, sys_getrusage);
