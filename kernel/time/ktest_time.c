/*
 * Self-tests of the clock and timers, run with `ktest=time` or
 * `ktest=timers` (tests/system/test_time.py reads their lines).  They sleep
 * on a wait queue that timer callbacks (softirq context) wake.
 */
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <kernel/wait.h>

#define TICK_NS         (250 * NSEC_PER_MSEC)
#define NR_TICKS        12
#define MAX_LATE_NS     (100 * NSEC_PER_MSEC)   /* TCG on a shared host */
#define NR_TIMERS       2000
#define SPREAD_NS       (500 * NSEC_PER_MSEC)

static DECLARE_WAIT_QUEUE_HEAD(ktest_wq);

static struct tick_state {
    struct timer_list timer;
    unsigned count;
    u64 at[NR_TICKS], due[NR_TICKS];
} ticks;

/* Period-locked: the next expiry follows the last one, not the firing time. */
static void tick_fn(struct timer_list *t)
{
    if (ticks.count < NR_TICKS) {
        ticks.due[ticks.count] = t->expires;
        ticks.at[ticks.count] = ktime_get_ns();
        ticks.count++;
    }
    if (ticks.count < NR_TICKS)
        mod_timer(t, t->expires + TICK_NS);
    wake_up(&ktest_wq);
}

static int ktest_time(void)
{
    u64 real = ktime_get_real_ns(), worst = 0;
    int bad = 0;

    pr_info("time: tsc_mhz=%llu.%03llu", (unsigned long long)(tsc_khz / 1000),
            (unsigned long long)(tsc_khz % 1000));
    pr_info("time: realtime %llu.%03llu", (unsigned long long)(real / NSEC_PER_SEC),
            (unsigned long long)(real % NSEC_PER_SEC / NSEC_PER_MSEC));
    timer_setup(&ticks.timer, tick_fn);
    mod_timer(&ticks.timer, ktime_get_ns() + TICK_NS);
    for (unsigned i = 0; i < NR_TICKS; i++) {
        u64 late;

        wait_event(&ktest_wq, READ_ONCE(ticks.count) > i);
        pr_info("time: tick %u mono_ns=%llu", i, (unsigned long long)ticks.at[i]);
        if (ticks.at[i] < ticks.due[i]) {
            pr_err("time: tick %u fired %llu ns early", i,
                   (unsigned long long)(ticks.due[i] - ticks.at[i]));
            bad = 1;
            continue;
        }
        late = ticks.at[i] - ticks.due[i];
        worst = MAX(worst, late);
        bad |= late > MAX_LATE_NS;
    }
    pr_info("time: max tick lateness %llu us", (unsigned long long)(worst / NSEC_PER_USEC));
    return bad;
}
KTEST("time", ktest_time);

static struct storm_state {
    struct timer_list t[NR_TIMERS];
    u64 fired_at[NR_TIMERS];
    unsigned fired[NR_TIMERS];
    unsigned nr_fired;
    u64 last_tick;              /* expiry tick of the previous firing */
    unsigned out_of_order;
} *storm;                       /* ~100 KiB: allocated by the test, not in every image's BSS */

static void storm_fn(struct timer_list *t)
{
    unsigned i = (unsigned)(t - storm->t);
    u64 tick = (t->expires + TIMER_GRANULARITY_NS - 1) >> TIMER_TICK_SHIFT;

    storm->fired[i]++;
    storm->fired_at[i] = ktime_get_ns();
    /* Timers of one granule fire in any order; across granules, in order. */
    storm->out_of_order += tick < storm->last_tick;
    storm->last_tick = MAX(storm->last_tick, tick);
    storm->nr_fired++;
    wake_up(&ktest_wq);
}

/* 2000 timers over 0.5 s, every 7th cancelled: each fires once, in order, never early. */
static int ktest_timers(void)
{
    u32 rng = 0x12345678;
    unsigned expect = 0, bad = 0;
    u64 start, worst = 0;
    int ret;

    storm = kzalloc(sizeof(*storm));
    if (!storm)
        return 1;
    start = ktime_get_ns();
    for (unsigned i = 0; i < NR_TIMERS; i++) {
        rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
        timer_setup(&storm->t[i], storm_fn);
        mod_timer(&storm->t[i], start + 1 + rng % SPREAD_NS);
    }
    for (unsigned i = 0; i < NR_TIMERS; i += 7)
        del_timer(&storm->t[i]);
    expect = NR_TIMERS - (NR_TIMERS + 6) / 7;
    pr_info("timers: %u armed, %u pending", NR_TIMERS, timers_pending());
    if (!wait_event_timeout(&ktest_wq, READ_ONCE(storm->nr_fired) >= expect, 5 * NSEC_PER_SEC))
        pr_err("timers: only %u of %u fired within 5 s", storm->nr_fired, expect);
    for (unsigned i = 0; i < NR_TIMERS; i++) {
        bool cancelled = i % 7 == 0;

        if (storm->fired[i] != !cancelled || (!cancelled && storm->fired_at[i] < storm->t[i].expires)) {
            bad++;
            continue;
        }
        if (!cancelled)
            worst = MAX(worst, storm->fired_at[i] - storm->t[i].expires);
    }
    pr_info("timers: %u fired, %u wrong, %u out of order, max lateness %llu us, %u pending",
            storm->nr_fired, bad, storm->out_of_order,
            (unsigned long long)(worst / NSEC_PER_USEC), timers_pending());
    ret = bad || storm->out_of_order || storm->nr_fired != expect || timers_pending();
    for (unsigned i = 0; i < NR_TIMERS; i++)    /* stragglers of a failed run */
        del_timer(&storm->t[i]);
    kfree(storm);
    return ret;
}
KTEST("timers", ktest_timers);
