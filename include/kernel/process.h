/*
 * The process: this kernel runs exactly one app, so there is one struct
 * process (init_process, pid 1) whose threads share its descriptor table,
 * address space, signal actions and limits (CLONE_VM|CLONE_FILES|...).
 * Per-thread user state (FS base, clear_child_tid, signal mask, FPU area)
 * lives in struct user_thread, reached from struct thread's `arch` slot.
 *
 * Owners: kernel/exec/ and kernel/user/ (address space, loader, exit);
 * kernel/sys/ (signals-as-records, limits, ids).
 */
#ifndef KERNEL_PROCESS_H
#define KERNEL_PROCESS_H

#include <kernel/file.h>
#include <kernel/sched.h>
#include <kernel/wait.h>

struct user_mm;                 /* the app's address space: kernel/user/ */

/* Linux's struct k_sigaction layout as rt_sigaction(2) passes it (x86-64). */
struct k_sigaction {
    u64 handler, flags, restorer, mask;
};
#define KNSIG 64

struct rlimit64 { u64 cur, max; };
#define RLIM_NLIMITS 16

struct process {
    int pid;                            /* 1 */
    char comm[16];                      /* argv[0]'s basename */
    struct fdtable files;
    struct user_mm *mm;                 /* NULL until an app is loaded */
    struct k_sigaction sigaction[KNSIG];/* recorded, never delivered */
    struct rlimit64 rlim[RLIM_NLIMITS];
    int exit_code;                      /* exit_group(status) & 0xff, or 128 + signal */
    bool group_exit;                    /* exit_group or a fatal signal: threads die on return to user */
    bool exited;                        /* exit_code is final; app_run may power off */
    struct wait_queue_head exit_wq;     /* app_run waits here for `exited` */
    struct list_head threads;           /* struct user_thread.node, main thread first */
    unsigned nr_threads;                /* live user threads */
};

extern struct process init_process;

/*
 * Per-thread user-mode state (struct thread.arch points here).  The main
 * thread's is static; clone(2) allocates the others' (kernel/user/clone.c),
 * freed by the thread's own exit.
 */
struct user_thread {
    int tid;                            /* gettid(2): the pid for the main thread */
    struct thread *thread;
    struct list_head node;              /* on init_process.threads */
    u64 fs_base;                        /* ARCH_SET_FS: TLS pointer */
    u64 clear_child_tid;                /* user address, set_tid_address(2) */
    u64 robust_list, robust_len;        /* set_robust_list(2), recorded */
    u64 sigmask;                        /* rt_sigprocmask(2), recorded */
    u64 altstack_sp, altstack_size;     /* sigaltstack(2), recorded */
    int altstack_flags;
    u64 kstack_top;                     /* RSP0 and the SYSCALL entry stack */
    void *fpu;                          /* XSAVE/FXSAVE area, 64-byte aligned */
};

static inline struct user_thread *uthread(struct thread *t) { return t->arch; }

/*
 * Every return to ring 3 (end of a syscall, interrupt exit to user mode, a
 * new thread's first entry) passes here with the thread's kernel stack
 * otherwise empty: a thread of a process that is exiting ends here, and a
 * thread whose time slice ran out yields (need_resched()).  Interrupts may
 * be on or off; they are as they were on return.
 */
void exit_to_user_mode(void);
/*
 * Add the calling-context thread `t` with state `ut` (already set up by
 * user_thread_init) to the process; `tid` is what gettid(2) will return.
 */
void process_add_thread(struct thread *t, struct user_thread *ut, int tid);
/* kernel/user/rusage.c: keep exiting thread t's counts for RUSAGE_SELF. */
void rusage_thread_exit(struct thread *t);

#endif
