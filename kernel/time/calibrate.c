/*
 * Calibration against the TSC from bracketed samples, shared by the TSC
 * rate (against the PIT, pit.c) and the LAPIC timer rate (clockevent.c).
 *
 * A sample is a reading of the reference clock known to have been taken
 * inside a TSC window.  Two samples then bound the TSC cycles between their
 * readings to within half of each window, so a pair's relative error is at
 * most (w0 + w1) / 2 over the cycles between them: a proven bound, whatever
 * the host does to the vCPU.  A vCPU preempted mid-sample only widens that
 * sample's window (TCG on a loaded host: milliseconds), so it is not used;
 * sampling goes on until a pair is within the target.  No repeated runs
 * that must agree: the wait is about a sample's width over the target (a
 * millisecond or two under TCG).
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include "time_impl.h"

#define PPM     1000000ULL

static u64 div_round_up(u64 n, u64 d)
{
    return (n + d - 1) / d;
}

/* The pair's error bound in ppm: the TSC windows', plus the reference's reading error. */
static u64 pair_ppm(const struct calibration *c, const struct cal_sample *b)
{
    const struct cal_sample *a = &c->start;
    u64 spread = (a->width + b->width) / 2 + 1;

    return div_round_up(spread * PPM, b->tsc - a->tsc) +
           div_round_up(c->ref_err * PPM, b->ref - a->ref);
}

void calibration_init(struct calibration *c, u64 ref_err)
{
    *c = (struct calibration){ .err_ppm = UINT64_MAX, .ref_err = ref_err };
}

int calibration_start(struct calibration *c, int (*sample)(void *ctx, struct cal_sample *s),
                      void *ctx)
{
    int r;

    while (!(r = sample(ctx, &c->start)))
        ;
    c->started = r > 0;
    return c->started ? 0 : -ENODEV;
}

/*
 * Whether a later, narrower sample s makes the better start.  Taking later
 * samples to be as narrow as s, the pair from s reaches target T at
 * s.tsc + s.width / T, the pair from cur at cur.tsc + (cur.width + s.width)
 * / 2T: s wins iff 2T (s.tsc - cur.tsc) < cur.width - s.width.  So a start
 * widened by TCG translating the code is soon replaced, while one kept
 * across boot work (pit.c) is not thrown away for a slightly narrower one.
 */
static bool better_start(const struct cal_sample *cur, const struct cal_sample *s, u64 target_ppm)
{
    return s->width < cur->width &&
           2 * target_ppm * (s->tsc - cur->tsc) < (cur->width - s->width) * PPM;
}

/*
 * Sample until a pair is within target_ppm, or the sampler says stop.  The
 * start is kept across calls, so one taken early in boot pairs with
 * samples taken later.
 */
int calibrate(struct calibration *c, int (*sample)(void *ctx, struct cal_sample *s), void *ctx,
              u64 target_ppm)
{
    struct cal_sample s;

    while (c->err_ppm > target_ppm) {
        int r = sample(ctx, &s);

        if (r < 0)
            break;
        if (!r)
            continue;
        if (c->started && s.tsc > c->start.tsc && s.ref > c->start.ref) {
            u64 ppm = pair_ppm(c, &s);

            if (ppm < c->err_ppm) {
                c->ref = s.ref - c->start.ref;
                c->cycles = s.tsc - c->start.tsc;
                c->err_ppm = ppm;
            }
        }
        if (!c->started || better_start(&c->start, &s, target_ppm)) {
            c->start = s;
            c->started = true;
        }
    }
    if (c->err_ppm == UINT64_MAX)
        return -ENODEV;
    return c->err_ppm <= target_ppm ? 0 : -EAGAIN;
}
