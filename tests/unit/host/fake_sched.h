/*
 * Host fake scheduler (tests/unit/host/fake_sched.c): sched.h on ucontext
 * green threads, so wait-queue code really blocks and wakes.  sched_init()
 * makes the test's own context thread "main" (tid 1) and forgets all others.
 */
#ifndef HOST_FAKE_SCHED_H
#define HOST_FAKE_SCHED_H

#include <kernel/sched.h>

/*
 * Called at the top of every schedule() while set, as if an interrupt
 * arrived between a waiter's last condition check and its switch.  The hook
 * clears itself when it has done its job.
 */
extern void (*fake_sched_before_schedule)(void);
/* Times schedule() actually switched threads since sched_init(). */
extern unsigned long fake_sched_switches;

#endif
