/*
 * KTEST("threads") (boot with ktest=threads; tests/system/test_threads.py):
 * the real scheduler, switch and wait queues under load.  (a) a token ring of
 * RING_THREADS threads blocking on wait queues, (b) exclusive wake-ups wake
 * exactly one waiter each, (c) msleep never wakes early, (d) everything joined
 * and freed.  Each fact is one console line; the return value is 0 only if
 * all hold.  Runs in thread "init".
 */
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <kernel/wait.h>

#define RING_THREADS    64
#define RING_ROUNDS     20
#define EXCL_THREADS    8
#define EXCL_ONE_BY_ONE 3
#define SLEEP_THREADS   32
#define SLEEP_MAX_MS    50

static int spawn(struct thread **t, unsigned n, const char *name, int (*fn)(void *))
{
    for (unsigned i = 0; i < n; i++) {
        t[i] = kthread_create(name, fn, (void *)(unsigned long)i);
        if (!t[i]) {
            pr_err("threads: kthread_create %u failed", i);
            return -1;
        }
    }
    return 0;
}

/* Joins every thread that exists; sums their exit codes (0 = all fine). */
static int join_all(struct thread **t, unsigned n)
{
    int bad = 0;

    for (unsigned i = 0; i < n && t[i]; i++)
        bad += kthread_join(t[i]) != 0;
    return bad;
}

/* (a) ring: thread i waits for a token from thread i-1 and passes it on. */
static struct wait_queue_head ring_wq[RING_THREADS];
static unsigned ring_tokens[RING_THREADS];
static unsigned ring_hops;

static int ring_fn(void *arg)
{
    unsigned i = (unsigned long)arg, next = (i + 1) % RING_THREADS;
    int out_of_order = 0;

    for (unsigned r = 0; r < RING_ROUNDS; r++) {
        wait_event(&ring_wq[i], ring_tokens[i] > 0);
        ring_tokens[i]--;
        out_of_order += ring_hops % RING_THREADS != i;
        ring_hops++;
        ring_tokens[next]++;
        wake_up(&ring_wq[next]);
    }
    return out_of_order;
}

static bool test_ring(void)
{
    struct thread *t[RING_THREADS] = { 0 };
    int bad;

    for (unsigned i = 0; i < RING_THREADS; i++)
        init_waitqueue_head(&ring_wq[i]);
    bad = spawn(t, RING_THREADS, "ring", ring_fn);
    if (!bad) {
        ring_tokens[0] = 1;
        wake_up(&ring_wq[0]);
    }
    bad += join_all(t, RING_THREADS);
    pr_info("threads: ring of %u threads: %u hand-offs of %u, %s order",
            RING_THREADS, ring_hops, RING_THREADS * RING_ROUNDS, bad ? "wrong" : "ring");
    pr_info("threads: ring rounds completed %u of %u", ring_hops / RING_THREADS, RING_ROUNDS);
    return !bad && ring_hops == RING_THREADS * RING_ROUNDS && ring_tokens[0] == 1;
}

/* (b) exclusive waiters: each wake_up() must wake exactly one of them. */
static DECLARE_WAIT_QUEUE_HEAD(excl_wq);
static unsigned excl_tokens, excl_waiting, excl_done;
static unsigned excl_order[EXCL_THREADS];

static int excl_fn(void *arg)
{
    excl_waiting++;
    wait_event_exclusive(&excl_wq, excl_tokens > 0);
    excl_tokens--;
    excl_waiting--;
    excl_order[excl_done++] = (unsigned long)arg;
    return 0;
}

/* Threads among t[0..n) woken but not yet run: what the last wake reached. */
static unsigned count_runnable(struct thread **t, unsigned n)
{
    unsigned c = 0;

    for (unsigned i = 0; i < n; i++)
        c += t[i]->state == TASK_RUNNING;
    return c;
}

