/*
 * Host fake clock: ktime_get_ns() returns what the test sets, and
 * clockevent_program() records the latest request instead of arming hardware.
 * Tests drive time with fake_clock_set()/fake_clock_advance().
 */
#include "fake_clock.h"

static u64 now_ns;
u64 fake_clockevent_expires = UINT64_MAX;

u64 ktime_get_ns(void) { return now_ns; }
u64 ktime_get_real_ns(void) { return 1700000000ULL * NSEC_PER_SEC + now_ns; }
void clockevent_program(u64 expires_ns) { fake_clockevent_expires = expires_ns; }
void fake_clock_set(u64 ns) { now_ns = ns; }
void fake_clock_advance(u64 ns) { now_ns += ns; }
