/*
 * pthreads on this kernel and on Linux, same binary, same output: every
 * line starting "th: " is deterministic whatever the scheduling, and
 * tests/system/test_pthreads.py requires them identical.  Covers clone
 * (musl's pthread_create flags), futex wait/wake/requeue through mutexes,
 * condition variables and barriers, CLONE_CHILD_CLEARTID through join,
 * TLS (CLONE_SETTLS), detached threads, sleeping threads, and preemption: a
 * thread spinning in user mode must not starve the others.
 * `threads exit-from-thread` instead ends the process with exit(3) from a
 * second thread while main is blocked in pthread_join (exit_group).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 8
#define INCREMENTS 20000
#define ITEMS 2000
#define CONSUMERS 4
#define DETACHED 32
#define CYCLES 200

static void check(int err, const char *what)
{
    if (err) {
        printf("th: FAIL %s: %s\n", what, strerror(err));
        exit(1);
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- mutex: 8 threads x 20000 increments --------------------------------- */
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *incrementer(void *arg)
{
    for (int i = 0; i < INCREMENTS; i++) {
        pthread_mutex_lock(&count_lock);
        counter++;
        pthread_mutex_unlock(&count_lock);
        if (i % 1000 == 0)
            sched_yield();
    }
    return (void *)((long)arg * 10);
}

static void test_mutex(void)
{
    pthread_t t[NTHREADS];
    long sum = 0;

    for (long i = 0; i < NTHREADS; i++)
        check(pthread_create(&t[i], NULL, incrementer, (void *)i), "pthread_create");
    for (int i = 0; i < NTHREADS; i++) {
        void *ret;
        check(pthread_join(t[i], &ret), "pthread_join");
        sum += (long)ret;
    }
    printf("th: mutex: %d threads, counter %ld, join values sum %ld\n", NTHREADS, counter, sum);
}

/* --- condition variables: a bounded queue, 1 producer, 4 consumers ------- */
#define QSIZE 16
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_nonfull = PTHREAD_COND_INITIALIZER;
static int queue[QSIZE], q_head, q_len;
static bool q_done;

static void *consumer(void *arg)
{
    (void)arg;
    long sum = 0;

    for (;;) {
        pthread_mutex_lock(&q_lock);
        while (q_len == 0 && !q_done)
            pthread_cond_wait(&q_nonempty, &q_lock);
        if (q_len == 0) {
            pthread_mutex_unlock(&q_lock);
            return (void *)sum;
        }
        sum += queue[q_head];
        q_head = (q_head + 1) % QSIZE;
        q_len--;
        pthread_cond_signal(&q_nonfull);
        pthread_mutex_unlock(&q_lock);
    }
}

static void test_condvar(void)
{
    pthread_t t[CONSUMERS];
    long total = 0;

    for (int i = 0; i < CONSUMERS; i++)
        check(pthread_create(&t[i], NULL, consumer, NULL), "pthread_create");
    for (int v = 1; v <= ITEMS; v++) {
        pthread_mutex_lock(&q_lock);
        while (q_len == QSIZE)
            pthread_cond_wait(&q_nonfull, &q_lock);
        queue[(q_head + q_len++) % QSIZE] = v;
        pthread_cond_signal(&q_nonempty);
        pthread_mutex_unlock(&q_lock);
    }
    pthread_mutex_lock(&q_lock);
    q_done = true;
    pthread_cond_broadcast(&q_nonempty);
    pthread_mutex_unlock(&q_lock);
    for (int i = 0; i < CONSUMERS; i++) {
        void *ret;
        check(pthread_join(t[i], &ret), "pthread_join");
        total += (long)ret;
    }
    printf("th: condvar: %d items through %d consumers, sum %ld (want %ld)\n", ITEMS,
           CONSUMERS, total, (long)ITEMS * (ITEMS + 1) / 2);
}

/* --- broadcast to many waiters (musl requeues them onto the mutex) -------- */
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t go_lock = PTHREAD_MUTEX_INITIALIZER;
static int go_flag, go_waiting, go_passed;

