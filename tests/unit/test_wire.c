/* The impairment wire's decisions and release queue (tools/wire/impair.c):
 * the same seed gives the same verdicts (per direction, whatever each
 * frame's fate), seeds and directions differ, each rate holds over many
 * frames, corruption stays past the Ethernet header, rates parse, and the
 * queue releases by due time then arrival order, bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../tools/wire/impair.h"

#define N 200000

static const struct impair_cfg all = { .loss_ppm = 10000, .dup_ppm = 20000, .reorder_ppm = 50000,
                                       .corrupt_ppm = 10000, .delay_us = 100, .reorder_us = 5000 };

static int same(const struct impair_verdict *a, const struct impair_verdict *b)
{
    return a->drop == b->drop && a->copies == b->copies && a->delay_us == b->delay_us &&
           a->reordered == b->reordered && a->corrupt_off == b->corrupt_off &&
           a->corrupt_mask == b->corrupt_mask;
}

static void test_replay(void **state)
{
    struct impair a, b, c, d;
    struct impair_verdict va, vb, vc, vd;
    unsigned diff_seed = 0, diff_dir = 0;

    impair_init(&a, &all, 42, 0);
    impair_init(&b, &all, 42, 0);
    impair_init(&c, &all, 43, 0);
    impair_init(&d, &all, 42, 1);
    for (unsigned i = 0; i < 10000; i++) {
        size_t len = 60 + i % 1454;

        impair_decide(&a, len, &va);
        impair_decide(&b, len, &vb);
        impair_decide(&c, len, &vc);
        impair_decide(&d, len, &vd);
        assert_true(same(&va, &vb));
        diff_seed += !same(&va, &vc);
        diff_dir += !same(&va, &vd);
    }
    assert_true(diff_seed > 500 && diff_dir > 500);
}

static void test_rates(void **state)
{
    struct impair im;
    struct impair_verdict v;
    unsigned drop = 0, dup = 0, reo = 0, cor = 0;

    impair_init(&im, &all, 7, 0);
    for (unsigned i = 0; i < N; i++) {
        impair_decide(&im, 1514, &v);
        drop += v.drop, dup += v.copies == 2, reo += v.reordered;
        if (v.corrupt_off >= 0) {
            cor++;
            assert_in_range(v.corrupt_off, IMPAIR_ETH_HLEN, 1513);
            assert_int_equal(__builtin_popcount(v.corrupt_mask), 1);
        }
        assert_int_equal(v.delay_us, v.reordered ? 5100 : 100);
    }
    /* Expected +- about 5 standard deviations. */
    assert_in_range(drop, 2000 - 230, 2000 + 230);
    assert_in_range(dup, 4000 - 320, 4000 + 320);
    assert_in_range(reo, 10000 - 500, 10000 + 500);
    assert_in_range(cor, 2000 - 230, 2000 + 230);
    assert_int_equal(im.frames, N);
}

static void test_zero_rates_and_runts(void **state)
{
    struct impair_cfg none = { 0 }, cor = { .corrupt_ppm = IMPAIR_PPM };
    struct impair im;
    struct impair_verdict v;

    impair_init(&im, &none, 1, 0);
    for (unsigned i = 0; i < 10000; i++) {
        impair_decide(&im, 100, &v);
        assert_false(v.drop || v.reordered || v.copies != 1 || v.corrupt_off >= 0 || v.delay_us);
    }
    impair_init(&im, &cor, 1, 0);
    impair_decide(&im, IMPAIR_ETH_HLEN, &v);        /* nothing past the header: left alone */
    assert_int_equal(v.corrupt_off, -1);
    impair_decide(&im, IMPAIR_ETH_HLEN + 1, &v);
    assert_int_equal(v.corrupt_off, IMPAIR_ETH_HLEN);
}

static void test_parse_rate(void **state)
{
    assert_int_equal(impair_parse_rate("0.05"), 50000);
    assert_int_equal(impair_parse_rate("5%"), 50000);
    assert_int_equal(impair_parse_rate("1"), IMPAIR_PPM);
    assert_int_equal(impair_parse_rate("0"), 0);
    assert_int_equal(impair_parse_rate("1.5"), -1);
    assert_int_equal(impair_parse_rate("-0.1"), -1);
    assert_int_equal(impair_parse_rate("x"), -1);
    assert_int_equal(impair_parse_rate("5%%"), -1);
}

static void test_queue_order(void **state)
{
    static struct wire_queue q;
    struct wire_frame *f;
    uint8_t b[4] = { 1, 2, 3, 4 };

    wq_init(&q);
    assert_int_equal(wq_next_due(&q), UINT64_MAX);
    wq_push(&q, 300, 0, b, 1);          /* held back (reordered) */
    wq_push(&q, 100, 1, b, 2);
    wq_push(&q, 100, 0, b, 3);          /* same due: arrival order */
    wq_push(&q, 200, 0, b, 4);
    assert_int_equal(wq_next_due(&q), 100);
    assert_null(wq_pop_due(&q, 99));
    f = wq_pop_due(&q, 1000);
    assert_int_equal(f->len, 2);
    assert_int_equal(f->dir, 1);
    wq_free(f);
    f = wq_pop_due(&q, 1000);
    assert_int_equal(f->len, 3);
    assert_memory_equal(f->data, b, 3);
    wq_free(f);
    f = wq_pop_due(&q, 1000);
    assert_int_equal(f->len, 4);
    wq_free(f);
    f = wq_pop_due(&q, 1000);
    assert_int_equal(f->len, 1);
    wq_free(f);
    assert_null(wq_pop_due(&q, 1000));
    for (unsigned i = 0; i < WIRE_QUEUE_LEN; i++)
        assert_true(wq_push(&q, i, 0, b, 1));
    assert_false(wq_push(&q, 0, 0, b, 1));          /* bounded: refused and counted */
    assert_int_equal(q.overflow, 1);
    for (uint64_t prev = 0; (f = wq_pop_due(&q, UINT64_MAX - 1)); wq_free(f)) {
        assert_true(f->due_us >= prev);
        prev = f->due_us;
    }
    wq_destroy(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_zero_rates_and_runts),
        cmocka_unit_test(test_parse_rate),
        cmocka_unit_test(test_queue_order),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
