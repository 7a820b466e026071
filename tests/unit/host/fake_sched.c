/*
 * Host fake scheduler: the functions of include/kernel/sched.h on ucontext
 * green threads (one OS thread, round robin), for host tests of code that
 * blocks (kernel/sched/wait.c).  When nothing is runnable, schedule() plays
 * the idle thread: it moves the fake clock (fake_clock.c) to the earliest
 * schedule_timeout() deadline and wakes those sleepers; with no deadline
 * either, every thread is blocked for good and the process aborts (deadlock).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#else
#define __sanitizer_start_switch_fiber(save, bottom, size) ((void)(save))
#define __sanitizer_finish_switch_fiber(save, bottom, size) (*(bottom) = NULL, *(size) = 0)
#endif
#include "fake_clock.h"
#include "fake_sched.h"

#define FAKE_STACK_SIZE (256 * 1024)    /* ASan frames are large */

struct fake_thread {
    struct thread t;
    ucontext_t ctx;
    void *stack;                        /* malloc'd; for "main", learnt from ASan */
    size_t stack_size;
    u64 deadline;                       /* schedule_timeout() wake time; UINT64_MAX: none */
    struct fake_thread *joiner;         /* blocked in kthread_join() on us */
};

void (*fake_sched_before_schedule)(void);
unsigned long fake_sched_switches;

static struct fake_thread main_thread;
static struct fake_thread *cur;
static LIST_HEAD(runqueue);
static LIST_HEAD(all_threads);
static int next_tid;
static struct fake_thread *switched_from;

/*
 * swapcontext() with the ASan fiber annotations, so ASan tracks which stack
 * is live (else it reports false positives).  Runs its second half in the
 * thread being resumed, which records the bounds of the stack it came from.
 */
static void finish_switch(void *fake_stack)
{
    const void *bottom;
    size_t size;

    __sanitizer_finish_switch_fiber(fake_stack, &bottom, &size);
    if (!switched_from->stack) {
        switched_from->stack = (void *)bottom;
        switched_from->stack_size = size;
    }
}

static void switch_to(struct fake_thread *prev, struct fake_thread *next)
{
    void *fake_stack = NULL;

    switched_from = prev;
    __sanitizer_start_switch_fiber(prev->t.state == TASK_DEAD ? NULL : &fake_stack,
                                   next->stack, next->stack_size);
    swapcontext(&prev->ctx, &next->ctx);
    finish_switch(fake_stack);
}

static struct fake_thread *to_fake(struct thread *t) { return container_of(t, struct fake_thread, t); }

struct thread *get_current(void) { return &cur->t; }
bool current_is_idle(void) { return false; }
void set_current_state(int state) { cur->t.state = state; }

unsigned nr_threads(void)
{
    unsigned n = 0;
    struct list_head *p;

    list_for_each(p, &all_threads)
        n++;
    return n;
}

static void register_thread(struct fake_thread *f, const char *name)
{
    snprintf(f->t.name, sizeof(f->t.name), "%s", name);
    f->t.tid = ++next_tid;
    f->deadline = UINT64_MAX;
    INIT_LIST_HEAD(&f->t.run_node);
    list_add_tail(&f->t.all_node, &all_threads);
}

void sched_init(void)
{
    memset(&main_thread, 0, sizeof(main_thread));
    INIT_LIST_HEAD(&runqueue);
    INIT_LIST_HEAD(&all_threads);
    next_tid = 0;
    fake_sched_before_schedule = NULL;
    fake_sched_switches = 0;
    register_thread(&main_thread, "main");
    cur = &main_thread;
}

int wake_up_process(struct thread *t)
{
    if (t->state != TASK_UNINTERRUPTIBLE)
        return 0;
    t->state = TASK_RUNNING;
    if (t != &cur->t)
        list_add_tail(&t->run_node, &runqueue);
    return 1;
}

