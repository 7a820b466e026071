/*
 * Deferred work, as Linux's softirqs.  Hard interrupt handlers only acknowledge
 * the device, wake threads and raise softirqs.  Pending softirqs run with
 * interrupts enabled when an interrupt returns to user mode or to the idle
 * thread, and from the idle loop; the kernel is not preemptible, so softirq
 * actions never interrupt thread-context kernel code.
 */
#ifndef KERNEL_SOFTIRQ_H
#define KERNEL_SOFTIRQ_H

#include <kernel/types.h>

enum softirq_nr { TIMER_SOFTIRQ, NET_RX_SOFTIRQ, NR_SOFTIRQS };

void open_softirq(enum softirq_nr nr, void (*action)(void));
void raise_softirq(enum softirq_nr nr);     /* any context, including hard IRQ */
bool softirq_pending(void);
void do_softirq(void);                      /* run what is pending; interrupts may be on or off */

#endif
