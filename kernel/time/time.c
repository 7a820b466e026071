/*
 * time_init: the composition of kernel/time/ (called by kernel_main after
 * irq_init, interrupts still off).  Order matters: the TSC clock first
 * (everything else reads it), the RTC (wall clock = its reading + monotonic
 * time), the timer wheel and its softirq, and last the LAPIC timer, which
 * the wheel drives through clockevent_program().  time_calibrate_begin(),
 * called earlier, starts the TSC's measurement so boot work overlaps it.
 */
#include <kernel/softirq.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include "time_impl.h"

/* run_timers() also re-programs the clock event for the next expiry. */
static void timer_softirq_action(void)
{
    run_timers(ktime_get_ns());
}

void time_calibrate_begin(void)
{
    tsc_calibrate_begin();
}

void time_init(void)
{
    tsc_init();
    rtc_init();
    timers_init(ktime_get_ns());
    open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
    clockevent_init();
}