/* Idle: jump the clock to the earliest deadline and wake who is due; false if none. */
static bool fire_timers(void)
{
    struct thread *t;
    u64 first = UINT64_MAX;

    list_for_each_entry(t, &all_threads, all_node)
        if (t->state == TASK_UNINTERRUPTIBLE && to_fake(t)->deadline < first)
            first = to_fake(t)->deadline;
    if (first == UINT64_MAX)
        return false;
    if (first > ktime_get_ns())
        fake_clock_set(first);
    list_for_each_entry(t, &all_threads, all_node)
        if (t->state == TASK_UNINTERRUPTIBLE && to_fake(t)->deadline <= first)
            wake_up_process(t);
    return true;
}

void schedule(void)
{
    struct fake_thread *prev = cur, *next;

    if (fake_sched_before_schedule)
        fake_sched_before_schedule();
    if (prev->t.state == TASK_RUNNING)
        list_add_tail(&prev->t.run_node, &runqueue);
    while (list_empty(&runqueue)) {
        if (!fire_timers()) {
            fprintf(stderr, "fake_sched: deadlock: every thread is blocked with no timeout\n");
            abort();
        }
        if (prev->t.state == TASK_RUNNING)     /* its own timer: wake_up_process() left it off */
            list_add_tail(&prev->t.run_node, &runqueue);
    }
    next = to_fake(list_first_entry(&runqueue, struct thread, run_node));
    list_del_init(&next->t.run_node);
    if (next == prev)
        return;
    fake_sched_switches++;
    next->t.switches++;
    cur = next;
    switch_to(prev, next);
}

void yield(void)
{
    set_current_state(TASK_RUNNING);
    schedule();
}

u64 schedule_timeout(u64 timeout_ns)
{
    u64 now = ktime_get_ns(), deadline;

    if (timeout_ns == UINT64_MAX) {
        schedule();
        return UINT64_MAX;
    }
    deadline = now + timeout_ns < now ? UINT64_MAX - 1 : now + timeout_ns;
    cur->deadline = deadline;
    schedule();
    cur->deadline = UINT64_MAX;
    now = ktime_get_ns();
    return deadline > now ? deadline - now : 0;
}

void msleep(unsigned long ms)
{
    u64 end = ktime_get_ns() + ms * NSEC_PER_MSEC, now;

    while ((now = ktime_get_ns()) < end) {
        set_current_state(TASK_UNINTERRUPTIBLE);
        schedule_timeout(end - now);
    }
}

void thread_exit(int code)
{
    cur->t.exit_code = code;
    cur->t.state = TASK_DEAD;
    if (cur->joiner)
        wake_up_process(&cur->joiner->t);
    schedule();
    abort();                            /* a dead thread is never picked again */
}

static void trampoline(void)
{
    finish_switch(NULL);
    thread_exit(cur->t.fn(cur->t.arg));
}

struct thread *kthread_create(const char *name, int (*fn)(void *arg), void *arg)
{
    struct fake_thread *f = calloc(1, sizeof(*f));

    if (!f || !(f->stack = malloc(FAKE_STACK_SIZE))) {
        free(f);
        return NULL;
    }
    getcontext(&f->ctx);
    f->ctx.uc_stack.ss_sp = f->stack;
    f->ctx.uc_stack.ss_size = FAKE_STACK_SIZE;
    f->stack_size = FAKE_STACK_SIZE;
    f->ctx.uc_link = NULL;
    makecontext(&f->ctx, trampoline, 0);
    f->t.fn = fn;
    f->t.arg = arg;
    f->t.state = TASK_UNINTERRUPTIBLE;
    register_thread(f, name);
    wake_up_process(&f->t);
    return &f->t;
}

int kthread_join(struct thread *t)
{
    struct fake_thread *f = to_fake(t);
    int code;

    while (t->state != TASK_DEAD) {
        set_current_state(TASK_UNINTERRUPTIBLE);
        f->joiner = cur;
        if (t->state == TASK_DEAD)
            break;
        schedule();
    }
    set_current_state(TASK_RUNNING);
    code = t->exit_code;
    list_del(&t->all_node);
    free(f->stack);
    free(f);
    return code;
}
