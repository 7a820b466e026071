/*
 * Time syscalls: clock_gettime, clock_getres, gettimeofday, time, nanosleep,
 * clock_nanosleep (clock_gettime(2), nanosleep(2), clock_nanosleep(2)).
 * Above: do_syscall().  Below: the TSC clock (ktime_get_ns, ns since power-on)
 * and the RTC-based wall clock (ktime_get_real_ns); sleeps block in
 * schedule_timeout() on the timer wheel.  Clocks and their errnos follow
 * Linux's k_clock table (kernel/time/posix-timers.c): CPU-time and alarm
 * clocks are not provided (-EINVAL).
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

/* Clock ids, <linux/time.h>. */
#define CLOCK_REALTIME          0
#define CLOCK_MONOTONIC         1
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW     4
#define CLOCK_REALTIME_COARSE   5
#define CLOCK_MONOTONIC_COARSE  6
#define CLOCK_BOOTTIME          7
#define CLOCK_TAI               11
#define TIMER_ABSTIME           0x01

/*
 * The coarse clocks read the time of the last tick, as in Linux; a tick is
 * the timer wheel's granule, which is therefore also their resolution.
 */
#define COARSE_NS               TIMER_GRANULARITY_NS

struct user_timespec { s64 tv_sec, tv_nsec; };
struct user_timeval { s64 tv_sec, tv_usec; };
struct user_timezone { s32 tz_minuteswest, tz_dsttime; };

/*
 * Read clock `id` in ns into *ns: 0, or -EINVAL for a clock Linux has no
 * k_clock for (or one not provided here).  *can_sleep says whether
 * clock_nanosleep accepts it (Linux: only clocks with an nsleep method).
 * MONOTONIC and BOOTTIME agree (the VM never suspends); TAI is REALTIME
 * plus the TAI offset, which is 0 until someone sets it (adjtimex).
 */
static int clock_read(unsigned long id, u64 *ns, bool *can_sleep)
{
    u64 mono = ktime_get_ns(), real = ktime_get_real_ns();

    *can_sleep = false;
    switch (id) {
    case CLOCK_REALTIME: case CLOCK_TAI:
        *can_sleep = true;
        *ns = real;
        return 0;
    case CLOCK_MONOTONIC: case CLOCK_BOOTTIME:
        *can_sleep = true;
        /* fall through */
    case CLOCK_MONOTONIC_RAW:
        *ns = mono;
        return 0;
    case CLOCK_REALTIME_COARSE:
        *ns = real - mono % COARSE_NS;  /* the real time at the last tick */
        return 0;
    case CLOCK_MONOTONIC_COARSE:
        *ns = mono - mono % COARSE_NS;
        return 0;
    default:
        return -EINVAL;
    }
}

static struct user_timespec ns_to_timespec(u64 ns)
{
    return (struct user_timespec){ (s64)(ns / NSEC_PER_SEC), (s64)(ns % NSEC_PER_SEC) };
}

static long sys_clock_gettime(unsigned long id, unsigned long utp, unsigned long a2,
                              unsigned long a3, unsigned long a4, unsigned long a5)
{
    bool can_sleep;
    u64 ns;
    int err = clock_read((unsigned)id, &ns, &can_sleep);

    return err ? err : put_user(ns_to_timespec(ns), (struct user_timespec *)utp);
}
SYSCALL_DEFINE(clock_gettime, sys_clock_gettime);

/* res may be NULL (only the clock is checked); 1 ns except for the coarse clocks. */
static long sys_clock_getres(unsigned long id, unsigned long ures, unsigned long a2,
                             unsigned long a3, unsigned long a4, unsigned long a5)
{
    bool can_sleep;
    u64 ns;
    int err = clock_read((unsigned)id, &ns, &can_sleep);
    bool coarse = (unsigned)id == CLOCK_REALTIME_COARSE || (unsigned)id == CLOCK_MONOTONIC_COARSE;

    if (err || !ures)
        return err;
    return put_user(ns_to_timespec(coarse ? COARSE_NS : 1), (struct user_timespec *)ures);
}
SYSCALL_DEFINE(clock_getres, sys_clock_getres);

