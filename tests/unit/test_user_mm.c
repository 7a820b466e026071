/* The app's address-space bookkeeping (kernel/user/vma.c: insert, merge,
 * split on remove and mprotect, covered runs, top-down gaps) and the loader's
 * pure layout (kernel/exec/layout.c: shared-page permissions, the psABI
 * initial stack), each test ending with a heap leak check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/user_mm.h>
#include <linux/auxvec.h>
#include <linux/elf.h>
#include "../../kernel/exec/exec_impl.h"

#define P(n) (0x400000ULL + (n) * 4096ULL)     /* page n of a test region */
#define RW   (PROT_READ | PROT_WRITE)

static struct user_mm mm;
static u64 heap_baseline;

static int setup(void **state)
{
    (void)state;
    heap_baseline = kmem_bytes_in_use();
    vma_init(&mm);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vma_destroy_all(&mm);
    assert_int_equal(mm.nr_vmas, 0);
    assert_int_equal(kmem_bytes_in_use(), heap_baseline);
    return 0;
}

static void assert_vma(u64 addr, u64 start, u64 end, unsigned prot)
{
    struct vm_area *v = vma_find(&mm, addr);
    assert_non_null(v);
    assert_int_equal(v->start, start);
    assert_int_equal(v->end, end);
    assert_int_equal(v->prot, prot);
}

static void test_insert_merges_equal_neighbours(void **state)
{
    (void)state;
    assert_int_equal(vma_insert(&mm, P(0), P(2), RW, VMA_ANON), 0);
    assert_int_equal(vma_insert(&mm, P(4), P(6), RW, VMA_ANON), 0);
    assert_int_equal(mm.nr_vmas, 2);
    assert_int_equal(vma_insert(&mm, P(2), P(4), RW, VMA_ANON), 0);   /* fills the hole */
    assert_int_equal(mm.nr_vmas, 1);
    assert_vma(P(3), P(0), P(6), RW);
    assert_int_equal(vma_insert(&mm, P(6), P(7), PROT_READ, VMA_ANON), 0);
    assert_int_equal(vma_insert(&mm, P(7), P(8), RW, VMA_BRK), 0);    /* other kind: no merge */
    assert_int_equal(mm.nr_vmas, 3);
    assert_null(vma_find(&mm, P(8)));
}

static void test_remove_splits(void **state)
{
    (void)state;
    vma_insert(&mm, P(0), P(10), RW, VMA_ANON);
    assert_int_equal(vma_remove(&mm, P(3), P(5)), 0);
    assert_int_equal(mm.nr_vmas, 2);
    assert_vma(P(0), P(0), P(3), RW);
    assert_vma(P(9), P(5), P(10), RW);
    assert_null(vma_find(&mm, P(4)));
    assert_int_equal(vma_remove(&mm, P(20), P(30)), 0);               /* nothing there: fine */
    assert_int_equal(vma_remove(&mm, 0, P(100)), 0);
    assert_int_equal(mm.nr_vmas, 0);
}

static void test_set_prot_splits_and_remerges(void **state)
{
    (void)state;
    vma_insert(&mm, P(0), P(10), RW, VMA_ANON);
    assert_int_equal(vma_set_prot(&mm, P(4), P(6), PROT_READ), 0);
    assert_int_equal(mm.nr_vmas, 3);
    assert_vma(P(5), P(4), P(6), PROT_READ);
    assert_vma(P(9), P(6), P(10), RW);
    assert_int_equal(vma_set_prot(&mm, P(4), P(6), RW), 0);
    assert_int_equal(mm.nr_vmas, 1);
    assert_vma(P(0), P(0), P(10), RW);
}

static void test_covered_end_stops_at_hole(void **state)
{
    (void)state;
    vma_insert(&mm, P(0), P(2), RW, VMA_ANON);
    vma_insert(&mm, P(2), P(3), PROT_READ, VMA_ANON);
    vma_insert(&mm, P(4), P(5), RW, VMA_ANON);
    assert_int_equal(vma_covered_end(&mm, P(0), P(3)), P(3));
    assert_int_equal(vma_covered_end(&mm, P(1), P(5)), P(3));
    assert_int_equal(vma_covered_end(&mm, P(3), P(5)), P(3));         /* start unmapped */
    assert_non_null(vma_intersect(&mm, P(3), P(5)));
    assert_null(vma_intersect(&mm, P(3), P(4)));
}

static void test_find_gap_top_down(void **state)
{
    (void)state;
    assert_int_equal(vma_find_gap(&mm, P(2) - P(0), P(0), P(10)), P(8));
    vma_insert(&mm, P(8), P(10), RW, VMA_ANON);
    vma_insert(&mm, P(3), P(6), RW, VMA_ANON);
    assert_int_equal(vma_find_gap(&mm, 2 * 4096, P(0), P(10)), P(6));
    assert_int_equal(vma_find_gap(&mm, 3 * 4096, P(0), P(10)), P(0));
    assert_int_equal(vma_find_gap(&mm, 4 * 4096, P(0), P(10)), 0);   /* no room */
    assert_int_equal(vma_find_gap(&mm, 4096, P(1), P(3)), P(2));
}

