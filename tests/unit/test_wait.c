/* Wait queues (kernel/sched/wait.c) on the fake scheduler (tests/unit/host/
 * fake_sched.c): waiters really block, wakes are counted through thread
 * states, timeouts run on the fake clock.  Assertions run in "main" only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/wait.h>
#include "host/fake_clock.h"
#include "host/fake_sched.h"

#define MAX_WAITERS 8

static DECLARE_WAIT_QUEUE_HEAD(wq);

/* One blocked thread: waits on wq until `release`, then logs its id. */
struct waiter {
    int id;
    bool exclusive;
    bool release;
    struct thread *t;
};

static struct waiter waiters[MAX_WAITERS];
static int done_order[MAX_WAITERS], ndone;

static int waiter_fn(void *arg)
{
    struct waiter *w = arg;

    if (w->exclusive)
        wait_event_exclusive(&wq, w->release);
    else
        wait_event(&wq, w->release);
    done_order[ndone++] = w->id;
    return 0;
}

/* Start n waiters (the first n_shared non-exclusive) and let them all block. */
static void start_waiters(int n, int n_shared)
{
    for (int i = 0; i < n; i++) {
        waiters[i] = (struct waiter){ .id = i, .exclusive = i >= n_shared };
        waiters[i].t = kthread_create("waiter", waiter_fn, &waiters[i]);
        assert_non_null(waiters[i].t);
    }
    yield();
    for (int i = 0; i < n; i++)
        assert_int_equal(waiters[i].t->state, TASK_UNINTERRUPTIBLE);
}

static void release_all(int n)
{
    for (int i = 0; i < n; i++)
        waiters[i].release = true;
}

/* Waiters made runnable by the last wake but not yet run. */
static int count_woken(int n)
{
    int c = 0;

    for (int i = 0; i < n; i++)
        c += waiters[i].t->state == TASK_RUNNING;
    return c;
}

static void join_waiters(int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(kthread_join(waiters[i].t), 0);
}

static int setup(void **state)
{
    sched_init();
    fake_clock_set(1000 * NSEC_PER_SEC);
    init_waitqueue_head(&wq);
    ndone = 0;
    return 0;
}

static int teardown(void **state)
{
    assert_int_equal(nr_threads(), 1);
    assert_false(waitqueue_active(&wq));
    assert_false(host_irqs_disabled);
    return 0;
}

/* --- no lost wakeup ------------------------------------------------------ */

static struct thread *racer;
static int racer_flag, race_woken, racer_checks;

/* An "interrupt" that makes the condition true and wakes the queue. */
static void race(void)
{
    racer_flag = 1;
    race_woken = wake_up(&wq);
}

static void race_before_schedule(void)
{
    if (current != racer)
        return;
    fake_sched_before_schedule = NULL;
    race();
}

/* The condition; the waker strikes right after the in-loop check saw false. */
static bool racer_cond(void)
{
    if (racer_flag)
        return true;
    if (++racer_checks == 2)            /* 1: wait_event's fast path, 2: after queueing */
        race();
    return false;
}

static int racer_fn(void *arg)
{
    wait_event_exclusive(&wq, racer_cond());
    return racer->state == TASK_RUNNING ? 0 : 1;
}

static void test_no_lost_wakeup_before_schedule(void **state)
{
    racer_flag = 0, racer_checks = -100;
    racer = kthread_create("racer", racer_fn, NULL);
    fake_sched_before_schedule = race_before_schedule;
    assert_int_equal(kthread_join(racer), 0);
    assert_null(fake_sched_before_schedule);    /* the waker did run in the window */
    assert_int_equal(race_woken, 1);            /* ...and found the waiter queued */
}

static void test_no_lost_wakeup_after_check(void **state)
{
    racer_flag = 0, racer_checks = 0;
    racer = kthread_create("racer", racer_fn, NULL);
    assert_int_equal(kthread_join(racer), 0);   /* a lost wake would deadlock */
    assert_int_equal(race_woken, 1);
}

