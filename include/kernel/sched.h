/*
 * Threads and the scheduler (uniprocessor, round-robin run queue).
 *
 * The kernel is not preemptible: a thread in kernel mode runs until it blocks
 * (schedule()) or returns to user mode; only user-mode code is preempted by
 * the time-slice timer.  Blocking follows Linux's pattern, which loses no
 * wakeup: set_current_state(TASK_UNINTERRUPTIBLE), re-check the condition,
 * schedule().  wake_up_process() sets the state back to TASK_RUNNING first,
 * so a wake between the check and schedule() makes schedule() return at once
 * (after the other runnable threads had their turn: it never blocks then).
 *
 * Lifetime: kthread_create() allocates the struct and a KSTACK_SIZE stack;
 * kthread_join() frees both once the thread is TASK_DEAD and off the CPU.
 * Every created thread is either joined exactly once or detached
 * (kthread_detach: freed by a later thread_alloc once dead, as Linux reaps
 * CLONE_THREAD children itself).  The boot context is
 * thread "init" (tid 1, never exits); the idle thread (tid 2) runs softirqs
 * and halts when nothing is runnable.  Hooks for the context switch (TSS.RSP0
 * now, FPU state later through thread->arch) live in kernel/sched/sched.c.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/list.h>
#include <kernel/prof.h>

enum task_state {
    TASK_RUNNING = 0,           /* on the run queue or on the CPU */
    TASK_UNINTERRUPTIBLE = 1,   /* blocked until wake_up_process() */
    TASK_DEAD = 2,
};

#define THREAD_NAME_LEN   16
#define KSTACK_SIZE       (16 * 1024)

struct thread {
    u64 rsp;                    /* saved kernel stack pointer while switched out */
    volatile int state;         /* enum task_state */
    int tid;
    char name[THREAD_NAME_LEN];
    void *kstack;               /* KSTACK_SIZE bytes (lowest address), owned by the thread */
    struct list_head run_node;  /* on the run queue while runnable and not current */
    struct list_head all_node;  /* on the list of all threads */
    int (*fn)(void *arg);
    void *arg;
    int exit_code;
    u64 switches;               /* times this thread was switched in */
    u64 nvcsw, nivcsw;          /* switched out blocked / still runnable (getrusage(2)) */
    void *arch;                 /* FPU/XSAVE area and user state, owned by kernel/arch */
    struct prof_stack prof;     /* layers this thread is inside (kernel/prof.c) */
};

/* The running thread. */
struct thread *get_current(void);
#define current get_current()

/*
 * Create a runnable kernel thread running fn(arg) with interrupts enabled;
 * returning from fn is thread_exit(return value).  `name` is copied
 * (truncated to THREAD_NAME_LEN - 1).  NULL when out of memory.  The caller
 * keeps running; the new thread runs when the caller next blocks or yields.
 */
struct thread *kthread_create(const char *name, int (*fn)(void *arg), void *arg);
/* Wait until t has exited, free it and return its exit code.  Thread context only. */
int kthread_join(struct thread *t);
/*
 * Nobody will join t: once it has exited its memory is freed by the next
 * kthread_create() (lazily, so memory of dead detached threads is bounded by
 * how many died since the last creation).  Thread context; at most once,
 * never together with kthread_join().
 */
void kthread_detach(struct thread *t);
/* End the current thread with `code` (also what returning from fn does). */
void thread_exit(int code) __attribute__((noreturn));

/* Set current->state (enum task_state); irq-safe against wake_up_process(). */
void set_current_state(int state);
/*
 * Switch away; returns once current is TASK_RUNNING and picked again.  With
 * current still TASK_RUNNING this is a yield: it goes to the run queue's tail.
 */
void schedule(void);
/* Make t runnable; returns 1 if it was blocked, 0 if already running (or dead).  Any context. */
int wake_up_process(struct thread *t);
/* Give the CPU to the next runnable thread, if any. */
void yield(void);
/*
 * schedule() with a timer: block for up to timeout_ns (UINT64_MAX: no timer,
 * only a wake ends it); returns the ns left (0 when the time ran out;
 * UINT64_MAX for no timer).  As in Linux the caller sets the state first
 * (set_current_state(TASK_UNINTERRUPTIBLE)); with TASK_RUNNING it only yields.
 */
u64 schedule_timeout(u64 timeout_ns);
/* Sleep at least ms milliseconds (the timer facility's granularity decides how much more). */
void msleep(unsigned long ms);

/*
 * True when the running user thread's time slice (10 ms) ran out while
 * another thread was runnable; the return to user mode then yields, and
 * schedule() clears it.
 */
bool need_resched(void);

/* True while the idle thread runs: interrupt exit may then run softirqs. */
bool current_is_idle(void);
/* Turn the boot context into the first thread and create the idle thread. */
void sched_init(void);
/* Threads that exist, init and idle included, until joined (for tests). */
unsigned nr_threads(void);

#endif
