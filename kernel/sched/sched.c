/*
 * The scheduler: one CPU, a round-robin run queue, the context switch, the
 * idle thread and sleeping with a timeout.  Above: wait queues, thread.c and
 * every blocking caller.  Below: kernel/arch/switch.S, the TSS (RSP0 for
 * ring-3 interrupts), the timer facility and softirqs (run by idle).
 * Owns `current`, the run queue and the time slice.  Both change only with
 * interrupts off, because wake_up_process() also runs in hard IRQ context.
 * Preemption (user mode only): a timer marks need_resched once the running
 * user thread has had SCHED_SLICE_NS and another thread waits; the return
 * to user mode (exit_to_user_mode) then yields.
 */
#include <kernel/arch/desc.h>
#include <kernel/arch/user.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/prof.h>
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/spinlock.h>
#include "sched_impl.h"

static struct thread *current_thread;
static struct thread *idle_thread;
/* TASK_RUNNING threads other than current and idle, in the order they run. */
static LIST_HEAD(runqueue);
static DEFINE_SPINLOCK(rq_lock);

/*
 * 10 ms, Linux's order of magnitude: short enough that a spinning thread
 * delays the others little, long enough that the timer costs ~100 interrupts
 * per second (each a VM exit under emulation) and only while user code runs.
 */
#define SCHED_SLICE_NS (10 * NSEC_PER_MSEC)
static struct timer_list slice_timer;
static u64 slice_start;                 /* ns: when current (a user thread) was switched in */
static bool resched;                    /* the slice ran out with others runnable */

struct thread *get_current(void)
{
    return current_thread;
}

bool current_is_idle(void)
{
    return current_thread == idle_thread;
}

/* The barrier keeps the caller's condition check after the store (no lost wakeup). */
void set_current_state(int state)
{
    current_thread->state = state;
    barrier();
}

int wake_up_process(struct thread *t)
{
    unsigned long flags;
    int woke = 0;

    spin_lock_irqsave(&rq_lock, flags);
    if (t->state == TASK_UNINTERRUPTIBLE) {
        t->state = TASK_RUNNING;
        /* current (woken before its schedule()) is requeued by schedule() itself */
        if (t != current_thread)
            list_add_tail(&t->run_node, &runqueue);
        woke = 1;
    }
    spin_unlock_irqrestore(&rq_lock, flags);
    return woke;
}

bool need_resched(void)
{
    return READ_ONCE(resched);
}

/*
 * Softirq context.  Only a user thread (t->arch set) is ever preempted; for
 * kernel threads and idle the timer just lapses, and the next switch to a
 * user thread re-arms it.  With nobody else runnable the slice is renewed.
 */
static void slice_expired(struct timer_list *t)
{
    u64 now = ktime_get_ns();

    if (!current_thread->arch)
        return;
    if (now >= slice_start + SCHED_SLICE_NS) {
        if (!list_empty(&runqueue)) {
            WRITE_ONCE(resched, true);
            return;
        }
        slice_start = now;
    }
    mod_timer(&slice_timer, slice_start + SCHED_SLICE_NS);
}

/*
 * A pending slice timer is left alone (it re-checks slice_start when it
 * fires) so that a thread blocking and waking often costs no clock-event
 * reprogramming (an APIC write, a VM exit) per switch.
 */
static void slice_begin(void)
{
    slice_start = ktime_get_ns();
    if (!timer_pending(&slice_timer))
        mod_timer(&slice_timer, slice_start + SCHED_SLICE_NS);
}

/* Interrupts off.  user_switch_to() moves user state (FPU, FS base, SYSCALL stack). */
static void context_switch(struct thread *prev, struct thread *next)
{
    if (*(u64 *)prev->kstack != STACK_END_MAGIC)
        panic("sched: kernel stack overflow in thread %d (%s)", prev->tid, prev->name);
    if (next->arch)
        slice_begin();
    next->switches++;
    current_thread = next;
    prof_switch(&next->prof);
    tss_set_rsp0((u64)next->kstack + KSTACK_SIZE);
    user_switch_to(prev, next);
    __switch_to(&prev->rsp, next->rsp);
}