static void *go_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&go_lock);
    go_waiting++;
    while (!go_flag)
        pthread_cond_wait(&go, &go_lock);
    go_passed++;
    pthread_mutex_unlock(&go_lock);
    return NULL;
}

static void test_broadcast(void)
{
    pthread_t t[NTHREADS];
    int waiting;

    for (int i = 0; i < NTHREADS; i++)
        check(pthread_create(&t[i], NULL, go_waiter, NULL), "pthread_create");
    do {
        sleep_ms(5);
        pthread_mutex_lock(&go_lock);
        waiting = go_waiting;
        pthread_mutex_unlock(&go_lock);
    } while (waiting < NTHREADS);
    pthread_mutex_lock(&go_lock);
    go_flag = 1;
    pthread_cond_broadcast(&go);
    pthread_mutex_unlock(&go_lock);
    for (int i = 0; i < NTHREADS; i++)
        check(pthread_join(t[i], NULL), "pthread_join");
    printf("th: broadcast: %d of %d waiters passed\n", go_passed, NTHREADS);
}

/* --- timed wait, barrier ---------------------------------------------------- */
static void test_timedwait(void)
{
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    struct timespec ts;
    long start = now_ms();
    int err;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 30 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m);
    err = pthread_cond_timedwait(&c, &m, &ts);
    pthread_mutex_unlock(&m);
    printf("th: cond_timedwait 30 ms: %s, waited at least 25 ms: %s\n",
           err == ETIMEDOUT ? "ETIMEDOUT" : strerror(err), now_ms() - start >= 25 ? "yes" : "no");
}

static pthread_barrier_t barrier;
static atomic_int serial_count;

static void *barrier_thread(void *arg)
{
    (void)arg;
    for (int round = 0; round < 10; round++)
        if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
            atomic_fetch_add(&serial_count, 1);
    return NULL;
}

static void test_barrier(void)
{
    pthread_t t[NTHREADS];

    check(pthread_barrier_init(&barrier, NULL, NTHREADS), "pthread_barrier_init");
    for (int i = 0; i < NTHREADS; i++)
        check(pthread_create(&t[i], NULL, barrier_thread, NULL), "pthread_create");
    for (int i = 0; i < NTHREADS; i++)
        check(pthread_join(t[i], NULL), "pthread_join");
    printf("th: barrier: 10 rounds of %d, serial threads %d\n", NTHREADS, atomic_load(&serial_count));
}

/* --- TLS and ids ------------------------------------------------------------ */
static __thread long tls_value = 42;
static __thread char tls_buf[64];

static void *tls_thread(void *arg)
{
    long id = (long)arg;
    int ok = tls_value == 42 && tls_buf[0] == 0;   /* a fresh copy of the TLS image */
    char want[64];

    tls_value = id;
    snprintf(tls_buf, sizeof(tls_buf), "thread-%ld", id);
    sched_yield();
    sleep_ms(2);
    snprintf(want, sizeof(want), "thread-%ld", id);
    ok = ok && tls_value == id && strcmp(tls_buf, want) == 0;
    ok = ok && syscall(SYS_gettid) != getpid();
    return (void *)(long)ok;
}

static void test_tls(void)
{
    pthread_t t[NTHREADS];
    int good = 0;

    tls_value = -1;
    for (long i = 0; i < NTHREADS; i++)
        check(pthread_create(&t[i], NULL, tls_thread, (void *)i), "pthread_create");
    for (int i = 0; i < NTHREADS; i++) {
        void *ret;
        check(pthread_join(t[i], &ret), "pthread_join");
        good += (int)(long)ret;
    }
    printf("th: tls: %d of %d threads kept their own values, main's %ld, main tid == pid: %s\n",
           good, NTHREADS, tls_value, syscall(SYS_gettid) == getpid() ? "yes" : "no");
}

/* --- preemption: a spinner must not starve main ----------------------------- */
static atomic_int spin_stop, spin_started;
static atomic_long spins;

