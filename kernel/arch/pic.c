/*
 * The legacy 8259A pair: remapped off the exception vectors, then fully
 * masked, since every interrupt goes through the IOAPIC/LAPIC.  Remapping
 * first matters: a PIC left at its BIOS base (vector 8) would turn a stray
 * IRQ into a fake #DF.  Init sequence: Intel 8259A datasheet, ICW1-ICW4.
 */
#include <kernel/arch/io.h>
#include "arch.h"

#define PIC1_CMD        0x20
#define PIC1_DATA       0x21
#define PIC2_CMD        0xa0
#define PIC2_DATA       0xa1
#define ICW1_INIT_ICW4  0x11    /* edge, cascade, ICW4 follows */
#define PIC1_VECTOR     0x20
#define PIC2_VECTOR     0x28
#define ICW3_SLAVE_AT_2 0x04    /* master: slave on IR2 */
#define ICW3_SLAVE_ID   0x02    /* slave: cascade identity 2 */
#define ICW4_8086       0x01
#define POST_PORT       0x80    /* writing here is the traditional I/O delay */

static void pic_out(u16 port, u8 val)
{
    outb(port, val);
    outb(POST_PORT, 0);         /* old 8259s need time between ICWs */
}

void pic_disable(void)
{
    pic_out(PIC1_CMD, ICW1_INIT_ICW4);
    pic_out(PIC2_CMD, ICW1_INIT_ICW4);
    pic_out(PIC1_DATA, PIC1_VECTOR);
    pic_out(PIC2_DATA, PIC2_VECTOR);
    pic_out(PIC1_DATA, ICW3_SLAVE_AT_2);
    pic_out(PIC2_DATA, ICW3_SLAVE_ID);
    pic_out(PIC1_DATA, ICW4_8086);
    pic_out(PIC2_DATA, ICW4_8086);
    pic_out(PIC1_DATA, 0xff);   /* OCW1: mask all */
    pic_out(PIC2_DATA, 0xff);
}
