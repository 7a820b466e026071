/*
 * Memory: physical pages and the kernel heap.
 *
 * Address space (x86-64, 4-level paging):
 *   0 .. 0x00007fffffffffff         user (the app); nothing kernel lives here
 *   PAGE_OFFSET = 0xffff800000000000 direct map of all physical memory
 *   IOREMAP_BASE = 0xffffc00000000000 device MMIO mapped uncached (ioremap)
 *   KERNEL_VMA  = 0xffffffff80000000 the kernel image (phys + KERNEL_VMA)
 *
 * Every allocator returns NULL on failure and every caller handles it.
 * Counters (struct kmem_stats) let tests prove that nothing leaks.
 */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <kernel/list.h>

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PAGE_OFFSET     0xffff800000000000UL
#define IOREMAP_BASE    0xffffc00000000000UL
#define KERNEL_VMA      0xffffffff80000000UL
#define MAX_ORDER       11      /* largest block: 2^(MAX_ORDER-1) pages = 4 MiB */

/*
 * The direct map covers physical [0, direct_map_end): every RAM, ACPI and
 * NVS region of the memory map.  Anything above (MMIO) needs ioremap().
 */
extern u64 direct_map_end;

/* Direct-map translation; valid for RAM and for kernel-image addresses. */
static inline void *phys_to_virt(phys_addr_t p) { return (void *)(p + PAGE_OFFSET); }
static inline phys_addr_t virt_to_phys(const void *v)
{
    u64 a = (u64)v;
    return a >= KERNEL_VMA ? a - KERNEL_VMA : a - PAGE_OFFSET;
}

/*
 * Physical page allocator (buddy).  alloc_pages() returns the direct-map
 * address of 2^order contiguous, PAGE_SIZE-aligned pages (contents undefined),
 * or NULL.  The block is also naturally aligned (to 2^order pages), which the
 * heap relies on.  free_pages() takes the same address and order back.
 */
void *alloc_pages(unsigned order);
void free_pages(void *addr, unsigned order);
static inline void *alloc_page(void) { return alloc_pages(0); }
static inline void free_page(void *addr) { free_pages(addr, 0); }
u64 pmm_total_bytes(void);      /* usable RAM handed to the allocator, bytes */
u64 pmm_free_bytes(void);       /* bytes currently free */
/* Smallest order whose block holds `bytes` (0 for bytes <= PAGE_SIZE). */
static inline unsigned get_order(size_t bytes)
{
    unsigned order = 0;

    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

/*
 * The private word of allocated pages (Linux keeps it in struct page): the
 * heap tags its pages so kfree() can find an object's cache.  set tags every
 * page of the 2^order block at `addr`; page_private() reads the word of the
 * page holding `addr`, 0 if never set or if the page is not allocated (free,
 * or not managed at all).  free_pages() clears the words.
 */
void page_set_private(void *addr, unsigned order, unsigned long priv);
unsigned long page_private(const void *addr);

/*
 * Page-allocator set-up (mm_init, and host tests over an arena).  pmm_init()
 * starts managing `npages` pages at `base` (aligned to the largest block,
 * 2^(MAX_ORDER-1) pages) with every page reserved, using pmm_meta_bytes()
 * bytes at `meta` for the per-page metadata.  pmm_add_range() frees the whole
 * pages inside [start, end) into the allocator (and pmm_total_bytes()).
 */
size_t pmm_meta_bytes(size_t npages);
void pmm_init(void *base, size_t npages, void *meta);
void pmm_add_range(void *start, void *end);

/*
 * Heap.  kmalloc() serves sizes up to KMALLOC_MAX_CACHE_SIZE from size-class
 * caches (16, 32, ... 2048 bytes, 16-byte aligned) and larger sizes from whole
 * pages.  kfree(NULL) is a no-op.  Memory is the caller's until kfree().
 */
#define KMALLOC_MAX_CACHE_SIZE 2048
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kcalloc(size_t n, size_t size);   /* NULL on n * size overflow */
void kfree(const void *p);

/* A cache of equal-sized objects (Linux kmem_cache), with its own counters. */
struct kmem_cache;
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
void *kmem_cache_alloc(struct kmem_cache *c);
void *kmem_cache_zalloc(struct kmem_cache *c);
void kmem_cache_free(struct kmem_cache *c, void *obj);

/* Per-cache counters; the large-allocation path reports as "kmalloc-large". */
struct kmem_stats {
    const char *name;
    size_t obj_size;        /* bytes per object (0 for kmalloc-large) */
    u64 objs_in_use;
    u64 bytes_in_use;       /* object bytes handed out, not slab overhead */
    u64 allocs, frees, failures;
};
/* Fill up to `max` entries; returns how many caches exist. */
size_t kmem_stats_get(struct kmem_stats *out, size_t max);
/* Sum of bytes_in_use over all caches: the figure leak tests compare. */
u64 kmem_bytes_in_use(void);
/*
 * Give every cache's spare empty slab back to the page allocator (each cache
 * keeps one to avoid page churn); leak tests call it before comparing
 * pmm_free_bytes() with a baseline.
 */
void kmem_shrink(void);

/* Map `size` bytes of device memory at physical `phys` uncached; NULL on failure. */
void *ioremap(phys_addr_t phys, size_t size);

/*
 * Give the whole pages inside [start, end) to the page allocator: RAM that
 * mm_init reserved but nothing needs any more (a boot module, the built-in
 * app's bytes once loaded).  Kernel-image or direct-map addresses; `what`
 * names it in a console line (NULL: silent).  Nothing may touch it after.
 */
void free_boot_pages(const void *start, const void *end, const char *what);

/* Boot-time set-up, called once by kernel_main in this order. */
struct boot_info;
void mm_init(const struct boot_info *bi);   /* page tables, page allocator, heap */

#endif
