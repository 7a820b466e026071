/*
 * Shared inside kernel/user only: process.c ends the process, fault.c
 * turns ring-3 exceptions into the fatal signal that ends it.
 */
#ifndef KERNEL_USER_IMPL_H
#define KERNEL_USER_IMPL_H

#include <kernel/irq.h>

/* End the app as if killed by `sig`: exit status 128 + sig. */
void process_kill(int sig) __noreturn;
/* user_fault_hook (kernel/arch/traps.c): report the signal and kill the app. */
void user_fault(struct pt_regs *regs) __noreturn;

#endif
