/*
 * kernel_main: the composition root.  It alone knows every subsystem and
 * brings them up in dependency order; nothing below calls back up into it.
 *   console -> boot info -> command line -> CPU tables -> (TSC measurement
 *   begins) -> memory -> ACPI -> interrupt controllers -> clock and timers
 *   (measurement ends) -> threads -> interrupts on ->
 *   network stack -> PCI and NIC drivers -> interface configuration ->
 *   the app (or a ktest).
 */
#include <drivers/uart.h>
#include <drivers/fb_console.h>
#include <drivers/vga_text.h>
#include <kernel/acpi.h>
#include <kernel/bootinfo.h>
#include <kernel/arch/irqflags.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/exec.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <net/net.h>

#ifndef KERNEL_VERSION
#define KERNEL_VERSION "0.0.0"
#endif

struct cmdline boot_cmdline;
static const char *ktest_name;

static int set_ktest(const char *val)
{
    if (!val || !*val)
        return -EINVAL;
    ktest_name = val;
    return 0;
}
KERNEL_PARAM("ktest", set_ktest);

static void report_word(const char *word, const char *why)
{
    pr_warn("cmdline: ignoring '%s': %s", word, why);
}

void cmdline_init(const char *s)
{
    extern const struct kernel_param __start_kparam[], __stop_kparam[];

    cmdline_parse(s, __start_kparam, (size_t)(__stop_kparam - __start_kparam),
                  &boot_cmdline, report_word);
}

static void print_memory(const struct boot_info *bi)
{
    u64 usable = 0;

    for (unsigned i = 0; i < bi->nr_mmap; i++) {
        const struct mem_region *r = &bi->mmap[i];
        pr_info("mem: [%#014llx-%#014llx] %s", (unsigned long long)r->base,
                (unsigned long long)(r->base + r->len - 1),
                r->type == MEM_USABLE ? "usable" : r->type == MEM_ACPI ? "ACPI data" :
                r->type == MEM_NVS ? "ACPI NVS" : r->type == MEM_BAD ? "bad" : "reserved");
        if (r->type == MEM_USABLE)
            usable += r->len;
    }
    pr_info("mem: %llu KiB usable in the map, %llu KiB managed, %llu KiB free",
            (unsigned long long)(usable >> 10), (unsigned long long)(pmm_total_bytes() >> 10),
            (unsigned long long)(pmm_free_bytes() >> 10));
}

static int run_ktest(const char *name)
{
    extern const struct ktest __ktest_start[], __ktest_end[];

    for (const struct ktest *t = __ktest_start; t < __ktest_end; t++) {
        if (strcmp(t->name, name))
            continue;
        pr_info("ktest: %s: start", name);
        int status = t->fn();
        pr_info("ktest: %s: %s (status %d)", name, status ? "FAIL" : "PASS", status);
        return status;
    }
    pr_err("ktest: no test named '%s'", name);
    return 2;
}

void kernel_main(u32 magic, u32 info)
{
    struct app_image app;

    uart_init();
    if (bootinfo_parse(magic, info, &boot_info)) {
        pr_emerg("boot: not started by a multiboot loader (magic %#x); stopping", magic);
        poweroff(PANIC_EXIT_STATUS);
    }
    /*
     * The screen too: GRUB's RGB framebuffer (UEFI) if it gave one, else the
     * text mode the BIOS left.  A framebuffer first: after a VBE mode switch
     * the BIOS data area may still say text mode.
     */
    if (!fb_console_init(&boot_info))
        vga_text_init();
    pr_info("unikernel " KERNEL_VERSION " x86_64, booted by %s%s%s%s", boot_info.protocol,
            boot_info.loader[0] ? " (" : "", boot_info.loader, boot_info.loader[0] ? ")" : "");
    pr_info("cmdline: %s", boot_info.cmdline);
    cmdline_init(boot_info.cmdline);
    arch_init();
    time_calibrate_begin(); /* the TSC's reference counts on while memory is set up */
    fb_console_pause();
    mm_init(&boot_info);
    fb_console_remap();
    if (acpi_init(boot_info.has_rsdp ? boot_info.rsdp : NULL))
        pr_warn("acpi: no usable tables");
    irq_init();
    time_init();
    sched_init();
    local_irq_enable();
    uart_enable_rx();
    if (net_init())
        pr_err("net: stack initialisation failed; continuing without networking");
    do_initcalls();         /* buses, then drivers (PCI, virtio-net, ...) */
    net_config();           /* ip= : prints "net: eth0 <addr>/<prefix> up" */
    print_memory(&boot_info);
    {
        u64 ns = ktime_get_ns();
        pr_info("boot: %llu.%06llu s since power-on",
                (unsigned long long)(ns / NSEC_PER_SEC),
                (unsigned long long)(ns % NSEC_PER_SEC / NSEC_PER_USEC));
    }
    syscall_init();
    if (ktest_name)
        poweroff(run_ktest(ktest_name));
    if (app_image_get(&app))
        poweroff(app_run(&app));    /* the app's exit status becomes the VM's */
    pr_info("init: no application built in; idling (Ctrl-A X quits QEMU)");
    for (;;) {
        /* Block for good: idle then runs, and with it softirqs (timers, RX). */
        set_current_state(TASK_UNINTERRUPTIBLE);
        schedule();
    }
}
