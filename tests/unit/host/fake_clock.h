/* Host fake clock (tests/unit/host/fake_clock.c): time moves only when a test says so. */
#ifndef HOST_FAKE_CLOCK_H
#define HOST_FAKE_CLOCK_H

#include <kernel/time.h>

extern u64 fake_clockevent_expires;    /* last clockevent_program() argument */
void fake_clock_set(u64 ns);
void fake_clock_advance(u64 ns);

#endif
