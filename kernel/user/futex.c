/*
 * futex(2): FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET,
 * FUTEX_REQUEUE and FUTEX_CMP_REQUEUE, with FUTEX_PRIVATE_FLAG and
 * FUTEX_CLOCK_REALTIME, following Linux's kernel/futex/{syscalls,waitwake,
 * requeue,core}.c check for check so errors match.  Above: the syscall
 * table and thread exit (CLONE_CHILD_CLEARTID).  Below: uaccess and
 * schedule_timeout().  Owns the hash of waiters.  Waiters live on their own
 * kernel stacks; every list change is thread context on a non-preemptive
 * uniprocessor kernel (timeouts wake through schedule_timeout's own timer,
 * never touching the lists), so no lock is needed.  PI futexes and
 * FUTEX_WAKE_OP are not implemented (-ENOSYS): musl uses neither by default.
 */
#include <kernel/errno.h>
#include <kernel/futex.h>
#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <linux/futex.h>

#define FUTEX_HASH_BITS 6

/* One blocked FUTEX_WAIT[_BITSET] caller, on its stack. */
struct futex_q {
    struct list_head node;      /* on futex_hash[hash(key)] while queued */
    u64 key;                    /* the user address */
    u32 bitset;
    struct thread *task;
    bool woken;                 /* set by the waker, which also unqueues */
};

static struct list_head futex_hash[1 << FUTEX_HASH_BITS];

/* The 64-bit golden-ratio multiplier (Linux hash_64) over the word index. */
static struct list_head *bucket(u64 key)
{
    struct list_head *b = &futex_hash[((key >> 2) * 0x61c8864680b583ebULL) >> (64 - FUTEX_HASH_BITS)];

    if (!b->next)               /* zero-initialised: first use */
        INIT_LIST_HEAD(b);
    return b;
}

/*
 * get_futex_key(): -EINVAL if not u32-aligned, -EFAULT outside user space;
 * a shared key needs the page mapped (Linux pins it), a private one not.
 */
static int futex_key(u64 uaddr, bool shared)
{
    u32 v;

    if (uaddr % sizeof(u32))
        return -EINVAL;
    if (!access_ok((void *)uaddr, sizeof(u32)))
        return -EFAULT;
    return shared ? get_user(v, (u32 *)uaddr) : 0;
}

static void futex_wake_q(struct futex_q *q)
{
    list_del_init(&q->node);
    q->woken = true;
    wake_up_process(q->task);
}

long futex_wake(u64 uaddr, bool shared, int nr, u32 bitset)
{
    struct list_head *b = bucket(uaddr);
    struct futex_q *q, *next;
    int err, woke = 0;

    if (!bitset)
        return -EINVAL;
    err = futex_key(uaddr, shared);
    if (err)
        return err;
    list_for_each_entry_safe(q, next, b, node) {
        if (q->key != uaddr || !(q->bitset & bitset))
            continue;
        futex_wake_q(q);
        if (++woke >= nr)
            break;
    }
    return woke;
}

/*
 * Block while *uaddr == val until woken or timeout_ns (UINT64_MAX: none)
 * runs out.  The value check and the queueing happen without a switch in
 * between, which is what makes it atomic against a waker here.
 */
static long futex_wait(u64 uaddr, bool shared, u32 val, u64 timeout_ns, u32 bitset)
{
    struct futex_q q = { .key = uaddr, .bitset = bitset, .task = current };
    u32 cur;
    int err;

    if (!bitset)
        return -EINVAL;
    err = futex_key(uaddr, shared);
    if (err)
        return err;
    if (get_user(cur, (u32 *)uaddr))
        return -EFAULT;
    if (cur != val)
        return -EAGAIN;
    list_add_tail(&q.node, bucket(uaddr));
    while (!q.woken) {
        if (timeout_ns == 0) {
            list_del(&q.node);
            return -ETIMEDOUT;
        }
        set_current_state(TASK_UNINTERRUPTIBLE);
        timeout_ns = schedule_timeout(timeout_ns);
    }
    return 0;
}

/*
 * Wake nr_wake waiters on uaddr, then move up to nr_requeue more to uaddr2;
 * returns both counts together (Linux's task_count), with Linux's loop so
 * that the edge cases (nr_wake 0) agree.
 */
