/*
 * The process: init_process, the app's main thread, exit and the per-thread
 * calls (exit, exit_group, set_tid_address, set_robust_list, arch_prctl;
 * exit(2), exit_group(2), set_tid_address(2)).  Above: kernel_main (app_run)
 * and the syscall table.  Below: the loader, user_mm, the scheduler, futexes
 * and the arch hooks (<kernel/arch/user.h>).  The exit status goes back to
 * kernel_main through init_process.exited, and it powers off with it, so
 * the VM's exit status is the app's.  exit_group cannot interrupt threads
 * blocked in the kernel (there are no signals): they stay blocked while the
 * VM powers off; runnable ones end at their next return to user mode.
 */
#include <kernel/arch/user.h>
#include <kernel/cmdline.h>
#include <kernel/console_file.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/futex.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/user_mm.h>
#include <asm/prctl.h>
#include "user_impl.h"

struct process init_process = {
    .pid = 1,
    .exit_wq = __WAIT_QUEUE_HEAD_INITIALIZER(init_process.exit_wq),
    .threads = LIST_HEAD_INIT(init_process.threads),
};
static struct user_thread main_uthread;

/* Linux's struct robust_list_head: three user words. */
#define ROBUST_LIST_HEAD_SIZE 24

static void set_comm(const char *name)
{
    const char *slash = strrchr(name, '/');

    strlcpy(init_process.comm, slash ? slash + 1 : name, sizeof(init_process.comm));
}

/* The exit status is final: wake app_run.  Once only. */
static void process_finish(int status)
{
    if (init_process.exited)
        return;
    init_process.exit_code = status;
    init_process.exited = true;
    wake_up_all(&init_process.exit_wq);
}

void process_add_thread(struct thread *t, struct user_thread *ut, int tid)
{
    ut->tid = tid;
    ut->thread = t;
    list_add_tail(&ut->node, &init_process.threads);
    init_process.nr_threads++;
}

/* The one clear line for a VM whose RAM ran out before the app could run. */
static int app_no_memory(const char *name)
{
    pr_err("exec: %s: too little RAM to start it (%llu KiB free); cannot continue", name,
           (unsigned long long)(pmm_free_bytes() >> 10));
    return PANIC_EXIT_STATUS;
}

/* The main thread: load, then leave for ring 3 for good. */
static int app_main(void *arg)
{
    const struct app_image *app = arg;
    u64 entry, sp;
    int err;

    if (!current->arch) {               /* user_thread_init failed in app_run */
        process_finish(PANIC_EXIT_STATUS);
        return PANIC_EXIT_STATUS;
    }
    init_process.mm = user_mm_create();
    err = init_process.mm ? exec_load(init_process.mm, app, boot_cmdline.argv, &entry, &sp)
                          : -ENOMEM;
    app_image_release(app);
    if (err) {
        if (err == -ENOMEM)
            app_no_memory(app->name);
        else if (err < 0)
            pr_err("exec: %s: cannot load: error %d", app->name, err);
        if (init_process.mm)
            user_mm_destroy(init_process.mm);
        init_process.mm = NULL;
        user_thread_release(current);
        process_finish(err < 0 ? PANIC_EXIT_STATUS : err);
        return init_process.exit_code;
    }
    process_add_thread(current, &main_uthread, init_process.pid);
    user_start(entry, sp);
}

/* demand_fault_hook (kernel/arch/traps.c): the app's one address space. */
static bool app_fault_in(u64 addr, u64 error_code)
{
    return user_fault_in(init_process.mm, addr, error_code);
}

/*
 * The main thread is joined only if it has ended: after exit_group from
 * another thread it may stay blocked in the kernel until power-off.
 */
int app_run(const struct app_image *app)
{
    struct thread *t;

    set_comm(app->name);
    fdtable_init(&init_process.files);
    if (console_files_init(&init_process.files))
        return app_no_memory(app->name);
    user_arch_init();
    user_fault_hook = user_fault;
    demand_fault_hook = app_fault_in;
    t = kthread_create("app", app_main, (void *)app);
    if (!t)
        return app_no_memory(app->name);
    /* Before t first runs: the kernel is not preemptive. */
    if (user_thread_init(t, &main_uthread))
        pr_err("exec: no memory for the app's FPU state");
    wait_event(&init_process.exit_wq, READ_ONCE(init_process.exited));
    if (READ_ONCE(t->state) == TASK_DEAD)
        kthread_join(t);
    else
        kthread_detach(t);
    return init_process.exit_code;
}

