/*
 * Softirqs: deferred work raised by hard interrupt handlers (Linux's model,
 * one CPU).  Above: subsystems open_softirq() their action at init (timers,
 * NET_RX).  Below: the interrupt exit path and the idle loop call
 * do_softirq().  This file owns the pending mask and the action table; the
 * mask is only touched with interrupts off, which is the lock on one CPU.
 */
#include <kernel/arch/irqflags.h>
#include <kernel/compiler.h>
#include <kernel/prof.h>
#include <kernel/softirq.h>

/*
 * Rounds of newly raised work one do_softirq() call runs before giving the
 * CPU back (Linux MAX_SOFTIRQ_RESTART): a flood of interrupts must not
 * starve threads.  What is left stays pending for the next call.
 */
#define MAX_SOFTIRQ_RESTART 10

static void (*softirq_vec[NR_SOFTIRQS])(void);
static u32 pending;                 /* bit nr: softirq nr raised */
static bool in_softirq;             /* do_softirq() is running actions */

/* Install the action for nr; called once at init, before it is ever raised. */
void open_softirq(enum softirq_nr nr, void (*action)(void))
{
    softirq_vec[nr] = action;
}

/* Mark nr pending; runs at the next do_softirq().  Any context. */
void raise_softirq(enum softirq_nr nr)
{
    unsigned long flags;

    local_irq_save(flags);
    pending |= 1U << nr;
    local_irq_restore(flags);
}

bool softirq_pending(void)
{
    return READ_ONCE(pending) != 0;
}

/*
 * Run pending actions with interrupts enabled (so hard interrupts keep
 * arriving and may raise more), then return with the caller's interrupt
 * state.  A call made while actions already run (an interrupt exit nested in
 * an action) returns at once: the outer loop sees the new bits.
 */
void do_softirq(void)
{
    unsigned long flags;
    int rounds = MAX_SOFTIRQ_RESTART;

    local_irq_save(flags);
    if (in_softirq) {
        local_irq_restore(flags);
        return;
    }
    in_softirq = true;
    prof_enter(PROF_SOFTIRQ);
    while (pending && rounds-- > 0) {
        u32 run = pending;

        pending = 0;
        local_irq_enable();
        while (run) {
            unsigned nr = (unsigned)__builtin_ctz(run);

            run &= run - 1;
            if (softirq_vec[nr])
                softirq_vec[nr]();
        }
        local_irq_disable();
    }
    prof_exit();
    in_softirq = false;
    local_irq_restore(flags);
}
