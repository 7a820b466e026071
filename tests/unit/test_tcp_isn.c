/* RFC 6528 ISNs (net/tcp_isn.c): tuples differ, one tuple advances with the
 * 4 µs clock, F is the keyed hash (unpredictable without its secret),
 * and no cheap structure (collisions, low-bit bias) shows over many tuples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include <net/inet_sock.h>
#include <net/tcp_ext.h>
#include "../../net/tcp_impl.h"
#include "host/fake_clock.h"

#define L htonl(0x0a000002)
#define R htonl(0x0a000001)

static void test_tuples_differ(void **state)
{
    u32 a = tcp_isn_at(L, R, htons(80), htons(40000), 0);

    assert_int_not_equal(a, tcp_isn_at(L, R, htons(80), htons(40001), 0));
    assert_int_not_equal(a, tcp_isn_at(L, R, htons(81), htons(40000), 0));
    assert_int_not_equal(a, tcp_isn_at(L, htonl(0x0a000003), htons(80), htons(40000), 0));
    assert_int_not_equal(a, tcp_isn_at(R, L, htons(40000), htons(80), 0));     /* direction matters */
}

static void test_clock_advances(void **state)
{
    u32 a = tcp_isn_at(L, R, htons(80), htons(40000), 0);

    assert_int_equal(tcp_isn_at(L, R, htons(80), htons(40000), 4000) - a, 1);       /* 4 µs tick */
    assert_int_equal(tcp_isn_at(L, R, htons(80), htons(40000), NSEC_PER_MSEC) - a, 250);
    assert_int_equal(tcp_isn_at(L, R, htons(80), htons(40000), NSEC_PER_SEC) - a, 250000);
    /* The hook uses the monotonic clock. */
    fake_clock_set(8000);
    assert_int_equal(secure_tcp_seq(L, R, htons(80), htons(40000)) - a, 2);
}

/*
 * F is the keyed hash (its key a boot secret, so an observer cannot compute
 * it); nothing linear to extrapolate: port-to-port steps are not constant.
 */
static void test_keyed_and_unpredictable(void **state)
{
    u32 a = tcp_isn_at(L, R, htons(80), htons(40000), 0);
    u32 b = tcp_isn_at(L, R, htons(80), htons(40001), 0);
    u32 c = tcp_isn_at(L, R, htons(80), htons(40002), 0);

    assert_int_equal(a, inet_secure_hash(TCP_HASH_DOMAIN_ISN, L, R, htons(80), htons(40000)));
    assert_int_not_equal(b - a, c - b);
}

/* 4096 consecutive ports: distinct values and each output bit set about half the time. */
static void test_no_structure(void **state)
{
    static u32 v[4096];
    unsigned ones[32] = { 0 };

    for (unsigned i = 0; i < 4096; i++) {
        v[i] = tcp_isn_at(L, R, htons(80), htons((u16)(30000 + i)), 0);
        for (unsigned b = 0; b < 32; b++)
            ones[b] += (v[i] >> b) & 1;
        for (unsigned j = 0; j < i; j++)
            assert_int_not_equal(v[i], v[j]);
    }
    for (unsigned b = 0; b < 32; b++)
        assert_in_range(ones[b], 2048 - 200, 2048 + 200);
    /* Domains are separate: the cookie hash of a tuple is not its ISN hash. */
    assert_int_not_equal(inet_secure_hash(TCP_HASH_DOMAIN_ISN, L, R, htons(80), htons(30000)),
                         inet_secure_hash(TCP_HASH_DOMAIN_COOKIE, L, R, htons(80), htons(30000)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tuples_differ),
        cmocka_unit_test(test_clock_advances),
        cmocka_unit_test(test_keyed_and_unpredictable),
        cmocka_unit_test(test_no_structure),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
