/*
 * The process: init_process, the app's main thread, exit and the per-thread
 * calls (exit, exit_group, set_tid_address, set_robust_list, arch_prctl).
 * Above: kernel_main (app_run) and the syscall table.  Below: the loader,
 * user_mm, the scheduler and the arch hooks (<kernel/arch/user.h>).  The
 * exit status travels back through kthread_join() to kernel_main, which
 * powers off with it, so the VM's exit status is the app's.
 */
#include <kernel/arch/user.h>
#include <kernel/cmdline.h>
#include <kernel/console_file.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/user_mm.h>
#include <asm/prctl.h>
#include "user_impl.h"

struct process init_process = { .pid = 1 };
static struct user_thread main_uthread;
static unsigned nr_user_threads;

/* Linux's struct robust_list_head: three user words. */
#define ROBUST_LIST_HEAD_SIZE 24

static void set_comm(const char *name)
{
    const char *slash = strrchr(name, '/');

    strlcpy(init_process.comm, slash ? slash + 1 : name, sizeof(init_process.comm));
}

/* The main thread: load, then leave for ring 3 for good. */
static int app_main(void *arg)
{
    const struct app_image *app = arg;
    u64 entry, sp;
    int err;

    if (!current->arch)
        return PANIC_EXIT_STATUS;       /* user_thread_init failed in app_run */
    init_process.mm = user_mm_create();
    if (!init_process.mm)
        return PANIC_EXIT_STATUS;
    err = exec_load(init_process.mm, app, boot_cmdline.argv, &entry, &sp);
    if (err) {
        if (err < 0)
            pr_err("exec: %s: cannot load: error %d", app->name, err);
        user_mm_destroy(init_process.mm);
        init_process.mm = NULL;
        user_thread_release(current);
        return err < 0 ? PANIC_EXIT_STATUS : err;
    }
    nr_user_threads = 1;
    user_start(entry, sp);
}

int app_run(const struct app_image *app)
{
    struct thread *t;

    set_comm(app->name);
    fdtable_init(&init_process.files);
    if (console_files_init(&init_process.files))
        return PANIC_EXIT_STATUS;
    user_arch_init();
    user_fault_hook = user_fault;
    t = kthread_create("app", app_main, (void *)app);
    if (!t)
        return PANIC_EXIT_STATUS;
    /* Before t first runs: the kernel is not preemptive. */
    if (user_thread_init(t, &main_uthread))
        pr_err("exec: no memory for the app's FPU state");
    return kthread_join(t);
}

/* End the calling user thread; the last one ends the process with `status`. */
static void __noreturn do_exit(int status)
{
    user_thread_release(current);
    if (--nr_user_threads == 0) {
        init_process.exit_code = status;
        fdtable_close_all(&init_process.files);
        user_mm_destroy(init_process.mm);
        init_process.mm = NULL;
    }
    thread_exit(status);
}

void process_kill(int sig)
{
    do_exit(128 + sig);
}

static long sys_exit(unsigned long code, unsigned long a1, unsigned long a2, unsigned long a3,
                     unsigned long a4, unsigned long a5)
{
    do_exit((int)(code & 0xff));
}
SYSCALL_DEFINE(exit, sys_exit);

/* One user thread today, so the group is the caller (issue 7 adds threads). */
static long sys_exit_group(unsigned long code, unsigned long a1, unsigned long a2,
                           unsigned long a3, unsigned long a4, unsigned long a5)
{
    do_exit((int)(code & 0xff));
}
SYSCALL_DEFINE(exit_group, sys_exit_group);

/* The main thread's tid is the pid, as in Linux. */
static long sys_set_tid_address(unsigned long tidptr, unsigned long a1, unsigned long a2,
                                unsigned long a3, unsigned long a4, unsigned long a5)
{
    uthread(current)->clear_child_tid = tidptr;
    return init_process.pid;
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
