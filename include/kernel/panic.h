/*
 * Ending the machine: poweroff(status) exits QEMU through isa-debug-exit when
 * present (QEMU then exits with (status << 1) | 1), else ACPI S5 (FADT), else
 * halts.  panic() prints the reason and a frame-pointer backtrace, then powers
 * off with PANIC_EXIT_STATUS.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <kernel/compiler.h>

#define PANIC_EXIT_STATUS 0x7f  /* QEMU exit code 255 */

void poweroff(int status) __noreturn;
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
/* Print the call chain starting at frame pointer rbp (0: the caller's own). */
void dump_backtrace(u64 rbp);

/* Called by poweroff() before the machine goes down (e.g. print counters). */
struct poweroff_hook {
    void (*fn)(int status);
    struct poweroff_hook *next;
};
void register_poweroff_hook(struct poweroff_hook *hook);

#define BUG_ON(cond) do { if (unlikely(cond)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); } while (0)

#endif
