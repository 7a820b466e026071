/*
 * Ring-3 exceptions become fatal signals, as Linux maps them
 * (arch/x86/kernel/traps.c; vectors per Intel SDM vol. 3A §7.15): #DE and
 * x87/SIMD errors -> SIGFPE, #UD -> SIGILL, #PF/#GP and the rest -> SIGSEGV,
 * #SS/#AC -> SIGBUS, #DB/#BP -> SIGTRAP.  No handlers are ever run (signals
 * are recorded, not delivered), so every one is fatal: one console line with
 * the signal, RIP and the faulting address, then the app ends with 128 + sig.
 * Above: traps.c through user_fault_hook.  Below: process_kill().
 */
#include <kernel/arch/cpu.h>
#include <kernel/printk.h>
#include "user_impl.h"

#define SIGILL  4
#define SIGTRAP 5
#define SIGBUS  7
#define SIGFPE  8
#define SIGSEGV 11

static int vector_to_signal(unsigned vector)
{
    switch (vector) {
    case 0: case 16: case 19: return SIGFPE;    /* #DE, #MF, #XM */
    case 1: case 3: return SIGTRAP;             /* #DB, #BP */
    case 6: return SIGILL;                      /* #UD */
    case 12: case 17: return SIGBUS;            /* #SS, #AC */
    default: return SIGSEGV;                    /* #PF, #GP, #NP, #BR ... */
    }
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    default: return "SIGSEGV";
    }
}

/* Linux's si_addr: CR2 for a page fault, 0 for #GP, the instruction otherwise. */
static u64 fault_address(const struct pt_regs *regs, int sig)
{
    if (regs->vector == 14)
        return read_cr2();
    return sig == SIGSEGV || sig == SIGBUS ? 0 : regs->rip;
}

void user_fault(struct pt_regs *regs)
{
    int sig = vector_to_signal((unsigned)regs->vector);

    pr_err("app: fatal signal %s (%d) at rip 0x%llx, address 0x%llx", signal_name(sig), sig,
           (unsigned long long)regs->rip, (unsigned long long)fault_address(regs, sig));
    process_kill(sig);
}
