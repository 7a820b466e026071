/* Kernel heap (kernel/mm/slab.c) over the host page provider: size classes,
 * alignment, counters, large blocks, failure paths, misuse detection, and
 * every page back once everything is freed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/arch/irqflags.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include "host/host_pages.h"

static jmp_buf panic_jmp;
static bool expect_panic;
static char panic_msg[256];

/* Overrides host_pages.c's weak panic(): misuse tests catch it here. */
void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    if (!expect_panic) {
        fprintf(stderr, "unexpected panic: %s\n", panic_msg);
        abort();
    }
    expect_panic = false;
    longjmp(panic_jmp, 1);
}

#define assert_panics(stmt, substr)                         \
    do {                                                    \
        expect_panic = true;                                \
        if (!setjmp(panic_jmp)) {                           \
            stmt;                                           \
            fail_msg("no panic from " #stmt);               \
        }                                                   \
        host_irqs_disabled = false;                         \
        assert_non_null(strstr(panic_msg, substr));         \
    } while (0)

static struct kmem_stats stats_of(const char *name)
{
    struct kmem_stats st[64];
    size_t n = kmem_stats_get(st, 64);

    for (size_t i = 0; i < n && i < 64; i++)
        if (!strcmp(st[i].name, name))
            return st[i];
    fail_msg("no cache %s", name);
    return st[0];
}

static long pages_at_start;
static u64 bytes_at_start;

static int setup(void **state)
{
    (void)state;
    host_pages_set_limit(-1);
    kmem_shrink();
    pages_at_start = host_pages_outstanding();
    bytes_at_start = kmem_bytes_in_use();
    return 0;
}

/* Every test leaves no object and, after a shrink, no page behind. */
static int leak_check(void **state)
{
    (void)state;
    host_pages_set_limit(-1);
    assert_int_equal(kmem_bytes_in_use(), bytes_at_start);
    kmem_shrink();
    assert_int_equal(host_pages_outstanding(), pages_at_start);
    return 0;
}

static void test_size_classes(void **state)
{
    static const struct { size_t size; const char *cache; } cases[] = {
        { 0, "kmalloc-16" }, { 1, "kmalloc-16" }, { 16, "kmalloc-16" }, { 17, "kmalloc-32" },
        { 100, "kmalloc-128" }, { 1025, "kmalloc-2048" }, { 2048, "kmalloc-2048" },
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct kmem_stats before = stats_of(cases[i].cache);
        void *p = kmalloc(cases[i].size);
        struct kmem_stats after = stats_of(cases[i].cache);
        assert_non_null(p);
        assert_int_equal(after.objs_in_use, before.objs_in_use + 1);
        assert_int_equal(after.bytes_in_use, before.bytes_in_use + after.obj_size);
        assert_int_equal(after.allocs, before.allocs + 1);
        kfree(p);
        assert_int_equal(stats_of(cases[i].cache).frees, before.frees + 1);
    }
}

/* Objects are 16-byte aligned and never overlap: fill each, then verify. */
static void test_alignment_and_no_overlap(void **state)
{
    enum { N = 3000 };
    static unsigned char *p[N];
    static size_t sz[N];
    (void)state;
    for (int i = 0; i < N; i++) {
        sz[i] = (size_t)(i * 37 % 2100) + 1;
        p[i] = kmalloc(sz[i]);
        assert_non_null(p[i]);
        assert_int_equal((unsigned long)p[i] % 16, 0);
        memset(p[i], i & 0xff, sz[i]);
    }
    for (int i = 0; i < N; i++) {
        for (size_t j = 0; j < sz[i]; j++)
            assert_int_equal(p[i][j], i & 0xff);
        kfree(p[i]);
    }
    assert_int_equal(stats_of("kmalloc-64").objs_in_use, 0);
}

static void test_large(void **state)
{
    void *a, *b;
    (void)state;
    a = kmalloc(2049);
    b = kmalloc(5 * PAGE_SIZE);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal((unsigned long)a % PAGE_SIZE, 0);
    assert_int_equal((unsigned long)b % PAGE_SIZE, 0);
    memset(b, 0xab, 5 * PAGE_SIZE);
    assert_int_equal(stats_of("kmalloc-large").bytes_in_use, PAGE_SIZE + 8 * PAGE_SIZE);
    assert_int_equal(kmem_bytes_in_use(), bytes_at_start + 9 * PAGE_SIZE);
    assert_null(kmalloc(PAGE_SIZE << MAX_ORDER));
    assert_int_equal(stats_of("kmalloc-large").failures, 1);
    kfree(a);
    kfree(b);
    assert_int_equal(stats_of("kmalloc-large").objs_in_use, 0);
}

static void test_kzalloc_kcalloc(void **state)
{
    unsigned char *p;
    (void)state;
    assert_null(kcalloc((size_t)-1 / 2, 4));
    assert_null(kcalloc(2, (size_t)1 << 63));
    p = kcalloc(100, 3);
    assert_non_null(p);
    for (int i = 0; i < 300; i++)
        assert_int_equal(p[i], 0);
    memset(p, 0xff, 300);
    kfree(p);
    p = kzalloc(300);           /* likely the same slot: must be zeroed again */
    for (int i = 0; i < 300; i++)
        assert_int_equal(p[i], 0);
    kfree(p);
}

/* With no page left, allocation fails cleanly and the failure is counted. */
static void test_exhaustion(void **state)
{
    enum { N = 4096 };
    static void *p[N];
    int n = 0;
    u64 fail0 = stats_of("kmalloc-256").failures;
    (void)state;
    host_pages_set_limit(host_pages_outstanding() + 4);
    while (n < N && (p[n] = kmalloc(256)))
        n++;
    assert_true(n > 0 && n < N);
    assert_int_equal(stats_of("kmalloc-256").failures, fail0 + 1);
    assert_null(kmalloc(8000));
    while (n--)
        kfree(p[n]);
}

static void test_custom_cache(void **state)
{
    struct kmem_cache *c = kmem_cache_create("test-obj", 100, 64);
    struct kmem_cache *d = kmem_cache_create("test-other", 24, 0);
    void *objs[200];
    unsigned char *z;
    (void)state;
    assert_non_null(c);
    assert_non_null(d);
    assert_null(kmem_cache_create("bad-align", 8, 48));
    assert_null(kmem_cache_create("too-big", 40000, 0));
    for (int i = 0; i < 200; i++) {
        objs[i] = kmem_cache_alloc(c);
        assert_non_null(objs[i]);
        assert_int_equal((unsigned long)objs[i] % 64, 0);
    }
    assert_int_equal(stats_of("test-obj").bytes_in_use, 200 * 100);
    assert_panics(kmem_cache_free(d, objs[0]), "belongs to test-obj");
    for (int i = 0; i < 200; i++)
        kmem_cache_free(c, objs[i]);
    z = kmem_cache_zalloc(d);
    for (int i = 0; i < 24; i++)
        assert_int_equal(z[i], 0);
    kmem_cache_free(d, z);
    assert_int_equal(stats_of("test-obj").objs_in_use, 0);
    assert_int_equal(stats_of("test-other").objs_in_use, 0);
    /* Only the two cache structs stay (caches are never destroyed). */
    assert_true(kmem_bytes_in_use() - bytes_at_start <= 2 * 256);
}

static void test_misuse_panics(void **state)
{
    static char not_heap[64];
    char *p = kmalloc(64), *q = kmalloc(64), *big = kmalloc(3 * PAGE_SIZE);
    (void)state;
    kfree(p);
    assert_panics(kfree(p), "double free");
    assert_panics(kfree(q + 8), "not an object start");
    assert_panics(kfree(not_heap), "not a heap object");
    assert_panics(kfree(big + 16), "not its start");
    kfree(big);
    assert_panics(kfree(big), "not a heap object");
    kfree(q);
    kfree(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_size_classes, setup, leak_check),
        cmocka_unit_test_setup_teardown(test_alignment_and_no_overlap, setup, leak_check),
        cmocka_unit_test_setup_teardown(test_large, setup, leak_check),
        cmocka_unit_test_setup_teardown(test_kzalloc_kcalloc, setup, leak_check),
        cmocka_unit_test_setup_teardown(test_exhaustion, setup, leak_check),
        cmocka_unit_test_setup_teardown(test_custom_cache, setup, NULL),
        cmocka_unit_test_setup_teardown(test_misuse_panics, setup, leak_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