/* Add `tokens`, wake, report how many of the waiters became runnable, let them finish. */
static bool excl_round(struct thread **t, unsigned tokens, bool all, unsigned k)
{
    unsigned waiting = excl_waiting, target = excl_done + tokens, woke;
    int ret;

    excl_tokens += tokens;
    ret = all ? wake_up_all(&excl_wq) : wake_up(&excl_wq);
    woke = count_runnable(t, EXCL_THREADS);
    if (all)
        pr_info("threads: exclusive wake_up_all woke %u of %u waiting", woke, waiting);
    else
        pr_info("threads: exclusive wake_up #%u woke %u of %u waiting", k, woke, waiting);
    while (excl_done < target)
        yield();
    return woke == tokens && ret == (int)tokens && excl_waiting == waiting - tokens;
}

static bool test_exclusive(void)
{
    struct thread *t[EXCL_THREADS] = { 0 };
    bool ok = !spawn(t, EXCL_THREADS, "excl", excl_fn), fifo = true;

    while (ok && excl_waiting < EXCL_THREADS)
        yield();
    for (unsigned k = 1; ok && k <= EXCL_ONE_BY_ONE; k++)
        ok = excl_round(t, 1, false, k);
    if (ok)
        ok = excl_round(t, EXCL_THREADS - EXCL_ONE_BY_ONE, true, 0);
    for (unsigned i = 0; ok && i < EXCL_ONE_BY_ONE; i++)
        fifo &= excl_order[i] == i;
    pr_info("threads: exclusive waiters woke in FIFO order: %s", fifo ? "yes" : "no");
    return !join_all(t, EXCL_THREADS) && ok && fifo;
}

/* (c) sleepers: msleep(d) must never return before d ms have passed. */
static unsigned sleep_ms[SLEEP_THREADS];
static u64 sleep_late_ns[SLEEP_THREADS];

static int sleep_fn(void *arg)
{
    unsigned i = (unsigned long)arg;
    u64 start = ktime_get_ns(), slept;

    msleep(sleep_ms[i]);
    slept = ktime_get_ns() - start;
    if (slept < sleep_ms[i] * NSEC_PER_MSEC)
        return 1;
    sleep_late_ns[i] = slept - sleep_ms[i] * NSEC_PER_MSEC;
    return 0;
}

static bool test_sleep(void)
{
    struct thread *t[SLEEP_THREADS] = { 0 };
    u32 seed = 0x2545f491;
    u64 late = 0;
    int early;

    for (unsigned i = 0; i < SLEEP_THREADS; i++) {
        seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;     /* xorshift32 */
        sleep_ms[i] = 1 + seed % SLEEP_MAX_MS;
    }
    early = spawn(t, SLEEP_THREADS, "sleep", sleep_fn) ? 1 : 0;
    early += join_all(t, SLEEP_THREADS);
    for (unsigned i = 0; i < SLEEP_THREADS; i++)
        late = MAX(late, sleep_late_ns[i]);
    pr_info("threads: msleep %u threads, %d woke early, latest %llu us late",
            SLEEP_THREADS, early, (unsigned long long)(late / NSEC_PER_USEC));
    return !early;
}

/* A condition nobody makes true: the timeout alone must end the wait, not early. */
static DECLARE_WAIT_QUEUE_HEAD(never_wq);

static bool test_timeout(void)
{
    u64 start = ktime_get_ns(), left, took;

    left = wait_event_timeout(&never_wq, false, 10 * NSEC_PER_MSEC);
    took = ktime_get_ns() - start;
    pr_info("threads: wait_event_timeout 10 ms on a false condition returned %llu after %llu us",
            (unsigned long long)left, (unsigned long long)(took / NSEC_PER_USEC));
    return left == 0 && took >= 10 * NSEC_PER_MSEC;
}

static int threads_ktest(void)
{
    u64 heap = kmem_bytes_in_use();
    bool ok = true;

    ok &= test_ring();
    ok &= test_exclusive();
    if (ktime_get_ns()) {
        ok &= test_sleep();
        ok &= test_timeout();
    } else {
        pr_info("threads: msleep test skipped: the clock does not run");
    }
    pr_info("threads: %u threads left (init and idle)", nr_threads());
    pr_info("threads: heap %llu bytes in use, %llu before",
            (unsigned long long)kmem_bytes_in_use(), (unsigned long long)heap);
    ok &= nr_threads() == 2 && kmem_bytes_in_use() == heap;
    return ok ? 0 : 1;
}
KTEST("threads", threads_ktest);
