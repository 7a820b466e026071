/* Timer wheel (kernel/timer.c) against the fake clock: the fake clock event is
 * the "hardware", so a missed clockevent_program() shows up as a late timer.
 * Never early, at most one granule late, callbacks re-arming and deleting,
 * far-future timers, and 10,000 random timers firing exactly once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/string.h>
#include <kernel/timer.h>
#include "host/fake_clock.h"

#define G TIMER_GRANULARITY_NS
#define MS NSEC_PER_MSEC

struct rec {
    struct timer_list t;
    int fired;
    u64 fired_at;
    int seq;                    /* firing order */
    void (*then)(struct rec *r);  /* extra action inside the callback */
    struct rec *other;
};

static u64 now;
static int seq;

static void cb(struct timer_list *t)
{
    struct rec *r = container_of(t, struct rec, t);

    assert_true(now >= t->expires);             /* never early */
    assert_false(timer_pending(t));
    r->fired++;
    r->fired_at = now;
    r->seq = seq++;
    if (r->then)
        r->then(r);
}

static void rec_init(struct rec *r)
{
    memset(r, 0, sizeof(*r));
    timer_setup(&r->t, cb);
}

/* Let time pass to `target`, taking every clock event the wheel asked for. */
static unsigned advance_to(u64 target)
{
    unsigned events = 0;

    while (fake_clockevent_expires <= target) {
        now = MAX(now, fake_clockevent_expires);
        fake_clock_set(now);
        run_timers(now);
        events++;
    }
    now = target;
    fake_clock_set(now);
    run_timers(now);
    return events;
}

static int reset(void **state)
{
    (void)state;
    now = 5 * NSEC_PER_SEC + 12345;     /* not on a tick boundary */
    seq = 0;
    fake_clock_set(now);
    fake_clockevent_expires = UINT64_MAX;
    timers_init(now);
    return 0;
}

static void assert_on_time(const struct rec *r)
{
    assert_int_equal(r->fired, 1);
    assert_true(r->fired_at >= r->t.expires);
    assert_true(r->fired_at < r->t.expires + G);
}

static void test_order_and_lateness(void **state)
{
    static const u64 offs[] = { 7 * MS, 1 * MS, 30 * MS, 3 * MS, 100 * MS, 2500 * MS, 64 * MS };
    struct rec r[ARRAY_SIZE(offs)];
    (void)state;

    for (unsigned i = 0; i < ARRAY_SIZE(offs); i++) {
        rec_init(&r[i]);
        mod_timer(&r[i].t, now + offs[i]);
    }
    assert_int_equal(timers_pending(), ARRAY_SIZE(offs));
    advance_to(now + 3 * NSEC_PER_SEC);
    assert_int_equal(timers_pending(), 0);
    for (unsigned i = 0; i < ARRAY_SIZE(offs); i++) {
        assert_on_time(&r[i]);
        for (unsigned j = 0; j < ARRAY_SIZE(offs); j++)
            if (offs[i] < offs[j])
                assert_true(r[i].seq < r[j].seq);
    }
    assert_int_equal(fake_clockevent_expires, UINT64_MAX);
}

static void test_not_before_expiry_within_tick(void **state)
{
    struct rec r;
    (void)state;

    rec_init(&r);
    mod_timer(&r.t, now + 10);          /* same tick as now or the next */
    run_timers(now + 5);
    assert_int_equal(r.fired, 0);
    advance_to(now + 2 * G);
    assert_on_time(&r);
}

static void rearm(struct rec *r)
{
    if (r->fired < 5)
        mod_timer(&r->t, r->t.expires + 10 * MS);
}

static void delete_self_and_other(struct rec *r)
{
    assert_int_equal(del_timer(&r->t), 0);      /* already unlinked */
    assert_int_equal(del_timer(&r->other->t), 1);
}

static void test_rearm_and_delete_in_callback(void **state)
{
    struct rec periodic, killer, victim;
    (void)state;

    rec_init(&periodic);
    periodic.then = rearm;
    mod_timer(&periodic.t, now + 10 * MS);
    rec_init(&killer);
    rec_init(&victim);
    killer.then = delete_self_and_other;
    killer.other = &victim;
    mod_timer(&killer.t, now + 20 * MS);
    mod_timer(&victim.t, now + 20 * MS + 1);    /* due in the same tick, runs after */
    advance_to(now + NSEC_PER_SEC);
    assert_int_equal(periodic.fired, 5);
    assert_int_equal(killer.fired, 1);
    assert_int_equal(victim.fired, 0);
    assert_int_equal(timers_pending(), 0);
}

static void rearm_for_now(struct rec *r)
{
    if (r->fired == 1)
        mod_timer(&r->t, now);          /* already due: next tick, not lost */
}

static void test_rearm_for_now(void **state)
{
    struct rec r;
    (void)state;

    rec_init(&r);
    r.then = rearm_for_now;
    mod_timer(&r.t, now + 5 * MS);
    advance_to(now + 5 * MS + G / 2);
    advance_to(now + 3 * G);
    assert_int_equal(r.fired, 2);
}

