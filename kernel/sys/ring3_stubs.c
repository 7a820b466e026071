/*
 * TEMPORARY, like kernel/boot_stubs.c: weak stand-ins for the ring-3 core's
 * uaccess and process (kernel/user/, being written in parallel), so the
 * syscalls in kernel/sys/ link before it lands.  Every copy fails with
 * -EFAULT; no app can run yet anyway.  The strong definitions override
 * these; this file is deleted once they are in the tree.
 */
#include <kernel/errno.h>
#include <kernel/process.h>
#include <kernel/uaccess.h>

#define WEAK __attribute__((weak))

WEAK struct process init_process = { .pid = 1 };
WEAK int copy_from_user(void *dst, const void *usrc, size_t n) { return -EFAULT; }
WEAK int copy_to_user(void *udst, const void *src, size_t n) { return -EFAULT; }
WEAK int clear_user(void *udst, size_t n) { return -EFAULT; }
WEAK long strncpy_from_user(char *dst, const char *usrc, size_t size) { return -EFAULT; }
