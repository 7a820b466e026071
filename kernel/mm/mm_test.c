/*
 * `ktest=mm`: memory management checked on the real machine (run by
 * tests/system/test_mm.py).  Above: the ktest runner in kernel_main.  Below:
 * the page allocator, the heap and the page tables it inspects.  Each check
 * prints one fact per line; the test passes only if all of them hold.
 */
#include <kernel/arch/cpu.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/vm.h>

#define HEAP_OBJS 4000

/* Allocated blocks are chained through their own first bytes. */
struct block {
    struct block *next;
    unsigned order;
};

static bool check(const char *fact, bool ok)
{
    pr_info("mm: %s: %s", fact, ok ? "yes" : "no");
    return ok;
}

/* Orders 0..3 in turn, falling back to smaller ones, until not even a page is left. */
static bool pages_until_exhaustion(void)
{
    u64 baseline = pmm_free_bytes(), pages = 0, left;
    struct block *head = NULL;
    bool ok;

    for (unsigned i = 0;; i++) {
        unsigned order = i % 4;
        struct block *b;
        while (!(b = alloc_pages(order)) && order)
            order--;
        if (!b)
            break;
        b->next = head;
        b->order = order;
        head = b;
        pages += 1ULL << order;
    }
    left = pmm_free_bytes();
    while (head) {
        struct block *next = head->next;
        free_pages(head, head->order);
        head = next;
    }
    pr_info("mm: allocated %llu pages until exhaustion (%llu bytes left free)",
            (unsigned long long)pages, (unsigned long long)left);
    ok = check("every managed page allocatable", left == 0 && pages << PAGE_SHIFT == baseline);
    ok &= check("free bytes back to baseline", pmm_free_bytes() == baseline);
    return ok;
}

static bool heap_roundtrip(void)
{
    u64 bytes0 = kmem_bytes_in_use(), free0 = pmm_free_bytes();
    unsigned char **obj = kcalloc(HEAP_OBJS, sizeof(*obj));
    bool intact = obj != NULL;

    for (unsigned i = 0; intact && i < HEAP_OBJS; i++) {
        size_t size = (i * 7919u) % 5000 + 1;
        obj[i] = kmalloc(size);
        intact = obj[i] && !((unsigned long)obj[i] & 15);
        if (intact)
            memset(obj[i], (int)i, size < 64 ? size : 64);
    }
    for (unsigned i = 0; obj && i < HEAP_OBJS; i++) {
        if (obj[i] && obj[i][0] != (unsigned char)i)
            intact = false;
        kfree(obj[i]);
    }
    kfree(obj);
    pr_info("mm: kmalloc'd %u objects of 1..5000 bytes and freed them", HEAP_OBJS);
    kmem_shrink();
    intact = check("objects aligned and intact", intact);
    intact &= check("heap bytes back to baseline", kmem_bytes_in_use() == bytes0);
    intact &= check("pages back after heap use", pmm_free_bytes() == free0);
    return intact;
}

static bool has_flags(const void *va, u64 want, u64 forbid)
{
    phys_addr_t pa;
    u64 flags;

    return !vm_translate(kernel_pgd, (u64)va, &pa, &flags) && (flags & want) == want &&
           !(flags & forbid) && pa == virt_to_phys(va);
}

/* Without NX (CPUID 0x80000001 EDX bit 20) paging.c leaves the bit clear. */
static bool mappings(void)
{
    extern char _text[], _rodata[], _data[], _bss[];
    u64 nx = cpuid(0x80000001, 0).edx & (1U << 20) ? PTE_NX : 0;
    bool lower_empty = true, ok;

    for (unsigned i = 0; i < 256; i++)
        lower_empty &= !kernel_pgd[i];
    ok = check("lower half empty", lower_empty);
    ok &= check("text read-only and executable", has_flags(_text, 0, PTE_WRITE | PTE_NX));
    ok &= check("rodata read-only, no-execute", has_flags(_rodata, nx, PTE_WRITE));
    ok &= check("data and bss writable, no-execute",
                has_flags(_data, PTE_WRITE | nx, 0) && has_flags(_bss, PTE_WRITE | nx, 0));
    ok &= check("direct map writable, no-execute",
                has_flags(phys_to_virt(direct_map_end - PAGE_SIZE), PTE_WRITE | nx, 0));
    return ok;
}

/* An uncached alias of a RAM page sees what the direct map wrote. */
static bool ioremap_alias(void)
{
    u32 *page = alloc_page();
    volatile u32 *alias;
    phys_addr_t pa;
    u64 flags;
    bool ok;

    if (!page)
        return check("ioremap alias reads back", false);
    page[1] = 0x5a5aa5a5;
    alias = ioremap(virt_to_phys(page) + 4, 4);
    ok = alias && *alias == 0x5a5aa5a5;
    ok = check("ioremap alias reads back", ok);
    ok &= check("ioremap mapping uncached", alias && !vm_translate(kernel_pgd, (u64)alias, &pa, &flags) &&
               (flags & (PTE_PCD | PTE_PWT)) == (PTE_PCD | PTE_PWT) && pa == virt_to_phys(page) + 4);
    free_page(page);
    return ok;
}

static int mm_selftest(void)
{
    bool ok = mappings();

    ok &= pages_until_exhaustion();
    ok &= heap_roundtrip();
    ok &= ioremap_alias();
    return ok ? 0 : 1;
}
KTEST("mm", mm_selftest);