static void *spinner(void *arg)
{
    (void)arg;
    atomic_store(&spin_started, 1);
    while (!atomic_load_explicit(&spin_stop, memory_order_relaxed))
        atomic_fetch_add_explicit(&spins, 1, memory_order_relaxed);
    return NULL;
}

static void test_preemption(void)
{
    pthread_t t[2];
    long start;

    for (int i = 0; i < 2; i++)
        check(pthread_create(&t[i], NULL, spinner, NULL), "pthread_create");
    while (!atomic_load(&spin_started))
        sched_yield();
    /* Without preemption the spinners keep the CPU and this sleep never ends. */
    start = now_ms();
    sleep_ms(50);
    atomic_store(&spin_stop, 1);
    for (int i = 0; i < 2; i++)
        check(pthread_join(t[i], NULL), "pthread_join");
    printf("th: preemption: main slept 50 ms beside 2 spinners and woke: %s, spinners ran: %s\n",
           now_ms() - start < 5000 ? "yes" : "late", atomic_load(&spins) > 0 ? "yes" : "no");
}

/* --- sleepers wake in deadline order ---------------------------------------- */
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static int wake_order[4], wake_n;

static void *sleeper(void *arg)
{
    long i = (long)arg;

    sleep_ms(40 * (i + 1));
    pthread_mutex_lock(&order_lock);
    wake_order[wake_n++] = (int)i;
    pthread_mutex_unlock(&order_lock);
    return NULL;
}

static void test_sleepers(void)
{
    pthread_t t[4];

    for (long i = 3; i >= 0; i--)
        check(pthread_create(&t[i], NULL, sleeper, (void *)i), "pthread_create");
    for (int i = 0; i < 4; i++)
        check(pthread_join(t[i], NULL), "pthread_join");
    printf("th: sleepers woke in order %d %d %d %d\n", wake_order[0], wake_order[1],
           wake_order[2], wake_order[3]);
}

/* --- detached threads and many create/join cycles ----------------------------- */
static pthread_mutex_t det_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t det_cond = PTHREAD_COND_INITIALIZER;
static int det_done;

static void *detached(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&det_lock);
    det_done++;
    pthread_cond_signal(&det_cond);
    pthread_mutex_unlock(&det_lock);
    return NULL;
}

static void *trivial(void *arg)
{
    return arg;
}

static void test_lifetimes(void)
{
    pthread_attr_t attr;
    long sum = 0;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < DETACHED; i++) {
        pthread_t t;
        check(pthread_create(&t, &attr, detached, NULL), "pthread_create detached");
    }
    pthread_mutex_lock(&det_lock);
    while (det_done < DETACHED)
        pthread_cond_wait(&det_cond, &det_lock);
    pthread_mutex_unlock(&det_lock);
    for (long i = 0; i < CYCLES; i++) {
        pthread_t t;
        void *ret;
        check(pthread_create(&t, NULL, trivial, (void *)i), "pthread_create");
        check(pthread_join(t, &ret), "pthread_join");
        sum += (long)ret;
    }
    printf("th: lifetimes: %d detached threads ran, %d create/join cycles, sum %ld\n",
           det_done, CYCLES, sum);
}

/* --- exit(3) from a second thread ends everything ----------------------------- */
static void *exiter(void *arg)
{
    (void)arg;
    sleep_ms(20);
    printf("th: exiting from a thread with status 3\n");
    fflush(stdout);
    exit(3);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("th: start\n");
    if (argc > 1 && strcmp(argv[1], "exit-from-thread") == 0) {
        pthread_t t;
        check(pthread_create(&t, NULL, exiter, NULL), "pthread_create");
        pthread_join(t, NULL);
        printf("th: FAIL pthread_join returned\n");
        return 1;
    }
    test_mutex();
    test_condvar();
    test_broadcast();
    test_timedwait();
    test_barrier();
    test_tls();
    test_preemption();
    test_sleepers();
    test_lifetimes();
    printf("th: done\n");
    return 0;
}
