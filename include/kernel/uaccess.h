/*
 * Copying between the app's memory and the kernel (Linux's uaccess API, but
 * returning 0/-errno instead of a count of bytes left).  Each function first
 * checks that the whole user range lies below USER_VA_END (access_ok), then
 * copies with the CPU's SMAP override (stac/clac); a page fault on the user
 * address is caught through the exception table and becomes -EFAULT, never a
 * kernel fault.  Buffers stay owned by their callers.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <kernel/elf.h>

/* True if [p, p+n) lies entirely in user space. */
static inline bool access_ok(const void *p, size_t n)
{
    u64 a = (u64)p;
    return a < USER_VA_END && n <= USER_VA_END - a;
}

/* 0, or -EFAULT if any byte of the user range is outside user space or unmapped. */
int copy_from_user(void *dst, const void *usrc, size_t n);
/* 0, or -EFAULT (also for a read-only user page). */
int copy_to_user(void *udst, const void *src, size_t n);
/* Zero n user bytes: 0 or -EFAULT. */
int clear_user(void *udst, size_t n);
/*
 * Copy a NUL-terminated user string into dst (size bytes): its length
 * without the NUL, -ENAMETOOLONG if no NUL within size bytes, or -EFAULT.
 */
long strncpy_from_user(char *dst, const char *usrc, size_t size);

/* Fixed-size helpers for single values. */
#define get_user(kval, uptr) copy_from_user(&(kval), (uptr), sizeof(*(uptr)))
#define put_user(kval, uptr) ({ __typeof__(*(uptr)) __v = (kval); copy_to_user((uptr), &__v, sizeof(__v)); })

#endif
