/*
 * CPU exceptions, vectors 0-31 (Intel SDM vol. 3A, 2023 numbering, §7.15).
 * Below: the entry stubs (isr.S via common_interrupt).  Above: code that
 * faults on purpose through the exception table (copy_from_user), and the
 * ring-3 work through demand_fault_hook (pages not yet backed) and
 * user_fault_hook (signals).  Anything else is a bug: print the vector,
 * error code, RIP, control registers, all registers and a backtrace, then
 * power off with PANIC_EXIT_STATUS.
 */
#include <kernel/arch/cpu.h>
#include <kernel/arch/extable.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include "arch.h"

void (*user_fault_hook)(struct pt_regs *regs);
bool (*demand_fault_hook)(u64 addr, u64 error_code);

static const char *const names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 FPU error", "#AC alignment check",
    "#MC machine check", "#XM SIMD floating point", "#VE virtualization",
    "#CP control protection",
    [28] = "#HV hypervisor injection", "#VC VMM communication", "#SX security",
};

const char *trap_name(unsigned vector)
{
    return vector < 32 && names[vector] ? names[vector] : "#?? unknown";
}

u64 search_exception_tables(u64 ip)
{
    extern const struct exception_table_entry __ex_table_start[], __ex_table_end[];

    for (const struct exception_table_entry *e = __ex_table_start; e < __ex_table_end; e++)
        if (e->insn == ip)
            return e->fixup;
    return 0;
}

/*
 * Faults an instruction raises itself, where resuming at a fixup is sound.
 * Never NMI, #DF or #MC: those can strike anywhere and are fatal.
 */
static bool fixup_allowed(unsigned vector)
{
    return vector == 0 || vector == 6 || vector == 12 || vector == 13 ||
           vector == 14 || vector == 17;
}

void show_regs(const struct pt_regs *r)
{
    pr_emerg("RIP: %04llx:%016llx RFLAGS: %08llx", (unsigned long long)r->cs,
             (unsigned long long)r->rip, (unsigned long long)r->rflags);
    pr_emerg("RSP: %04llx:%016llx", (unsigned long long)r->ss, (unsigned long long)r->rsp);
    pr_emerg("RAX: %016llx RBX: %016llx RCX: %016llx", (unsigned long long)r->rax,
             (unsigned long long)r->rbx, (unsigned long long)r->rcx);
    pr_emerg("RDX: %016llx RSI: %016llx RDI: %016llx", (unsigned long long)r->rdx,
             (unsigned long long)r->rsi, (unsigned long long)r->rdi);
    pr_emerg("RBP: %016llx R08: %016llx R09: %016llx", (unsigned long long)r->rbp,
             (unsigned long long)r->r8, (unsigned long long)r->r9);
    pr_emerg("R10: %016llx R11: %016llx R12: %016llx", (unsigned long long)r->r10,
             (unsigned long long)r->r11, (unsigned long long)r->r12);
    pr_emerg("R13: %016llx R14: %016llx R15: %016llx", (unsigned long long)r->r13,
             (unsigned long long)r->r14, (unsigned long long)r->r15);
    pr_emerg("CR0: %016llx CR2: %016llx CR3: %016llx CR4: %016llx",
             (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
             (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

/* #PF error code bits (§5.7, figure 5-12 in the 2023 numbering). */
static void show_pf_cause(u64 err)
{
    pr_emerg("#PF: %s %s access in %s mode%s%s", err & 1 ? "protection violation on" :
             "not-present page on", err & 16 ? "instruction fetch" : err & 2 ? "write" : "read",
             err & 4 ? "user" : "kernel", err & 8 ? ", reserved bit set" : "",
             err & 32 ? ", protection key" : "");
}

static void __noreturn die(struct pt_regs *regs)
{
    static int dying;
    unsigned v = (unsigned)regs->vector;

    if (dying++) {          /* faulted while dumping: stop before recursing */
        pr_emerg("trap: %s (vector %u) while dumping; giving up", trap_name(v), v);
        poweroff(PANIC_EXIT_STATUS);
    }
    pr_emerg("trap: %s (vector %u) in %s mode, error code %#llx", trap_name(v), v,
             user_mode(regs) ? "user" : "kernel", (unsigned long long)regs->error_code);
    if (v == 14)
        show_pf_cause(regs->error_code);
    show_regs(regs);
    if (regs->rbp)          /* 0 would make dump_backtrace walk our own frames */
        dump_backtrace(regs->rbp);
    poweroff(PANIC_EXIT_STATUS);
}

void do_trap(struct pt_regs *regs)
{
    unsigned v = (unsigned)regs->vector;

    /* Not present (error code bit 0 clear): maybe a page not yet backed. */
    if (v == 14 && !(regs->error_code & 1) && demand_fault_hook &&
        (user_mode(regs) || search_exception_tables(regs->rip)) &&
        demand_fault_hook(read_cr2(), regs->error_code))
        return;
    if (!user_mode(regs) && fixup_allowed(v)) {
        u64 fixup = search_exception_tables(regs->rip);
        if (fixup) {
            regs->rip = fixup;
            return;
        }
    }
    if (user_mode(regs) && user_fault_hook)
        user_fault_hook(regs);
    die(regs);
}