/*
 * CLONE_CHILD_CLEARTID (set_tid_address(2)): store 0 and wake one waiter,
 * which is how pthread_join learns of the exit.  Like Linux, only while
 * other threads share the memory, and with faults ignored.
 */
static void clear_child_tid(struct user_thread *ut)
{
    if (!ut->clear_child_tid || init_process.nr_threads < 2)
        return;
    if (put_user((u32)0, (u32 *)ut->clear_child_tid) == 0)
        futex_wake(ut->clear_child_tid, true, 1, FUTEX_MATCH_ANY);
}

/*
 * End the calling user thread.  The process ends with the last one, and
 * its status is the main thread's (Linux reports the group leader's)
 * unless exit_group or a fatal signal fixed it first.
 */
static void __noreturn do_exit(int status)
{
    struct user_thread *ut = uthread(current);

    clear_child_tid(ut);
    rusage_thread_exit(current);
    list_del(&ut->node);
    user_thread_release(current);
    if (ut != &main_uthread)
        kfree(ut);
    else if (!init_process.group_exit)
        init_process.exit_code = status;
    if (--init_process.nr_threads == 0) {
        fdtable_close_all(&init_process.files);
        user_mm_destroy(init_process.mm);
        init_process.mm = NULL;
        process_finish(init_process.exit_code);
    }
    thread_exit(status);
}

/* exit_group(2) and fatal signals: the first status wins. */
static void __noreturn do_group_exit(int status)
{
    if (!init_process.group_exit) {
        init_process.group_exit = true;
        process_finish(status);
    }
    do_exit(status);
}

void process_kill(int sig)
{
    do_group_exit(128 + sig);
}

void exit_to_user_mode(void)
{
    while (!READ_ONCE(init_process.group_exit)) {
        if (!need_resched())
            return;
        yield();
    }
    local_irq_enable();                 /* do_exit may free memory and close files */
    do_exit(init_process.exit_code);
}

static long sys_exit(unsigned long code, unsigned long a1, unsigned long a2, unsigned long a3,
                     unsigned long a4, unsigned long a5)
{
    do_exit((int)(code & 0xff));
}
SYSCALL_DEFINE(exit, sys_exit);

static long sys_exit_group(unsigned long code, unsigned long a1, unsigned long a2,
                           unsigned long a3, unsigned long a4, unsigned long a5)
{
    do_group_exit((int)(code & 0xff));
}
SYSCALL_DEFINE(exit_group, sys_exit_group);

/* The caller's tid (the pid for the main thread, as in Linux). */
static long sys_set_tid_address(unsigned long tidptr, unsigned long a1, unsigned long a2,
                                unsigned long a3, unsigned long a4, unsigned long a5)
{
    uthread(current)->clear_child_tid = tidptr;
    return uthread(current)->tid;
}
SYSCALL_DEFINE(set_tid_address, sys_set_tid_address);

static long sys_set_robust_list(unsigned long head, unsigned long len, unsigned long a2,
                                unsigned long a3, unsigned long a4, unsigned long a5)
{
    if (len != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    uthread(current)->robust_list = head;
    uthread(current)->robust_len = len;
    return 0;
}
SYSCALL_DEFINE(set_robust_list, sys_set_robust_list);

/* FS only: the kernel has no GS handling (ARCH_SET_GS and the rest give -EINVAL). */
static long sys_arch_prctl(unsigned long code, unsigned long addr, unsigned long a2,
                           unsigned long a3, unsigned long a4, unsigned long a5)
{
    switch (code) {
    case ARCH_SET_FS:
        if (addr >= USER_VA_END)
            return -EPERM;
        user_set_fs_base(addr);
        return 0;
    case ARCH_GET_FS:
        return put_user(uthread(current)->fs_base, (u64 *)addr);
    default:
        return -EINVAL;
    }
}
SYSCALL_DEFINE(arch_prctl, sys_arch_prctl);
