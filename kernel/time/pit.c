/*
 * TSC calibration against the 8254 PIT, channel 2 (the speaker channel,
 * gated through port 0x61), used by tsc.c only when CPUID does not state
 * the TSC rate.  The PIT is touched only here and only at boot; it is not a
 * clock event (the LAPIC timer is).
 *
 * As Linux's quick_pit_calibrate(): channel 2 counts down from 0xff00 in
 * mode 0 (8254 datasheet, "Mode 0: interrupt on terminal count") and we
 * poll the count's high byte, which steps every 256 PIT ticks (214.6 us).
 * A step seen between two consecutive reads is an exact PIT instant inside
 * those reads' TSC window, and step k comes exactly 256 * k ticks after step
 * 0.  Both ends being steps of one count, neither the 8254's load delay (up
 * to one tick after the write) nor the moment we started enters the result;
 * calibrate.c picks the pair of steps and bounds its error.  The first step
 * is taken early in boot (pit_calibrate_begin), so the ~10 ms of memory and
 * ACPI setup under TCG run while the count goes on, instead of a busy wait.
 */
#include <kernel/arch/cpu.h>
#include <kernel/arch/io.h>
#include <kernel/errno.h>
#include <kernel/time.h>
#include "time_impl.h"

#define PIT_TICK_RATE   1193182u        /* Hz, the 8254's input clock */
#define PIT_CH2         0x42
#define PIT_MODE        0x43
#define PIT_SEL_CH2_MSB_MODE0 0xa0      /* channel 2, MSB only, mode 0, binary */
#define PORT_B          0x61            /* bit 0: ch2 gate, bit 1: speaker, bit 5: OUT2 */
#define PORT_B_GATE2    0x01
#define PORT_B_SPEAKER  0x02
#define PORT_B_OUT2     0x20
#define PIT_START_MSB   0xff            /* count 0xff00: 54.7 ms to terminal count */
#define PIT_TICKS_PER_STEP 256
#define PIT_TARGET_PPM  100
#define PIT_PASSES      3               /* fresh runs after the early one; each ends at terminal count */
/* No step for this long: no PIT counts behind the port (>= 27 ms up to 10 GHz). */
#define PIT_STUCK_CYCLES (1ULL << 28)

struct pit_poll {
    u8 msb;             /* the last value read */
    u64 before;         /* TSC just before the last read */
    u64 changed;        /* TSC when msb last changed */
    bool stuck;         /* it stopped changing: nothing counts */
};

/* One run of the count: from pit_calibrate_begin() to pit_calibrate_tsc_khz(). */
static struct pit_run {
    struct pit_poll poll;
    struct calibration cal;
    bool counting;      /* false: no PIT */
    u64 busy;           /* TSC cycles pit_calibrate_begin() polled */
} run;

/* Terminal count reached: OUT2 rose (and stays high), the count wrapped. */
static bool pit_expired(void)
{
    return inb(PORT_B) & PORT_B_OUT2;
}

/*
 * One read of the count's high byte.  A step of exactly one since the last
 * read is a sample: the step happened after the last read began and before
 * this one ended.  A bigger step (the vCPU was away) only moves on; a step
 * up (the count wrapped at terminal count) or 0 ends the pass.
 */
static int pit_sample(void *ctx, struct cal_sample *s)
{
    struct pit_poll *p = ctx;
    u64 before = rdtsc();
    u8 msb = inb(PIT_CH2);
    u64 after = rdtsc();
    bool step = msb + 1 == p->msb;

    if (msb == p->msb) {
        p->before = before;
        p->stuck = after - p->changed > PIT_STUCK_CYCLES;
        return p->stuck ? -ENODEV : 0;
    }
    if (msb > p->msb || !msb)
        return -ERANGE;
    /* OUT2 still low after the read: no wrap before it, the step is this count's. */
    if (step && pit_expired())
        return -ERANGE;
    if (step) {
        s->ref = (u64)(PIT_START_MSB - msb) * PIT_TICKS_PER_STEP;
        s->width = after - p->before;
        s->tsc = p->before + s->width / 2;
    }
    p->msb = msb;
    p->before = before;
    p->changed = after;
    return step;
}

/* Load 0xff00 in mode 0; -ENODEV when OUT2 does not go low (no PIT behind the port). */
static int pit_start(struct pit_poll *p)
{
    outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
    outb(PIT_MODE, PIT_SEL_CH2_MSB_MODE0);
    outb(PIT_CH2, PIT_START_MSB);
    if (pit_expired())
        return -ENODEV;
    p->before = rdtsc();
    p->msb = inb(PIT_CH2);
    p->changed = rdtsc();
    p->stuck = false;
    return 0;
}

/* Load the count and take the first step as the start; false when there is no PIT. */
static bool pit_run_start(struct pit_run *r)
{
    calibration_init(&r->cal, 0);       /* samples are steps: exact PIT instants */
    r->counting = !pit_start(&r->poll);
    if (r->counting)
        calibration_start(&r->cal, pit_sample, &r->poll);
    return r->counting;
}

void pit_calibrate_begin(void)
{
    u64 t0 = rdtsc();

    pit_run_start(&run);
    run.busy = rdtsc() - t0;
}

/*
 * Pair the early start with a step now; if the count ran out first (a boot
 * slower than 54 ms between begin and here) or the pair is not good
 * enough, measure afresh, keeping the best pair seen.
 */
u64 pit_calibrate_tsc_khz(u64 *err_ppm, u64 *took)
{
    struct calibration best;
    u64 t0 = rdtsc();
    int ret = -ENODEV;

    if (!run.counting)
        return 0;
    if (!pit_expired())
        ret = calibrate(&run.cal, pit_sample, &run.poll, PIT_TARGET_PPM);
    best = run.cal;
    for (int pass = 0; ret && !run.poll.stuck && pass < PIT_PASSES; pass++) {
        if (!pit_run_start(&run))
            break;
        ret = calibrate(&run.cal, pit_sample, &run.poll, PIT_TARGET_PPM);
        if (run.cal.err_ppm < best.err_ppm)
            best = run.cal;
    }
    *took = run.busy + rdtsc() - t0;
    if (best.err_ppm == UINT64_MAX)
        return 0;
    *err_ppm = best.err_ppm;
    /* kHz = cycles / (ticks / PIT_TICK_RATE s) / 1000 */
    return best.cycles * PIT_TICK_RATE / best.ref / 1000;
}
