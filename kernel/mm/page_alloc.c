/*
 * Physical page allocator: a binary buddy system (Knuth, TAOCP vol. 1 §2.5).
 * Above: the heap (slab.c), page tables (paging.c), drivers.  Below: nothing;
 * mm_init() hands it the usable ranges.  Portable: it manages any naturally
 * aligned address range, so a host test drives it over a malloc'd arena.
 * Owns the free lists and the per-page metadata: a state byte (free-block
 * head and its order) and the private word the heap uses.
 *
 * A free block keeps its list_head in its own first bytes, so the free lists
 * cost no memory beyond the pages themselves.
 */
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define PG_FREE_HEAD    0x80    /* first page of a free block; low bits: its order */

static DEFINE_SPINLOCK(pmm_lock);
static char *pool_base;                 /* page 0 of the managed range */
static size_t pool_pages;
static u8 *page_state;                  /* PG_FREE_HEAD | order, or 0 */
static unsigned long *page_priv;        /* see page_set_private() */
static struct list_head free_area[MAX_ORDER];
static u64 total_bytes, free_bytes;

size_t pmm_meta_bytes(size_t npages)
{
    return npages * (sizeof(*page_state) + sizeof(*page_priv)) + sizeof(*page_priv);
}

void pmm_init(void *base, size_t npages, void *meta)
{
    pool_base = base;
    pool_pages = npages;
    page_priv = (unsigned long *)ALIGN_UP((unsigned long)meta, sizeof(*page_priv));
    page_state = (u8 *)(page_priv + npages);
    memset(page_priv, 0, npages * sizeof(*page_priv));
    memset(page_state, 0, npages);
    for (unsigned o = 0; o < MAX_ORDER; o++)
        INIT_LIST_HEAD(&free_area[o]);
    total_bytes = free_bytes = 0;
}

static struct list_head *block_at(size_t pfn)
{
    return (struct list_head *)(pool_base + (pfn << PAGE_SHIFT));
}

/* Insert the free block (pfn, order), merging it with free buddies upward. */
static void free_block(size_t pfn, unsigned order)
{
    while (order < MAX_ORDER - 1) {
        size_t buddy = pfn ^ (1UL << order);
        if (buddy + (1UL << order) > pool_pages || page_state[buddy] != (PG_FREE_HEAD | order))
            break;
        list_del(block_at(buddy));
        page_state[buddy] = 0;
        pfn &= ~(1UL << order);
        order++;
    }
    page_state[pfn] = PG_FREE_HEAD | order;
    list_add(block_at(pfn), &free_area[order]);
}

void pmm_add_range(void *start, void *end)
{
    size_t pfn = (ALIGN_UP((unsigned long)start, PAGE_SIZE) - (unsigned long)pool_base) >> PAGE_SHIFT;
    size_t last = (ALIGN_DOWN((unsigned long)end, PAGE_SIZE) - (unsigned long)pool_base) >> PAGE_SHIFT;
    unsigned long flags;

    spin_lock_irqsave(&pmm_lock, flags);
    while (pfn < last && last <= pool_pages) {
        unsigned order = 0;
        while (order < MAX_ORDER - 1 && !(pfn & (1UL << order)) && pfn + (2UL << order) <= last)
            order++;
        free_block(pfn, order);
        total_bytes += PAGE_SIZE << order;
        free_bytes += PAGE_SIZE << order;
        pfn += 1UL << order;
    }
    spin_unlock_irqrestore(&pmm_lock, flags);
}

void *alloc_pages(unsigned order)
{
    unsigned long flags;
    struct list_head *b = NULL;
    unsigned o = order;

    spin_lock_irqsave(&pmm_lock, flags);
    while (o < MAX_ORDER && list_empty(&free_area[o]))
        o++;
    if (o < MAX_ORDER) {
        b = free_area[o].next;
        list_del(b);
        page_state[((char *)b - pool_base) >> PAGE_SHIFT] = 0;
        /* Split: the upper halves go back on the lower lists. */
        while (o > order) {
            o--;
            size_t half = (((char *)b - pool_base) >> PAGE_SHIFT) + (1UL << o);
            page_state[half] = PG_FREE_HEAD | o;
            list_add(block_at(half), &free_area[o]);
        }
        free_bytes -= PAGE_SIZE << order;
    }
    spin_unlock_irqrestore(&pmm_lock, flags);
    return b;
}

/* Freeing a block that is not an allocated block of this order panics. */
void free_pages(void *addr, unsigned order)
{
    size_t pfn = (size_t)((char *)addr - pool_base) >> PAGE_SHIFT;
    unsigned long flags;

    if ((char *)addr < pool_base || ((unsigned long)addr & (PAGE_SIZE - 1)) ||
        order >= MAX_ORDER || pfn + (1UL << order) > pool_pages || (pfn & ((1UL << order) - 1)))
        panic("free_pages: %p order %u is not a managed block", addr, order);
    spin_lock_irqsave(&pmm_lock, flags);
    if (page_state[pfn] & PG_FREE_HEAD)
        panic("free_pages: double free of %p order %u", addr, order);
    memset(&page_priv[pfn], 0, sizeof(*page_priv) << order);
    free_block(pfn, order);
    free_bytes += PAGE_SIZE << order;
    spin_unlock_irqrestore(&pmm_lock, flags);
}

static bool managed(const void *addr, size_t *pfn)
{
    *pfn = (size_t)((const char *)addr - pool_base) >> PAGE_SHIFT;
    return (const char *)addr >= pool_base && *pfn < pool_pages;
}

void page_set_private(void *addr, unsigned order, unsigned long priv)
{
    size_t pfn;

    if (!managed(addr, &pfn) || pfn + (1UL << order) > pool_pages)
        panic("page_set_private: %p is not a managed page", addr);
    for (size_t i = 0; i < 1UL << order; i++)
        page_priv[pfn + i] = priv;
}

unsigned long page_private(const void *addr)
{
    size_t pfn;

    return managed(addr, &pfn) ? page_priv[pfn] : 0;
}

u64 pmm_total_bytes(void)
{
    return total_bytes;
}

u64 pmm_free_bytes(void)
{
    return free_bytes;
}