/* Either pointer may be NULL; the time zone is always UTC (Linux's default sys_tz). */
static long sys_gettimeofday(unsigned long utv, unsigned long utz, unsigned long a2,
                             unsigned long a3, unsigned long a4, unsigned long a5)
{
    u64 ns = ktime_get_real_ns();
    struct user_timeval tv = { (s64)(ns / NSEC_PER_SEC), (s64)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
    struct user_timezone tz = { 0, 0 };

    if (utv && copy_to_user((void *)utv, &tv, sizeof(tv)))
        return -EFAULT;
    if (utz && copy_to_user((void *)utz, &tz, sizeof(tz)))
        return -EFAULT;
    return 0;
}
SYSCALL_DEFINE(gettimeofday, sys_gettimeofday);

/* time(2): seconds since the epoch, also stored at tloc unless NULL. */
static long sys_time(unsigned long utloc, unsigned long a1, unsigned long a2,
                     unsigned long a3, unsigned long a4, unsigned long a5)
{
    s64 secs = (s64)(ktime_get_real_ns() / NSEC_PER_SEC);

    if (utloc && put_user(secs, (s64 *)utloc))
        return -EFAULT;
    return secs;
}
SYSCALL_DEFINE(time, sys_time);

/* Declared in <kernel/time.h> (timerfd uses it too). */
int get_timespec_ns(unsigned long utp, u64 *ns)
{
    struct user_timespec ts;

    if (copy_from_user(&ts, (void *)utp, sizeof(ts)))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (s64)NSEC_PER_SEC)
        return -EINVAL;
    if ((u64)ts.tv_sec >= UINT64_MAX / NSEC_PER_SEC)
        *ns = UINT64_MAX;
    else
        *ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
    return 0;
}

/* Block until clock `id` reads at least `target` ns.  No signals: never cut short. */
static void sleep_until(unsigned id, u64 target)
{
    bool can_sleep;
    u64 now;

    while (!clock_read(id, &now, &can_sleep) && now < target) {
        set_current_state(TASK_UNINTERRUPTIBLE);
        schedule_timeout(target - now);
    }
}

/* rem is written only when a signal cuts a sleep short, which never happens here. */
static long sys_nanosleep(unsigned long ureq, unsigned long urem, unsigned long a2,
                          unsigned long a3, unsigned long a4, unsigned long a5)
{
    u64 ns;
    int err = get_timespec_ns(ureq, &ns);

    if (err)
        return err;
    sleep_until(CLOCK_MONOTONIC, ktime_get_ns() + MIN(ns, UINT64_MAX - ktime_get_ns()));
    return 0;
}
SYSCALL_DEFINE(nanosleep, sys_nanosleep);

/*
 * clock_nanosleep(2) as the raw syscall: 0 or -errno.  -EINVAL for an unknown
 * clock, -EOPNOTSUPP for one that cannot sleep (raw, coarse, thread CPU time),
 * then the timespec checks.  Flags other than TIMER_ABSTIME are ignored, as
 * in Linux.
 */
static long sys_clock_nanosleep(unsigned long id, unsigned long flags, unsigned long ureq,
                                unsigned long urem, unsigned long a4, unsigned long a5)
{
    bool can_sleep;
    u64 now, ns;
    int err = clock_read((unsigned)id, &now, &can_sleep);

    if ((unsigned)id == CLOCK_THREAD_CPUTIME_ID)    /* a known clock without nsleep */
        return -EOPNOTSUPP;
    if (err)
        return err;
    if (!can_sleep)
        return -EOPNOTSUPP;
    err = get_timespec_ns(ureq, &ns);
    if (err)
        return err;
    sleep_until((unsigned)id, flags & TIMER_ABSTIME ? ns : now + MIN(ns, UINT64_MAX - now));
    return 0;
}
SYSCALL_DEFINE(clock_nanosleep, sys_clock_nanosleep);
