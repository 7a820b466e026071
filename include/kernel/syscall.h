/*
 * The system-call table: Linux x86-64 numbers (<asm/unistd_64.h>, from
 * linux-libc-dev) and calling convention (number in rax; arguments in rdi,
 * rsi, rdx, r10, r8, r9; result or -errno in rax).  Each subsystem registers
 * its own calls with SYSCALL_DEFINE in its own file, so no central table is
 * edited; syscall_init() builds the dispatch array from the "syscalls" linker
 * section.  A number nobody registered returns -ENOSYS and is logged once,
 * by name (names generated from <asm/unistd_64.h> at build time).
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/compiler.h>
#include <asm/unistd_64.h>

typedef long (*syscall_fn_t)(unsigned long a0, unsigned long a1, unsigned long a2,
                             unsigned long a3, unsigned long a4, unsigned long a5);

struct syscall_entry {
    unsigned nr;
    syscall_fn_t fn;
};

/*
 * SYSCALL_DEFINE(read, sys_read): register sys_read for __NR_read.  The
 * handler is declared with the full six-argument signature and ignores what
 * it does not use.
 */
#define SYSCALL_DEFINE(name, fn)                                            \
    static const struct syscall_entry __syscall_##name                      \
        __used __section("syscalls") __aligned(8) = { __NR_##name, (syscall_fn_t)(fn) }

#define NR_SYSCALLS 512

/* Build the dispatch table; called once at boot. */
void syscall_init(void);
/* Dispatch one call (from the SYSCALL entry path or a test). */
long do_syscall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                unsigned long a3, unsigned long a4, unsigned long a5);
/* The name of syscall nr ("read"), or NULL if unknown. */
const char *syscall_name(unsigned long nr);

#endif
