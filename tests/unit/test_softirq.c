/* Softirqs (kernel/softirq.c): actions run with interrupts enabled, the
 * caller's interrupt state comes back, no recursion, bounded restarts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/arch/irqflags.h>
#include <kernel/softirq.h>

static int timer_runs, net_runs, reraise_limit;
static bool irqs_off_in_action;

static void timer_action(void)
{
    timer_runs++;
    irqs_off_in_action |= irqs_disabled();
    do_softirq();                       /* nested call: must return at once */
    if (timer_runs < reraise_limit)
        raise_softirq(TIMER_SOFTIRQ);
}

static void net_action(void)
{
    net_runs++;
}

static int reset(void **state)
{
    (void)state;
    while (softirq_pending()) {         /* drain what a previous test left */
        reraise_limit = 0;
        do_softirq();
    }
    timer_runs = net_runs = 0;
    reraise_limit = 0;
    irqs_off_in_action = false;
    open_softirq(TIMER_SOFTIRQ, timer_action);
    open_softirq(NET_RX_SOFTIRQ, net_action);
    return 0;
}

static void test_runs_pending_with_irqs_on(void **state)
{
    (void)state;
    assert_false(softirq_pending());
    local_irq_disable();
    raise_softirq(TIMER_SOFTIRQ);
    raise_softirq(NET_RX_SOFTIRQ);
    raise_softirq(TIMER_SOFTIRQ);       /* raising twice runs once */
    assert_true(irqs_disabled());       /* raise keeps the caller's state */
    assert_true(softirq_pending());
    do_softirq();
    assert_true(irqs_disabled());       /* and so does do_softirq */
    assert_false(irqs_off_in_action);
    assert_int_equal(timer_runs, 1);
    assert_int_equal(net_runs, 1);
    assert_false(softirq_pending());
    local_irq_enable();
    do_softirq();
    assert_false(irqs_disabled());
    assert_int_equal(timer_runs, 1);
}

static void test_reraised_work_runs_again(void **state)
{
    (void)state;
    reraise_limit = 3;
    raise_softirq(TIMER_SOFTIRQ);
    do_softirq();
    assert_int_equal(timer_runs, 3);
    assert_false(softirq_pending());
}

static void test_restarts_are_bounded(void **state)
{
    (void)state;
    reraise_limit = 1000;
    raise_softirq(TIMER_SOFTIRQ);
    do_softirq();
    assert_int_equal(timer_runs, 10);
    assert_true(softirq_pending());     /* left for the next call */
    do_softirq();
    assert_int_equal(timer_runs, 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_runs_pending_with_irqs_on, reset),
        cmocka_unit_test_setup(test_reraised_work_runs_again, reset),
        cmocka_unit_test_setup(test_restarts_are_bounded, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