/* --- wake_up: every non-exclusive waiter plus one exclusive -------------- */

static void test_wake_up_one_exclusive(void **state)
{
    start_waiters(7, 3);
    release_all(7);
    assert_int_equal(wake_up(&wq), 1);
    assert_int_equal(count_woken(7), 4);
    for (int i = 0; i < 3; i++)
        assert_int_equal(waiters[i].t->state, TASK_RUNNING);
    assert_int_equal(waiters[3].t->state, TASK_RUNNING);        /* first exclusive */
    yield();
    assert_int_equal(ndone, 4);
    for (int i = 4; i < 7; i++)         /* released but never woken: still asleep */
        assert_int_equal(waiters[i].t->state, TASK_UNINTERRUPTIBLE);
    assert_int_equal(wake_up_all(&wq), 3);
    join_waiters(7);
}

static void test_exclusive_fifo(void **state)
{
    start_waiters(4, 0);
    release_all(4);
    /* Back to back, before any woken thread runs: autoremove passes each on. */
    for (int k = 1; k <= 4; k++) {
        assert_int_equal(wake_up(&wq), 1);
        assert_int_equal(count_woken(4), k);
        assert_int_equal(waiters[k - 1].t->state, TASK_RUNNING);
    }
    assert_int_equal(wake_up(&wq), 0);
    join_waiters(4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(done_order[i], i);
}

static void test_wake_up_nr_and_all(void **state)
{
    start_waiters(6, 1);
    release_all(6);
    assert_int_equal(wake_up_nr(&wq, 2), 2);
    assert_int_equal(count_woken(6), 3);
    yield();
    assert_int_equal(ndone, 3);
    assert_int_equal(wake_up_all(&wq), 3);
    assert_int_equal(count_woken(6), 3);
    join_waiters(6);
    assert_int_equal(ndone, 6);
}

static void test_woken_with_false_condition_sleeps_again(void **state)
{
    start_waiters(2, 0);
    assert_int_equal(wake_up(&wq), 1);          /* nobody released */
    yield();
    assert_int_equal(ndone, 0);
    assert_int_equal(waiters[0].t->state, TASK_UNINTERRUPTIBLE);
    /* waiter 0 re-queued at the tail: the next wake reaches waiter 1 first */
    waiters[0].release = waiters[1].release = true;
    assert_int_equal(wake_up(&wq), 1);
    yield();
    assert_int_equal(ndone, 1);
    assert_int_equal(done_order[0], 1);
    wake_up(&wq);
    join_waiters(2);
}

/* --- wait_event_timeout on the fake clock -------------------------------- */

static int flag;
static u64 result;

static int timed_waiter_fn(void *arg)
{
    result = wait_event_timeout(&wq, flag, 5 * NSEC_PER_MSEC);
    return 0;
}

/* Sleep arg ms, set the flag, and wake the queue unless told not to. */
static int setter_fn(void *arg)
{
    msleep((unsigned long)arg & 0xff);
    flag = 1;
    if (!((unsigned long)arg & 0x100))
        wake_up(&wq);
    return 0;
}

static void run_timed(unsigned long setter_arg)
{
    struct thread *w, *s = NULL;

    flag = 0;
    result = 12345;
    w = kthread_create("timed", timed_waiter_fn, NULL);
    if (setter_arg)
        s = kthread_create("setter", setter_fn, (void *)setter_arg);
    assert_int_equal(kthread_join(w), 0);
    if (s)
        assert_int_equal(kthread_join(s), 0);
}

static void test_timeout_expires(void **state)
{
    u64 start = ktime_get_ns();

    run_timed(0);
    assert_int_equal(result, 0);
    assert_int_equal(ktime_get_ns() - start, 5 * NSEC_PER_MSEC);
}

static void test_timeout_woken_early(void **state)
{
    run_timed(2);
    assert_int_equal(result, 3 * NSEC_PER_MSEC);
}

static void test_timeout_condition_true_at_the_end(void **state)
{
    run_timed(2 | 0x100);                       /* flag set, nobody wakes */
    assert_int_equal(result, 1);
}

static void test_timeout_fast_paths(void **state)
{
    flag = 1;
    assert_int_equal(wait_event_timeout(&wq, flag, 7), 7);
    assert_int_equal(wait_event_timeout(&wq, flag, 0), 1);
    flag = 0;
    assert_int_equal(wait_event_timeout(&wq, flag, 0), 0);
    assert_int_equal(fake_sched_switches, 0);
}

/* --- custom wake functions, keys, queue order, removal ------------------- */

struct probe {
    struct wait_queue_entry e;
    unsigned long want;                 /* wake only for keys with these bits, or no key */
    unsigned long got_key;
    int calls;
};

static int call_order[8], ncalls;

static int probe_wake(struct wait_queue_entry *e, unsigned mode, int flags, void *key)
{
    struct probe *p = container_of(e, struct probe, e);

    assert_true(host_irqs_disabled);    /* called under the queue lock */
    p->calls++;
    p->got_key = (unsigned long)key;
    call_order[ncalls++] = (int)(p - (struct probe *)e->private);
    return !key || (p->got_key & p->want);     /* no key: every event (ep_poll_callback) */
}

static void probe_init(struct probe *base, int n)
{
    ncalls = 0;
    for (int i = 0; i < n; i++) {
        base[i] = (struct probe){ .want = ~0UL };
        init_wait_entry(&base[i].e, 0);
        base[i].e.func = probe_wake;
        base[i].e.private = base;       /* lets probe_wake find its index */
    }
}

static void test_custom_wake_function_with_key(void **state)
{
    struct probe p[3];

    probe_init(p, 3);
    p[0].want = 0x1;                    /* EPOLLIN-like: not interested in 0x4 */
    for (int i = 0; i < 3; i++)
        add_wait_queue_exclusive(&wq, &p[i].e);
    assert_int_equal(wake_up_poll(&wq, 0x4), 1);
    assert_int_equal(p[0].calls, 1);    /* declined: does not use up the budget */
    assert_int_equal(p[1].calls, 1);
    assert_int_equal(p[2].calls, 0);
    assert_int_equal(p[1].got_key, 0x4);
    for (int i = 0; i < 3; i++)
        remove_wait_queue(&wq, &p[i].e);
}

static void test_shared_at_head_exclusive_at_tail(void **state)
{
    struct probe p[4];

    probe_init(p, 4);
    add_wait_queue_exclusive(&wq, &p[0].e);
    add_wait_queue(&wq, &p[1].e);
    add_wait_queue_exclusive(&wq, &p[2].e);
    add_wait_queue(&wq, &p[3].e);
    assert_int_equal(wake_up_all(&wq), 2);
    assert_int_equal(ncalls, 4);
    assert_int_equal(call_order[0], 3);
    assert_int_equal(call_order[1], 1);
    assert_int_equal(call_order[2], 0);
    assert_int_equal(call_order[3], 2);
    for (int i = 0; i < 4; i++)
        remove_wait_queue(&wq, &p[i].e);
}

static void test_remove_while_queued(void **state)
{
    struct probe p[2];

    probe_init(p, 2);
    add_wait_queue(&wq, &p[0].e);
    add_wait_queue(&wq, &p[1].e);
    remove_wait_queue(&wq, &p[0].e);
    assert_true(list_empty(&p[0].e.entry));
    wake_up_all(&wq);
    assert_int_equal(p[0].calls, 0);
    assert_int_equal(p[1].calls, 1);
    remove_wait_queue(&wq, &p[1].e);
    remove_wait_queue(&wq, &p[1].e);    /* twice is harmless */
    assert_false(waitqueue_active(&wq));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_lost_wakeup_before_schedule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_lost_wakeup_after_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wake_up_one_exclusive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exclusive_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wake_up_nr_and_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_woken_with_false_condition_sleeps_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_woken_early, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_condition_true_at_the_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_fast_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_wake_function_with_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_at_head_exclusive_at_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_while_queued, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