void schedule(void)
{
    struct thread *prev = current_thread, *next;
    unsigned long irq, flags;

    /* Interrupts stay off until the next thread restores its own flags. */
    prof_enter(PROF_SCHED);
    local_irq_save(irq);
    WRITE_ONCE(resched, false);
    spin_lock_irqsave(&rq_lock, flags);
    if (prev->state == TASK_RUNNING && prev != idle_thread)
        list_add_tail(&prev->run_node, &runqueue);
    if (list_empty(&runqueue)) {
        next = idle_thread;
    } else {
        next = list_first_entry(&runqueue, struct thread, run_node);
        list_del_init(&next->run_node);
    }
    spin_unlock_irqrestore(&rq_lock, flags);
    if (next != prev) {
        if (prev->state == TASK_RUNNING)
            prev->nivcsw++;             /* preempted or yielded (Linux counts the same) */
        else
            prev->nvcsw++;
        context_switch(prev, next);
    }
    local_irq_restore(irq);
    prof_exit();
}

void yield(void)
{
    set_current_state(TASK_RUNNING);
    schedule();
}

/*
 * Interrupts are off while deciding, and arch_safe_halt() enables them only
 * together with HLT, so a wake-up or softirq raised by an interrupt after the
 * checks ends the halt instead of being missed.
 */
static int __noreturn idle_loop(void *unused)
{
    for (;;) {
        local_irq_disable();
        if (softirq_pending())
            do_softirq();
        else if (!list_empty(&runqueue))
            schedule();
        else {
            prof_enter(PROF_IDLE);
            arch_safe_halt();
            prof_exit();
        }
    }
}

/* The on-stack timer of one schedule_timeout() call. */
struct process_timer {
    struct timer_list timer;
    struct thread *task;
};

static void process_timeout(struct timer_list *t)
{
    wake_up_process(container_of(t, struct process_timer, timer)->task);
}

/*
 * The timer lives on this stack: timers run only in softirq context (idle or
 * interrupt exit to user mode), never while this thread is between
 * mod_timer() and del_timer(), so deleting it after schedule() is enough.
 */
u64 schedule_timeout(u64 timeout_ns)
{
    struct process_timer pt;
    u64 now, expires;

    if (timeout_ns == UINT64_MAX) {
        schedule();
        return UINT64_MAX;
    }
    now = ktime_get_ns();
    expires = now + timeout_ns < now ? UINT64_MAX - 1 : now + timeout_ns;
    pt.task = current_thread;
    timer_setup(&pt.timer, process_timeout);
    mod_timer(&pt.timer, expires);
    schedule();
    del_timer(&pt.timer);
    now = ktime_get_ns();
    return expires > now ? expires - now : 0;
}

void msleep(unsigned long ms)
{
    u64 end = ktime_get_ns() + ms * NSEC_PER_MSEC;
    u64 now;

    while ((now = ktime_get_ns()) < end) {
        set_current_state(TASK_UNINTERRUPTIBLE);
        schedule_timeout(end - now);
    }
}

void sched_init(void)
{
    current_thread = thread_adopt_boot();
    idle_thread = thread_alloc("idle", idle_loop, NULL);
    if (!idle_thread)
        panic("sched: no memory for the idle thread");
    idle_thread->state = TASK_RUNNING;  /* always runnable, never on the run queue */
    tss_set_rsp0((u64)current_thread->kstack + KSTACK_SIZE);
    timer_setup(&slice_timer, slice_expired);
    pr_info("sched: init (tid %d) and idle (tid %d), %u KiB kernel stacks",
            current_thread->tid, idle_thread->tid, KSTACK_SIZE / 1024);
}
