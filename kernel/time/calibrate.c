/*
 * Robust calibration, shared by the TSC (against the PIT, pit.c) and the
 * LAPIC timer (against the TSC, clockevent.c).  Each run returns a value and
 * how uncertain it is.  A single run cannot be trusted under TCG on a loaded
 * host: the guest TSC (host ticks) and QEMU's emulated PIT were seen to
 * disagree by milliseconds within a 2-5 ms run, with a clean-looking end
 * (runs up to 4x off).  Clean runs agree with each other to ~100 ppm;
 * disturbed ones are scattered, so two agreeing runs are the evidence.
 */
#include <kernel/compiler.h>
#include "time_impl.h"

#define CALIBRATE_TRIES 30
#define SHARP_PPM       200     /* a run counts when its uncertainty is below this */
#define AGREE_PPM       100     /* ... and it agrees with an earlier one this well */

static bool within_ppm(u64 a, u64 b, u64 ppm)
{
    return (a > b ? a - b : b - a) * 1000000 < MIN(a, b) * ppm;
}

/*
 * Repeat run() until two sharp runs agree (their mean is returned); after
 * CALIBRATE_TRIES without agreement, the run with the smallest uncertainty.
 * 0 when a run returns 0 (nothing to measure against).
 */
u64 calibrate(u64 (*run)(u64 *uncertainty))
{
    u64 sharp[CALIBRATE_TRIES], best = 0, best_err = UINT64_MAX;
    unsigned nr_sharp = 0;

    for (int i = 0; i < CALIBRATE_TRIES; i++) {
        u64 err, v = run(&err);

        if (!v)
            return 0;
        if (err < best_err) {
            best = v;
            best_err = err;
        }
        if (err * 1000000 >= v * SHARP_PPM)
            continue;
        for (unsigned j = 0; j < nr_sharp; j++)
            if (within_ppm(sharp[j], v, AGREE_PPM))
                return (sharp[j] + v) / 2;
        sharp[nr_sharp++] = v;
    }
    return best;
}
