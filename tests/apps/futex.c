/*
 * futex(2) and clone(2) edge cases through raw syscalls, run on Linux and in
 * the VM by tests/system/test_pthreads.py, which requires every "fx: " line
 * identical: the errno of each refused call (Linux's check order), timeouts,
 * wake counts, bitsets and requeue counts with real blocked waiters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* <linux/futex.h> values (musl-gcc has no kernel headers). */
#define FUTEX_WAIT              0
#define FUTEX_WAKE              1
#define FUTEX_REQUEUE           3
#define FUTEX_CMP_REQUEUE       4
#define FUTEX_WAIT_BITSET       9
#define FUTEX_WAKE_BITSET       10
#define FUTEX_PRIVATE_FLAG      128
#define FUTEX_CLOCK_REALTIME    256
#define FUTEX_WAIT_PRIVATE      (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE      (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE   (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)

#define KERNEL_ADDR ((uint32_t *)0xffffffff80000000ULL)

static long futex(void *uaddr, int op, uint32_t val, const void *timeout, void *uaddr2,
                  uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

/* "fx: <what>: <result>" with the errno by name, so a diff reads directly. */
static void show(const char *what, long r)
{
    const char *name;

    if (r >= 0) {
        printf("fx: %s: %ld\n", what, r);
        return;
    }
    switch (errno) {
    case EAGAIN: name = "EAGAIN"; break;
    case EINVAL: name = "EINVAL"; break;
    case EFAULT: name = "EFAULT"; break;
    case ENOSYS: name = "ENOSYS"; break;
    case ETIMEDOUT: name = "ETIMEDOUT"; break;
    case EPERM: name = "EPERM"; break;
    default: name = strerror(errno); break;
    }
    printf("fx: %s: -1 %s\n", what, name);
}

static struct timespec after_ms(clockid_t clock, long ms)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    ts.tv_nsec += ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

static void errors(void)
{
    static uint32_t word = 7;
    char *unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct timespec zero = { 0, 0 }, bad_ns = { 0, 1000000000L }, neg = { -1, 0 };
    struct timespec past = { 0, 1 };

    munmap(unmapped, 4096);
    show("wait value differs", futex(&word, FUTEX_WAIT_PRIVATE, 8, NULL, NULL, 0));
    show("wait misaligned", futex((char *)&word + 1, FUTEX_WAIT_PRIVATE, 7, NULL, NULL, 0));
    show("wait NULL", futex(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    show("wait kernel address", futex(KERNEL_ADDR, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    show("wait unmapped", futex(unmapped, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    show("wait zero timeout", futex(&word, FUTEX_WAIT_PRIVATE, 7, &zero, NULL, 0));
    show("wait timeout nsec 1e9", futex(&word, FUTEX_WAIT_PRIVATE, 7, &bad_ns, NULL, 0));
    show("wait timeout negative", futex(&word, FUTEX_WAIT_PRIVATE, 7, &neg, NULL, 0));
    show("wait timeout unmapped", futex(&word, FUTEX_WAIT_PRIVATE, 7, unmapped, NULL, 0));
    show("wait bad timeout, value differs", futex(&word, FUTEX_WAIT, 8, &bad_ns, NULL, 0));
    show("wait CLOCK_REALTIME", futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 7, NULL, NULL, 0));
    show("wait_bitset 0", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 7, NULL, NULL, 0));
    show("wait_bitset past monotonic", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 7, &past, NULL, ~0u));
    show("wait_bitset past realtime",
         futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 7, &past, NULL, ~0u));
    show("wait_bitset past, value differs", futex(&word, FUTEX_WAIT_BITSET, 8, &past, NULL, ~0u));
    show("wake nobody", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    show("wake misaligned", futex((char *)&word + 2, FUTEX_WAKE, 1, NULL, NULL, 0));
    show("wake kernel address", futex(KERNEL_ADDR, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    show("wake unmapped private", futex(unmapped, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    show("wake unmapped shared", futex(unmapped, FUTEX_WAKE, 1, NULL, NULL, 0));
    show("wake_bitset 0", futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0));
    show("requeue nobody", futex(&word, FUTEX_REQUEUE_PRIVATE, 1, (void *)1, &word, 0));
    show("requeue nr_requeue -1", futex(&word, FUTEX_REQUEUE_PRIVATE, 1, (void *)0xffffffffUL, &word, 0));
    show("cmp_requeue value differs", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &word, 8));
    show("cmp_requeue uaddr2 misaligned",
         futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, (char *)&word + 1, 7));
    show("cmp_requeue nobody", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, &word, 7));
    show("unknown op 99", futex(&word, 99, 0, NULL, NULL, 0));
}

static void timeouts(void)
{
    static uint32_t word;
    struct timespec rel = { 0, 20 * 1000000L }, deadline, t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    show("wait 20 ms relative", futex(&word, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0));
    deadline = after_ms(CLOCK_MONOTONIC, 20);
    show("wait_bitset 20 ms monotonic", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &deadline, NULL, 1));
    deadline = after_ms(CLOCK_REALTIME, 20);
    show("wait_bitset 20 ms realtime",
         futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &deadline, NULL, 1));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* 59, not 60: the realtime deadline is only as exact as the clock's ms. */
    printf("fx: three 20 ms timeouts took at least 59 ms: %s\n",
           (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 59 ? "yes" : "no");
}

/* --- real waiters: each blocks on `a` with its own bitset ------------------- */
static uint32_t a, b;
static atomic_int arrived, woke_from_a;

static void *waiter(void *arg)
{
    uint32_t bits = (uint32_t)(uintptr_t)arg;

    atomic_fetch_add(&arrived, 1);
    if (futex(&a, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, bits) == 0)
        atomic_fetch_add(&woke_from_a, 1);
    return NULL;
}

/* Start n waiters and give them time to block (they do nothing else). */
static void start_waiters(pthread_t *t, int n, uint32_t bits)
{
    struct timespec settle = { 0, 50 * 1000000L };

    atomic_store(&arrived, 0);
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], NULL, waiter, (void *)(uintptr_t)bits);
    while (atomic_load(&arrived) < n)
        sched_yield();
    nanosleep(&settle, NULL);
}

static void wakes(void)
{
    pthread_t t[4];

    start_waiters(t, 4, 1);
    show("wake 1 of 4", futex(&a, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    show("wake_bitset 2 with bit 2 (no match)", futex(&a, FUTEX_WAKE_BITSET_PRIVATE, 2, NULL, NULL, 2));
    show("wake_bitset 2 with bit 1", futex(&a, FUTEX_WAKE_BITSET_PRIVATE, 2, NULL, NULL, 1));
    show("wake 0 (wakes one)", futex(&a, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0));
    show("wake again", futex(&a, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);

    start_waiters(t, 4, ~0u);
    show("cmp_requeue wake 1 move 2 to b", futex(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)2, &b, 0));
    show("requeue wake 0 move 5 to b", futex(&a, FUTEX_REQUEUE_PRIVATE, 0, (void *)5, &b, 0));
    show("wake a", futex(&a, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
    show("wake b", futex(&b, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0));
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("fx: waits that returned 0: %d\n", atomic_load(&woke_from_a));
}

static void clone_errors(void)
{
    show("clone CLONE_THREAD without CLONE_SIGHAND", syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, 0, 0, 0));
    show("clone CLONE_SIGHAND without CLONE_VM", syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0));
    show("clone CLONE_NEWNS|CLONE_FS", syscall(SYS_clone, CLONE_NEWNS | CLONE_FS, 0, 0, 0, 0));
    show("clone CLONE_THREAD|CLONE_NEWPID",
         syscall(SYS_clone, CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_NEWPID, 0, 0, 0, 0));
    printf("fx: main thread's gettid is getpid: %s\n", syscall(SYS_gettid) == getpid() ? "yes" : "no");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("fx: start\n");
    errors();
    timeouts();
    wakes();
    clone_errors();
    printf("fx: done\n");
    return 0;
}
