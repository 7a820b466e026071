/*
 * In-kernel self-tests for the system tests (tests/system): the boot
 * parameter `ktest=<name>` runs the named test in a kernel thread after boot
 * and powers off with its return value as the exit status (0 = pass).
 * Tests print what they observed, one fact per line, so pytest can assert it.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <kernel/compiler.h>

struct ktest {
    const char *name;
    int (*fn)(void);
};

#define KTEST(tname, tfn)                                                   \
    static const struct ktest __ktest_##tfn                                 \
        __used __section(".ktest") __aligned(8) = { tname, tfn }

#endif
