/*
 * The syscall table (Linux x86-64 numbering, <asm/unistd_64.h>).
 * Above: the SYSCALL entry path (kernel/arch, the ring-3 core) calls
 * do_syscall().  Below: every handler, registered by SYSCALL_DEFINE into the
 * "syscalls" linker section by the file that implements it; syscall_init()
 * turns that section into a flat array indexed by number.  A number with no
 * handler returns -ENOSYS, as Linux does, and is logged once, by name.
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/syscall.h>
#include <syscall_names.h>      /* build/gen, from tools/gen_syscall_names.py */

extern const struct syscall_entry __start_syscalls[], __stop_syscalls[];

static syscall_fn_t sys_call_table[NR_SYSCALLS];
/* One bit per number already reported, plus one shared by every number >= NR_SYSCALLS. */
static u64 enosys_reported[NR_SYSCALLS / 64 + 1];

_Static_assert(ARRAY_SIZE(syscall_names) <= NR_SYSCALLS, "NR_SYSCALLS below Linux's numbers");

void syscall_init(void)
{
    for (const struct syscall_entry *e = __start_syscalls; e < __stop_syscalls; e++) {
        /* Two files claiming one number is a build mistake: keep the first, say so. */
        if (e->nr >= NR_SYSCALLS || sys_call_table[e->nr]) {
            pr_err("syscall: %u (%s) registered twice or out of range; keeping the first",
                   e->nr, syscall_name(e->nr) ? syscall_name(e->nr) : "?");
            continue;
        }
        sys_call_table[e->nr] = e->fn;
    }
}

const char *syscall_name(unsigned long nr)
{
    return nr < ARRAY_SIZE(syscall_names) ? syscall_names[nr] : NULL;
}

/* -ENOSYS, with one log line the first time each number is seen. */
static long sys_ni_syscall(unsigned long nr)
{
    unsigned long bit = nr < NR_SYSCALLS ? nr : NR_SYSCALLS;
    u64 mask = 1ULL << (bit % 64);

    if (!(enosys_reported[bit / 64] & mask)) {
        enosys_reported[bit / 64] |= mask;
        if (syscall_name(nr))
            pr_warn("syscall: %s (%lu) not implemented: ENOSYS", syscall_name(nr), nr);
        else
            pr_warn("syscall: %lu is no Linux x86-64 call: ENOSYS%s", nr,
                    nr >= NR_SYSCALLS ? " (numbers this large are not logged again)" : "");
    }
    return -ENOSYS;
}

long do_syscall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
                unsigned long a3, unsigned long a4, unsigned long a5)
{
    if (likely(nr < NR_SYSCALLS && sys_call_table[nr]))
        return sys_call_table[nr](a0, a1, a2, a3, a4, a5);
    return sys_ni_syscall(nr);
}