static void test_cancel(void **state)
{
    struct rec r, never;
    (void)state;

    rec_init(&r);
    rec_init(&never);
    assert_int_equal(del_timer(&never.t), 0);
    assert_int_equal(mod_timer(&r.t, now + 50 * MS), 0);
    assert_true(timer_pending(&r.t));
    assert_int_equal(del_timer(&r.t), 1);
    assert_int_equal(del_timer(&r.t), 0);
    assert_int_equal(timers_pending(), 0);
    assert_int_equal(timer_next_expiry(), UINT64_MAX);
    advance_to(now + NSEC_PER_SEC);
    assert_int_equal(r.fired, 0);
}

static void test_mod_pending(void **state)
{
    struct rec a, b;
    (void)state;

    rec_init(&a);
    rec_init(&b);
    mod_timer(&a.t, now + 500 * MS);
    assert_int_equal(mod_timer(&a.t, now + 20 * MS), 1);   /* earlier */
    mod_timer(&b.t, now + 20 * MS);
    assert_int_equal(mod_timer(&b.t, now + 900 * MS), 1);  /* later */
    assert_int_equal(timers_pending(), 2);
    advance_to(now + 100 * MS);
    assert_on_time(&a);
    assert_int_equal(b.fired, 0);
    advance_to(now + NSEC_PER_SEC);
    assert_on_time(&b);
}

static void test_far_future(void **state)
{
    static const u64 offs[] = { 3 * 3600 * NSEC_PER_SEC, 30 * 86400 * NSEC_PER_SEC,
                                5 * 365 * 86400 * NSEC_PER_SEC };
    struct rec r[ARRAY_SIZE(offs)], never;
    unsigned events;
    (void)state;

    for (unsigned i = 0; i < ARRAY_SIZE(offs); i++) {
        rec_init(&r[i]);
        mod_timer(&r[i].t, now + offs[i] + 777);
    }
    rec_init(&never);
    mod_timer(&never.t, UINT64_MAX);
    events = advance_to(now + 6 * 365 * 86400 * NSEC_PER_SEC);
    for (unsigned i = 0; i < ARRAY_SIZE(offs); i++)
        assert_on_time(&r[i]);
    assert_true(events < 100);          /* cascades, not a tick per ms */
    assert_int_equal(never.fired, 0);
    assert_int_equal(timers_pending(), 1);
}

static void test_next_expiry_bounds(void **state)
{
    struct rec a, b;
    u64 e, nx;
    (void)state;

    assert_int_equal(timer_next_expiry(), UINT64_MAX);
    rec_init(&a);
    rec_init(&b);
    e = now + 40 * MS + 3;              /* level 0: exact to the granule */
    mod_timer(&a.t, e);
    nx = timer_next_expiry();
    assert_true(nx >= e && nx < e + G);
    assert_int_equal(fake_clockevent_expires, nx);
    e = now + 15 * MS;                  /* earlier: the clock event moves */
    mod_timer(&b.t, e);
    nx = timer_next_expiry();
    assert_true(nx >= e && nx < e + G);
    assert_int_equal(fake_clockevent_expires, nx);
    del_timer(&b.t);
    del_timer(&a.t);
    e = now + 10 * NSEC_PER_SEC;        /* coarse level: never later than the expiry */
    mod_timer(&a.t, e);
    assert_true(timer_next_expiry() < e + G);
    advance_to(e - 1);
    nx = timer_next_expiry();
    assert_true(nx >= e && nx < e + G);
}

static u32 rng = 12345;
static u32 rand32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* 10,000 timers up to 10 minutes out, a third re-armed and a tenth cancelled. */
static void test_many_random(void **state)
{
    enum { N = 10000 };
    static struct rec r[N];
    static bool cancelled[N];
    unsigned expect = N;
    (void)state;

    for (int i = 0; i < N; i++) {
        rec_init(&r[i]);
        cancelled[i] = false;
        mod_timer(&r[i].t, now + (u64)rand32() % (600 * NSEC_PER_SEC));
    }
    for (int i = 0; i < N; i += 3)
        mod_timer(&r[i].t, now + (u64)rand32() % (600 * NSEC_PER_SEC));
    for (int i = 1; i < N; i += 10) {
        del_timer(&r[i].t);
        cancelled[i] = true;
        expect--;
    }
    assert_int_equal(timers_pending(), expect);
    while (timers_pending()) {
        u64 step = rand32() % 4 ? rand32() % (50 * MS) : rand32() % (20 * NSEC_PER_SEC);
        advance_to(now + step);
    }
    for (int i = 0; i < N; i++) {
        if (cancelled[i])
            assert_int_equal(r[i].fired, 0);
        else
            assert_on_time(&r[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_order_and_lateness, reset),
        cmocka_unit_test_setup(test_not_before_expiry_within_tick, reset),
        cmocka_unit_test_setup(test_rearm_and_delete_in_callback, reset),
        cmocka_unit_test_setup(test_rearm_for_now, reset),
        cmocka_unit_test_setup(test_cancel, reset),
        cmocka_unit_test_setup(test_mod_pending, reset),
        cmocka_unit_test_setup(test_far_future, reset),
        cmocka_unit_test_setup(test_next_expiry_bounds, reset),
        cmocka_unit_test_setup(test_many_random, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
