/*
 * Initcalls (Linux's shape): buses and drivers register their init function
 * in a linker section by level, and kernel_main runs every level in order
 * with do_initcalls(), so adding a driver never edits the composition root.
 *   subsys: buses (pci_init)    device: drivers (virtio, e1000)
 * Each returns 0 or -errno; a failure is logged by name and boot continues
 * (a missing device must not stop the machine).
 */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#include <kernel/compiler.h>

typedef int (*initcall_t)(void);

struct initcall {
    initcall_t fn;
    const char *name;
};

#define __define_initcall(fn, level)                                        \
    static const struct initcall __initcall_##fn                            \
        __used __section("initcall" #level) __aligned(8) = { fn, #fn }

#define subsys_initcall(fn) __define_initcall(fn, 2)
#define device_initcall(fn) __define_initcall(fn, 3)

/* Run every registered initcall, level by level, in link order within a level. */
void do_initcalls(void);

#endif
