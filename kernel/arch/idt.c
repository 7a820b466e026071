/*
 * The IDT (Intel SDM vol. 3A, 2023 numbering, §7.14.1 64-bit gate
 * descriptors): 256 interrupt gates, one per isr.S stub, all DPL 0.  Interrupt
 * gates clear IF, so every handler starts with interrupts off.  #DF, NMI and
 * #MC switch to their own IST stacks (§7.14.5), so a corrupt or exhausted
 * kernel stack still yields a register dump.  Above: arch_init().
 */
#include <kernel/arch/desc.h>
#include <kernel/compiler.h>
#include "arch.h"

#define GATE_INTERRUPT  0x8e    /* P, DPL0, type 0xE: 64-bit interrupt gate */
#define VEC_NMI         2
#define VEC_DF          8
#define VEC_MC          18

struct idt_gate {
    u16 offset_low;
    u16 selector;
    u8 ist;                 /* bits 2:0: IST slot, 0 = the current/RSP0 stack */
    u8 type_attr;
    u16 offset_mid;
    u32 offset_high;
    u32 reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "SDM vol. 3A figure 7-8");

static struct idt_gate idt[256] __aligned(16);

static u8 gate_ist(unsigned vector)
{
    switch (vector) {
    case VEC_DF: return IST_DOUBLE_FAULT;
    case VEC_NMI: return IST_NMI;
    case VEC_MC: return IST_MACHINE_CHECK;
    default: return 0;
    }
}

void idt_init(void)
{
    struct { u16 limit; u64 base; } __packed p = { sizeof(idt) - 1, (u64)idt };

    for (unsigned v = 0; v < ARRAY_SIZE(idt); v++) {
        u64 entry = (u64)isr_stubs + v * ISR_STUB_SIZE;
        idt[v] = (struct idt_gate){
            .offset_low = (u16)entry,
            .selector = __KERNEL_CS,
            .ist = gate_ist(v),
            .type_attr = GATE_INTERRUPT,
            .offset_mid = (u16)(entry >> 16),
            .offset_high = (u32)(entry >> 32),
        };
    }
    __asm__ __volatile__("lidt %0" :: "m"(p) : "memory");
}
