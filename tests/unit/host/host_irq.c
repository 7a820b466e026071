/*
 * Host stand-ins for the CPU: the interrupt flag (see
 * host_include/kernel/arch/irqflags.h) and the per-layer cycle accounting
 * (kernel/prof.c reads the TSC and prints on a console key; on the host the
 * layer crossings in net/ and kernel/softirq.c cost nothing).
 */
#include <kernel/arch/irqflags.h>
#include <kernel/prof.h>

bool host_irqs_disabled;

void prof_enter(enum prof_layer l) {}
void prof_exit(void) {}
