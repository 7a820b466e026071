/*
 * Thread lifetime: creation (struct + stack), exit and join.  Above: any
 * subsystem that wants a kernel thread; below: the page allocator and heap
 * (mm.h), the run queue (sched.c) and a wait queue per thread for join.
 * Owns the list of all threads and tid numbering, touched only from thread
 * context (never from interrupts), which the non-preemptive kernel serialises.
 * A thread's memory is freed by kthread_join() alone: it runs only after the
 * dead thread has switched off its stack for good.
 */
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <kernel/wait.h>
#include "sched_impl.h"

#define KSTACK_ORDER 2
_Static_assert((PAGE_SIZE << KSTACK_ORDER) == KSTACK_SIZE, "KSTACK_ORDER must match KSTACK_SIZE");

/* A thread plus what only this file touches. */
struct kthread {
    struct thread thread;
    struct wait_queue_head exited;      /* woken once, by thread_exit() */
    bool detached;                      /* kthread_detach(): freed by reap_zombies() */
    struct list_head zombie_node;       /* on `zombies` once a detached thread died */
};

static LIST_HEAD(all_threads);
/*
 * Dead detached threads.  One that is on this list has made its final
 * switch whenever another thread runs (uniprocessor, and thread_exit()
 * cannot be preempted), so its stack is free to go.
 */
static LIST_HEAD(zombies);
static unsigned thread_count;
static int next_tid = 1;
static struct kthread init_kthread;     /* the boot context: never exits */

static struct kthread *to_kthread(struct thread *t)
{
    return container_of(t, struct kthread, thread);
}

static void thread_register(struct kthread *k, const char *name)
{
    struct thread *t = &k->thread;

    strlcpy(t->name, name, sizeof(t->name));
    t->tid = next_tid++;
    init_waitqueue_head(&k->exited);
    INIT_LIST_HEAD(&t->run_node);
    list_add_tail(&t->all_node, &all_threads);
    thread_count++;
}

struct thread *thread_adopt_boot(void)
{
    extern char boot_stack_bottom[];    /* boot/entry.S, KSTACK_SIZE bytes */
    struct thread *t = &init_kthread.thread;

    t->kstack = boot_stack_bottom;
    *(u64 *)t->kstack = STACK_END_MAGIC;
    t->state = TASK_RUNNING;
    thread_register(&init_kthread, "init");
    return t;
}

static void thread_free(struct kthread *k)
{
    list_del(&k->thread.all_node);
    thread_count--;
    free_pages(k->thread.kstack, KSTACK_ORDER);
    kfree(k);
}

static void reap_zombies(void)
{
    while (!list_empty(&zombies)) {
        struct kthread *k = list_first_entry(&zombies, struct kthread, zombie_node);

        list_del(&k->zombie_node);
        thread_free(k);
    }
}

/*
 * No guard page: unmapping one needs the page-table code, so overflow is
 * caught (late) by the STACK_END_MAGIC check on every switch instead.
 */
struct thread *thread_alloc(const char *name, int (*fn)(void *arg), void *arg)
{
    struct kthread *k;
    struct switch_frame *frame;
    struct thread *t;

    reap_zombies();
    k = kzalloc(sizeof(*k));
    if (!k)
        return NULL;
    t = &k->thread;
    t->kstack = alloc_pages(KSTACK_ORDER);
    if (!t->kstack) {
        kfree(k);
        return NULL;
    }
    *(u64 *)t->kstack = STACK_END_MAGIC;
    frame = (struct switch_frame *)((char *)t->kstack + KSTACK_SIZE) - 1;
    memset(frame, 0, sizeof(*frame));
    frame->ret = (u64)ret_from_kthread;
    t->rsp = (u64)frame;
    t->fn = fn;
    t->arg = arg;
    t->state = TASK_UNINTERRUPTIBLE;
    thread_register(k, name);
    return t;
}

struct thread *kthread_create(const char *name, int (*fn)(void *arg), void *arg)
{
    struct thread *t = thread_alloc(name, fn, arg);

    if (t)
        wake_up_process(t);
    return t;
}

void kthread_entry(void)
{
    struct thread *t = current;

    local_irq_enable();
    thread_exit(t->fn(t->arg));
}

void thread_exit(int code)
{
    struct thread *t = current;

    BUG_ON(t == &init_kthread.thread || current_is_idle());
    t->exit_code = code;
    t->state = TASK_DEAD;               /* wake_up_process() ignores it from now on */
    if (to_kthread(t)->detached)
        list_add_tail(&to_kthread(t)->zombie_node, &zombies);
    else
        wake_up_all(&to_kthread(t)->exited);
    schedule();                         /* DEAD: never put back on the run queue */
    panic("sched: dead thread %d (%s) ran again", t->tid, t->name);
}

int kthread_join(struct thread *t)
{
    struct kthread *k = to_kthread(t);
    int code;

    BUG_ON(t == current || t == &init_kthread.thread);
    /*
     * thread_exit() goes from TASK_DEAD to its final switch without blocking,
     * and nothing preempts it, so once we run again its stack is unused.
     */
    wait_event(&k->exited, READ_ONCE(t->state) == TASK_DEAD);
    code = t->exit_code;
    thread_free(k);
    return code;
}

void kthread_detach(struct thread *t)
{
    struct kthread *k = to_kthread(t);

    BUG_ON(k->detached || t == &init_kthread.thread);
    k->detached = true;
    /* Already dead (and, not being current, off the CPU): nobody else will free it. */
    if (READ_ONCE(t->state) == TASK_DEAD && t != current)
        thread_free(k);
}

unsigned nr_threads(void)
{
    return thread_count;
}