/* A text page and a data segment sharing a page, as GNU ld lays out small images. */
static struct elf_image two_segments(u64 bias)
{
    struct elf_image img = { .entry = bias + 0x401000, .load_bias = bias,
                             .phdr_vaddr = bias + 0x400040, .phnum = 6, .phentsize = 56,
                             .nseg = 2 };
    img.seg[0] = (struct elf_segment){ .vaddr = bias + 0x400000, .memsz = 0x1800,
                                       .filesz = 0x1800, .flags = PF_R | PF_X };
    img.seg[1] = (struct elf_segment){ .vaddr = bias + 0x401800, .memsz = 0x2000,
                                       .filesz = 0x100, .offset = 0x1800, .flags = PF_R | PF_W };
    img.lo = bias + 0x400000;
    img.hi = bias + 0x404000;
    return img;
}

static void test_page_prot_union(void **state)
{
    struct elf_image img = two_segments(0);

    (void)state;
    assert_int_equal(exec_page_prot(&img, 0x400000), PROT_READ | PROT_EXEC);
    assert_int_equal(exec_page_prot(&img, 0x401000), PROT_READ | PROT_WRITE | PROT_EXEC);
    assert_int_equal(exec_page_prot(&img, 0x402000), PROT_READ | PROT_WRITE);
    assert_int_equal(exec_page_prot(&img, 0x404000), 0);
}

static u64 word_at(const u8 *buf, u64 base, u64 addr)
{
    u64 v;
    memcpy(&v, buf + (addr - base), 8);
    return v;
}

static u64 auxv_get(const u8 *buf, u64 base, u64 auxp, u64 type)
{
    for (;; auxp += 16) {
        u64 t = word_at(buf, base, auxp);
        if (t == type || t == AT_NULL)
            return t == type ? word_at(buf, base, auxp + 8) : ~0ULL;
    }
}

/* Static PIE: every address the stack reports is biased; the layout follows psABI §3.4.1. */
static void test_initial_stack_static_pie(void **state)
{
    static u8 buf[8192];
    const u64 top = 0x7ffffffff000ULL, base = top - sizeof(buf);
    const char *argv[] = { "app", "7", "a b", NULL }, *envp[] = { "HOME=/", NULL };
    const u8 rnd[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    struct exec_stack_args a = { .argv = argv, .envp = envp, .random = rnd, .hwcap = 0x1234 };
    struct elf_image img = two_segments(ELF_PIE_BASE);
    u64 sp, p, auxp;

    (void)state;
    assert_int_equal(exec_build_stack(buf, sizeof(buf), top, &img, &a, &sp), 0);
    assert_int_equal(sp % 16, 0);
    assert_int_equal(word_at(buf, base, sp), 3);                        /* argc */
    for (int i = 0; i < 3; i++) {
        p = word_at(buf, base, sp + 8 + 8 * i);
        assert_string_equal((const char *)buf + (p - base), argv[i]);
    }
    assert_int_equal(word_at(buf, base, sp + 32), 0);                  /* argv NULL */
    p = word_at(buf, base, sp + 40);
    assert_string_equal((const char *)buf + (p - base), "HOME=/");
    assert_int_equal(word_at(buf, base, sp + 48), 0);                  /* envp NULL */
    auxp = sp + 56;
    assert_int_equal(auxv_get(buf, base, auxp, AT_ENTRY), ELF_PIE_BASE + 0x401000);
    assert_int_equal(auxv_get(buf, base, auxp, AT_PHDR), ELF_PIE_BASE + 0x400040);
    assert_int_equal(auxv_get(buf, base, auxp, AT_PHNUM), 6);
    assert_int_equal(auxv_get(buf, base, auxp, AT_PAGESZ), 4096);
    assert_int_equal(auxv_get(buf, base, auxp, AT_HWCAP), 0x1234);
    assert_int_equal(auxv_get(buf, base, auxp, AT_SECURE), 0);
    p = auxv_get(buf, base, auxp, AT_RANDOM);
    assert_memory_equal(buf + (p - base), rnd, 16);
    p = auxv_get(buf, base, auxp, AT_EXECFN);
    assert_string_equal((const char *)buf + (p - base), "app");
}

static void test_initial_stack_too_big(void **state)
{
    static u8 buf[256];
    const char *argv[] = { "app", NULL }, *envp[] = { NULL };
    const u8 rnd[16] = { 0 };
    struct exec_stack_args a = { .argv = argv, .envp = envp, .random = rnd };
    struct elf_image img = two_segments(0);
    u64 sp;

    (void)state;
    assert_int_equal(exec_build_stack(buf, sizeof(buf), 0x7ffffffff000ULL, &img, &a, &sp),
                     -E2BIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_merges_equal_neighbours, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_splits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_prot_splits_and_remerges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_covered_end_stops_at_hole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_gap_top_down, setup, teardown),
        cmocka_unit_test(test_page_prot_union),
        cmocka_unit_test(test_initial_stack_static_pie),
        cmocka_unit_test(test_initial_stack_too_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
