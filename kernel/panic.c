/*
 * The end of the machine: poweroff(), panic() and backtraces.
 * Poweroff order: QEMU's isa-debug-exit (port 0xf4; a write is ignored when
 * the device is absent) so tests see the status, then ACPI S5, then halt.
 */
#include <kernel/acpi.h>
#include <kernel/arch/cpu.h>
#include <kernel/arch/io.h>
#include <kernel/arch/irqflags.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define ISA_DEBUG_EXIT_PORT 0xf4

static struct poweroff_hook *hooks;
static bool in_poweroff;

void register_poweroff_hook(struct poweroff_hook *hook)
{
    hook->next = hooks;
    hooks = hook;
}

void poweroff(int status)
{
    if (!in_poweroff) {
        in_poweroff = true;     /* a hook that faults must not recurse */
        for (struct poweroff_hook *h = hooks; h; h = h->next)
            h->fn(status);
    }
    pr_info("poweroff: status %d", status);
    local_irq_disable();
    outl(ISA_DEBUG_EXIT_PORT, (u32)status);
    acpi_poweroff();
    for (;;)
        halt();
}

static bool kernel_text_addr(u64 a)
{
    extern char _text[], _etext[];
    return a >= (u64)_text && a < (u64)_etext;
}

/* A frame is readable if it lies in the direct map or the kernel image. */
static bool frame_ok(u64 fp)
{
    return !(fp & 7) && (fp >= PAGE_OFFSET && fp < IOREMAP_BASE - 16);
}

static bool frame_ok_kernel(u64 fp)
{
    return !(fp & 7) && fp >= KERNEL_VMA && fp < ~0ULL - 16;
}

void dump_backtrace(u64 rbp)
{
    if (!rbp)
        rbp = (u64)__builtin_frame_address(0);
    pr_emerg("Call trace:");
    for (int depth = 0; depth < 32 && (frame_ok(rbp) || frame_ok_kernel(rbp)); depth++) {
        u64 ret = ((u64 *)rbp)[1];
        if (!kernel_text_addr(ret))
            break;
        pr_emerg("  [<%016llx>]", (unsigned long long)ret);
        rbp = ((u64 *)rbp)[0];
    }
}

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    local_irq_disable();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pr_emerg("Kernel panic: %s", msg);
    dump_backtrace(0);
    poweroff(PANIC_EXIT_STATUS);
}