static long futex_requeue(u64 uaddr, u64 uaddr2, bool shared, int nr_wake, int nr_requeue,
                          const u32 *cmpval)
{
    struct list_head *b1 = bucket(uaddr), *b2 = bucket(uaddr2);
    struct futex_q *q, *next;
    int err, count = 0;
    u32 cur;

    if (nr_wake < 0 || nr_requeue < 0)
        return -EINVAL;
    if ((err = futex_key(uaddr, shared)) || (err = futex_key(uaddr2, shared)))
        return err;
    if (cmpval) {
        if (get_user(cur, (u32 *)uaddr))
            return -EFAULT;
        if (cur != *cmpval)
            return -EAGAIN;
    }
    list_for_each_entry_safe(q, next, b1, node) {
        if (count - nr_wake >= nr_requeue)
            break;
        if (q->key != uaddr)
            continue;
        if (++count <= nr_wake) {
            futex_wake_q(q);
            continue;
        }
        q->key = uaddr2;
        if (b1 != b2)           /* same bucket: the walk must not meet it again */
            list_move_tail(&q->node, b2);
    }
    return count;
}

/* The user timespec as ns, capped so that far deadlines mean "no timeout". */
static int timeout_to_ns(u64 utime, u64 *ns)
{
    struct { s64 sec, nsec; } ts;

    if (copy_from_user(&ts, (void *)utime, sizeof(ts)))
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (s64)NSEC_PER_SEC)
        return -EINVAL;
    if ((u64)ts.sec >= UINT64_MAX / NSEC_PER_SEC - 1)
        *ns = UINT64_MAX;
    else
        *ns = (u64)ts.sec * NSEC_PER_SEC + (u64)ts.nsec;
    return 0;
}

/*
 * futex_init_timeout(): FUTEX_WAIT's timeout is relative; WAIT_BITSET's is
 * an absolute CLOCK_MONOTONIC (or, with FUTEX_CLOCK_REALTIME, REALTIME)
 * time.  Returns the ns left from now, UINT64_MAX for none.  Parsed for
 * every command Linux parses it for, so a bad pointer is -EFAULT first.
 */
static int wait_timeout(int cmd, int op, u64 utime, u64 *left)
{
    u64 t, now;
    int err;

    *left = UINT64_MAX;
    if (!utime || (cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI &&
                   cmd != FUTEX_LOCK_PI2 && cmd != FUTEX_WAIT_REQUEUE_PI))
        return 0;
    err = timeout_to_ns(utime, &t);
    if (err || cmd == FUTEX_WAIT || t == UINT64_MAX) {
        *left = t;
        return err;
    }
    now = op & FUTEX_CLOCK_REALTIME ? ktime_get_real_ns() : ktime_get_ns();
    *left = t > now ? t - now : 0;
    return 0;
}

static long sys_futex(unsigned long uaddr, unsigned long op, unsigned long val,
                      unsigned long utime, unsigned long uaddr2, unsigned long val3)
{
    int cmd = (int)op & FUTEX_CMD_MASK;
    bool shared = !(op & FUTEX_PRIVATE_FLAG);
    u32 cmpval = (u32)val3;
    u64 left;
    int err = wait_timeout(cmd, (int)op, utime, &left);

    if (err)
        return err;
    if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET &&
        cmd != FUTEX_WAIT_REQUEUE_PI && cmd != FUTEX_LOCK_PI2)
        return -ENOSYS;
    switch (cmd) {
    case FUTEX_WAIT:
        return futex_wait(uaddr, shared, (u32)val, left, FUTEX_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
        return futex_wait(uaddr, shared, (u32)val, left, (u32)val3);
    case FUTEX_WAKE:
        return futex_wake(uaddr, shared, (int)val, FUTEX_MATCH_ANY);
    case FUTEX_WAKE_BITSET:
        return futex_wake(uaddr, shared, (int)val, (u32)val3);
    case FUTEX_REQUEUE:         /* the timeout argument carries nr_requeue */
        return futex_requeue(uaddr, uaddr2, shared, (int)val, (int)(u32)utime, NULL);
    case FUTEX_CMP_REQUEUE:
        return futex_requeue(uaddr, uaddr2, shared, (int)val, (int)(u32)utime, &cmpval);
    default:
        return -ENOSYS;
    }
}
SYSCALL_DEFINE(futex, sys_futex);
