/*
 * Futexes (futex(2)): user words threads block on, keyed by their user
 * address (one address space, so private and shared keys coincide).  The
 * syscall lives in kernel/user/futex.c; this is what the rest of the kernel
 * calls: thread exit's CLONE_CHILD_CLEARTID wake (set_tid_address(2)).
 */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include <kernel/types.h>

#define FUTEX_MATCH_ANY 0xffffffffu     /* Linux's FUTEX_BITSET_MATCH_ANY */

/*
 * Wake up to nr threads (at least one, as Linux, when nr <= 0) waiting on
 * the 32-bit user word at uaddr whose wait bitset shares a bit with
 * `bitset`.  Returns how many woke, -EINVAL for a misaligned uaddr or an
 * empty bitset, -EFAULT outside user space (or unmapped when `shared`).
 * Thread context.
 */
long futex_wake(u64 uaddr, bool shared, int nr, u32 bitset);

#endif
