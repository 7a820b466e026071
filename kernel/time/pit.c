/*
 * TSC calibration against the 8254 PIT, channel 2 (the speaker channel,
 * gated through port 0x61, as Linux's pit_calibrate_tsc()).  Used by tsc.c
 * only when CPUID does not state the TSC rate.  The PIT is touched only here
 * and only at boot; it is not a clock event (the LAPIC timer is).
 *
 * Each run measures how sharply it saw the end edge; calibrate() repeats
 * runs until two agree.
 */
#include <kernel/arch/cpu.h>
#include <kernel/arch/io.h>
#include <kernel/time.h>
#include "time_impl.h"

#define PIT_TICK_RATE   1193182u        /* Hz, the 8254's input clock */
#define PIT_CH2         0x42
#define PIT_MODE        0x43
#define PIT_SEL_CH2_MODE0 0xb0          /* channel 2, lobyte/hibyte, mode 0, binary */
#define PORT_B          0x61            /* bit 0: ch2 gate, bit 1: speaker, bit 5: OUT2 */
#define PORT_B_GATE2    0x01
#define PORT_B_SPEAKER  0x02
#define PORT_B_OUT2     0x20
#define CALIBRATE_MS    2
#define CALIBRATE_LATCH (PIT_TICK_RATE * CALIBRATE_MS / 1000)

/*
 * One run: mode 0 raises OUT2 when the count reaches 0 (8254 datasheet,
 * "Mode 0: interrupt on terminal count").  Returns the TSC cycles the count
 * took (midpoint of the window in which OUT2 rose) and that window in
 * *edge; 0 when OUT2 never goes low/high (no PIT behind the port).
 */
static u64 pit_run(u64 *edge)
{
    const u16 latch = CALIBRATE_LATCH;
    u64 start, before, after;

    outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
    outb(PIT_MODE, PIT_SEL_CH2_MODE0);
    outb(PIT_CH2, latch & 0xff);
    outb(PIT_CH2, latch >> 8);
    start = before = rdtsc();
    if (inb(PORT_B) & PORT_B_OUT2)
        return 0;                       /* OUT2 must be low while counting */
    for (;;) {
        bool high = inb(PORT_B) & PORT_B_OUT2;

        after = rdtsc();
        if (high)
            break;
        if (after - start > (1ULL << 36))   /* tens of seconds at any real rate */
            return 0;
        before = after;
    }
    *edge = after - before;
    return (before + after) / 2 - start;
}

u64 pit_calibrate_tsc_khz(void)
{
    u64 cycles = calibrate(pit_run);

    /* kHz = cycles / (latch / PIT_TICK_RATE s) / 1000 */
    return cycles * PIT_TICK_RATE / CALIBRATE_LATCH / 1000;
}
