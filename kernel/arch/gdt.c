/*
 * The final GDT and the TSS (Intel SDM vol. 3A, 2023 numbering: §3.4.5
 * segment descriptors, §8.2.3 TSS descriptor in 64-bit mode, §8.7 64-bit
 * TSS, §7.14.5 interrupt stack table).  Below: nothing but the CPU.  Above:
 * arch_init() (the composition root's "CPU tables" step) and the scheduler,
 * which moves TSS.RSP0 to each thread's kernel stack.  Owns the GDT, the TSS
 * and the IST stacks.
 */
#include <kernel/arch/desc.h>
#include <kernel/compiler.h>
#include <kernel/irq.h>
#include "arch.h"

#define IST_STACK_SIZE  8192

/* 64-bit TSS (§8.7, figure 8-11): no I/O bitmap, so ring 3 port I/O faults. */
struct tss {
    u32 reserved0;
    u64 rsp[3];             /* stack for a switch to ring 0, 1, 2 */
    u64 reserved1;
    u64 ist[7];             /* IST1..IST7 */
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
} __packed;
_Static_assert(sizeof(struct tss) == 104, "SDM vol. 3A figure 8-11");

static struct tss tss __aligned(16);
static u8 ist_stacks[3][IST_STACK_SIZE] __aligned(16);

/*
 * Code/data descriptors (§3.4.5): in 64-bit mode base and limit are ignored,
 * but data descriptors keep a flat 4 GiB limit for SYSRET's SS.  L=1 marks
 * 64-bit code; DPL 3 for the user pair.
 */
static u64 gdt[7] __aligned(16) = {
    0,
    0x00af9a000000ffff,     /* 0x08 kernel code: P, DPL0, exec/read, L */
    0x00cf92000000ffff,     /* 0x10 kernel data: P, DPL0, read/write */
    0x00cff2000000ffff,     /* 0x18 user data: P, DPL3, read/write */
    0x00affa000000ffff,     /* 0x20 user code: P, DPL3, exec/read, L */
    0, 0,                   /* 0x28 TSS (16 bytes), filled in at run time */
};

struct desc_ptr {
    u16 limit;
    u64 base;
} __packed;

/* 64-bit available TSS descriptor (§8.2.3, figure 8-4): type 9, present. */
static void set_tss_desc(u64 *d, u64 base, u32 limit)
{
    d[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
           ((u64)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    d[1] = base >> 32;
}

void tss_set_rsp0(u64 rsp)
{
    tss.rsp[0] = rsp;
}

/* Load the GDT, reload every segment register in use, then the task register. */
static void load_gdt(void)
{
    struct desc_ptr p = { sizeof(gdt) - 1, (u64)gdt };

    __asm__ __volatile__(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"                       /* a far return is how 64-bit code reloads CS */
        "1:\tmov %2, %%ds\n\t"
        "mov %2, %%es\n\t"
        "mov %2, %%ss\n\t"
        "ltr %w3"
        :: "m"(p), "i"(__KERNEL_CS), "r"(__KERNEL_DS), "r"(GDT_TSS) : "rax", "memory");
}

void gdt_init(void)
{
    tss.ist[IST_DOUBLE_FAULT - 1] = (u64)ist_stacks[0] + IST_STACK_SIZE;
    tss.ist[IST_NMI - 1] = (u64)ist_stacks[1] + IST_STACK_SIZE;
    tss.ist[IST_MACHINE_CHECK - 1] = (u64)ist_stacks[2] + IST_STACK_SIZE;
    tss.iomap_base = sizeof(tss);
    set_tss_desc(&gdt[GDT_TSS / 8], (u64)&tss, sizeof(tss) - 1);
    load_gdt();
}

void arch_init(void)
{
    gdt_init();
    idt_init();
}
