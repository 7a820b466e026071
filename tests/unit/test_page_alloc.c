/* Buddy page allocator (kernel/mm/page_alloc.c) over a malloc'd arena:
 * splitting, coalescing, natural alignment, exhaustion, counters, misuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/arch/irqflags.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/string.h>

#define ARENA_PAGES 4096                            /* 16 MiB */
#define BLOCK_MAX   (PAGE_SIZE << (MAX_ORDER - 1))  /* 4 MiB */

static char *arena;
static void *meta;
static jmp_buf panic_jmp;
static char panic_msg[256];

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    longjmp(panic_jmp, 1);
}

/* A fresh allocator; pages [lo, hi) of the arena are handed to it. */
static void fresh(size_t lo, size_t hi)
{
    pmm_init(arena, ARENA_PAGES, meta);
    pmm_add_range(arena + lo * PAGE_SIZE, arena + hi * PAGE_SIZE);
}

static int group_setup(void **state)
{
    (void)state;
    arena = aligned_alloc(BLOCK_MAX, ARENA_PAGES * PAGE_SIZE);
    meta = malloc(pmm_meta_bytes(ARENA_PAGES));
    return !arena || !meta;
}

static int group_teardown(void **state)
{
    (void)state;
    free(arena);
    free(meta);
    return 0;
}

static void test_counters_and_ranges(void **state)
{
    (void)state;
    fresh(0, 0);
    assert_int_equal(pmm_total_bytes(), 0);
    assert_null(alloc_pages(0));
    /* Ragged ranges: 3 pages, then a 1-byte-short range that loses its last page. */
    pmm_init(arena, ARENA_PAGES, meta);
    pmm_add_range(arena + 5 * PAGE_SIZE, arena + 8 * PAGE_SIZE);
    pmm_add_range(arena + 100 * PAGE_SIZE + 1, arena + 200 * PAGE_SIZE - 1);
    assert_int_equal(pmm_total_bytes(), (3 + 98) * PAGE_SIZE);
    assert_int_equal(pmm_free_bytes(), pmm_total_bytes());
}

static void test_natural_alignment(void **state)
{
    void *p[MAX_ORDER];
    (void)state;
    fresh(1, ARENA_PAGES - 3);
    for (unsigned o = 0; o < MAX_ORDER; o++) {
        p[o] = alloc_pages(o);
        assert_non_null(p[o]);
        assert_int_equal((unsigned long)p[o] % (PAGE_SIZE << o), 0);
        assert_true((char *)p[o] >= arena + PAGE_SIZE &&
                    (char *)p[o] + (PAGE_SIZE << o) <= arena + (ARENA_PAGES - 3) * PAGE_SIZE);
        memset(p[o], (int)o, PAGE_SIZE << o);
    }
    for (unsigned o = 0; o < MAX_ORDER; o++) {
        assert_int_equal(((unsigned char *)p[o])[(PAGE_SIZE << o) - 1], o);
        free_pages(p[o], o);
    }
    assert_int_equal(pmm_free_bytes(), pmm_total_bytes());
}

/* Single pages until exhaustion, then all back: the pieces merge again. */
static void test_exhaustion_and_coalesce(void **state)
{
    static void *pages[ARENA_PAGES + 1];
    size_t n = 0;
    (void)state;
    fresh(0, ARENA_PAGES);
    while ((pages[n] = alloc_pages(0)))
        n++;
    assert_int_equal(n, ARENA_PAGES);
    assert_int_equal(pmm_free_bytes(), 0);
    assert_null(alloc_pages(MAX_ORDER - 1));
    for (size_t i = 0; i < n; i += 2)       /* every other page: nothing can merge */
        free_pages(pages[i], 0);
    assert_null(alloc_pages(1));
    for (size_t i = 1; i < n; i += 2)
        free_pages(pages[i], 0);
    assert_int_equal(pmm_free_bytes(), (u64)ARENA_PAGES * PAGE_SIZE);
    for (int i = 0; i < 4; i++)             /* 16 MiB = four 4 MiB blocks again */
        assert_non_null(alloc_pages(MAX_ORDER - 1));
    assert_null(alloc_pages(0));
    assert_null(alloc_pages(MAX_ORDER));
}

static void test_mixed_orders(void **state)
{
    static void *p[2000];
    static unsigned ord[2000];
    size_t n = 0;
    (void)state;
    fresh(7, ARENA_PAGES - 9);
    for (unsigned i = 0; n < 2000; i++) {
        ord[n] = i * 7 % 5;
        if (!(p[n] = alloc_pages(ord[n])))
            break;
        n++;
    }
    assert_true(pmm_free_bytes() < (PAGE_SIZE << 4));
    for (size_t i = n; i-- > 0;)
        free_pages(p[i], ord[i]);
    assert_int_equal(pmm_free_bytes(), pmm_total_bytes());
}

static void test_private_word(void **state)
{
    char *p;
    (void)state;
    fresh(0, 64);
    p = alloc_pages(2);
    page_set_private(p, 2, 0x1234);
    assert_int_equal(page_private(p + 3 * PAGE_SIZE + 5), 0x1234);
    assert_int_equal(page_private(arena + 4096 * PAGE_SIZE), 0);     /* outside */
    assert_int_equal(page_private(&state), 0);
    free_pages(p, 2);
    assert_int_equal(page_private(p), 0);
}

static void test_misuse_panics(void **state)
{
    char *p;
    (void)state;
    fresh(0, 64);
    p = alloc_pages(1);
    free_pages(p, 1);
    if (!setjmp(panic_jmp)) {
        free_pages(p, 1);
        fail_msg("double free not caught");
    }
    assert_non_null(strstr(panic_msg, "double free"));
    if (!setjmp(panic_jmp)) {
        free_pages(p + PAGE_SIZE, 1);       /* misaligned for order 1 */
        fail_msg("bad block not caught");
    }
    assert_non_null(strstr(panic_msg, "not a managed block"));
    host_irqs_disabled = false;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counters_and_ranges),
        cmocka_unit_test(test_natural_alignment),
        cmocka_unit_test(test_exhaustion_and_coalesce),
        cmocka_unit_test(test_mixed_orders),
        cmocka_unit_test(test_private_word),
        cmocka_unit_test(test_misuse_panics),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
