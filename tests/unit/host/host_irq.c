/* Host stand-in for the CPU interrupt flag (see host_include/kernel/arch/irqflags.h). */
#include <kernel/arch/irqflags.h>

bool host_irqs_disabled;
