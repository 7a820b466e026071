/*
 * Runs the initcalls collected by boot/linker.ld (sections initcall2 and
 * initcall3, in that order) on behalf of kernel_main.
 */
#include <kernel/init.h>
#include <kernel/printk.h>

void do_initcalls(void)
{
    extern const struct initcall __initcall_start[], __initcall_end[];

    for (const struct initcall *c = __initcall_start; c < __initcall_end; c++) {
        int err = c->fn();
        if (err)
            pr_warn("init: %s failed (%d)", c->name, err);
    }
}
