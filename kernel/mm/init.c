/*
 * mm_init: from the boot memory map to working page tables, page allocator
 * and heap.  Above: kernel_main (once, after the command line is parsed).
 * Below: paging.c, page_alloc.c; slab.c needs no set-up.
 * Owns the boot-time view of memory: usable ranges (clipped by `mem=`), the
 * reserved ranges, and the early region that holds the page metadata and the
 * first page tables until the buddy allocator exists.
 *
 * Order, so that no step can triple-fault: check the map (a clear message and
 * poweroff if nothing usable is left), carve the early region below 4 GiB
 * (what the boot page tables reach), build and switch page tables from it,
 * then hand every usable, unreserved page to the buddy allocator, and the
 * boot page tables too.  Small VMs count every page: only the first 64 KiB
 * stay reserved below 1 MiB (boot/entry.S already refused an image that
 * does not fit in RAM), and free_boot_pages() returns the app's bytes once
 * the loader has copied them.
 */
#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include "mm_impl.h"

#define RESERVE_LOW     (64ULL << 10)
#define SZ_2M           (1ULL << 21)
#define EARLY_MAP_END   (4ULL << 30)        /* boot/entry.S maps [0, 4 GiB) */
#define MAX_RESERVED    (BOOT_MODULES_MAX + 3)

struct range {
    u64 start, end;                         /* physical [start, end) */
};

bool mm_buddy_ready;
static u64 mem_limit = ~0ULL;               /* `mem=`: RAM at and above is ignored */
static struct range usable[BOOT_MMAP_MAX];
static unsigned nr_usable;
static struct range reserved[MAX_RESERVED];
static unsigned nr_reserved;
static u64 early_next, early_end;           /* bump pointer in the early region */

/* `mem=<n>[KMG]` (Linux's meaning: use no RAM at or above n bytes). */
static int set_mem(const char *val)
{
    char *end;
    u64 n;

    if (!val || !*val)
        return -EINVAL;
    n = strtoul(val, &end, 0);
    switch (*end) {
    case 'G': case 'g': n <<= 10; /* fall through */
    case 'M': case 'm': n <<= 10; /* fall through */
    case 'K': case 'k': n <<= 10; end++; break;
    }
    if (*end || end == val)
        return -EINVAL;
    mem_limit = n;
    return 0;
}
KERNEL_PARAM("mem", set_mem);

static void reserve(u64 start, u64 end)
{
    if (end > start && nr_reserved < MAX_RESERVED)
        reserved[nr_reserved++] = (struct range){ ALIGN_DOWN(start, PAGE_SIZE),
                                                  ALIGN_UP(end, PAGE_SIZE) };
}

/* The first unreserved stretch inside [lo, hi); false if there is none. */
static bool first_gap(u64 lo, u64 hi, struct range *gap)
{
    bool moved = true;

    while (moved) {
        moved = false;
        for (unsigned i = 0; i < nr_reserved; i++) {
            if (reserved[i].start <= lo && lo < reserved[i].end) {
                lo = reserved[i].end;
                moved = true;
            }
        }
    }
    if (lo >= hi)
        return false;
    for (unsigned i = 0; i < nr_reserved; i++)
        if (reserved[i].start > lo && reserved[i].start < hi)
            hi = reserved[i].start;
    *gap = (struct range){ lo, hi };
    return true;
}

/* Usable RAM clipped to `mem=`, whole pages; returns the highest mapped end. */
static u64 collect_regions(const struct boot_info *bi)
{
    u64 top = 0;

    for (unsigned i = 0; i < bi->nr_mmap; i++) {
        const struct mem_region *r = &bi->mmap[i];
        u64 start = ALIGN_UP(r->base, PAGE_SIZE);
        u64 end = ALIGN_DOWN(MIN(r->base + r->len, mem_limit), PAGE_SIZE);
        if (r->type == MEM_ACPI || r->type == MEM_NVS)
            top = MAX(top, r->base + r->len);
        if (r->type != MEM_USABLE || end <= start)
            continue;
        usable[nr_usable++] = (struct range){ start, end };
        top = MAX(top, end);
    }
    for (unsigned i = 0; i < bi->nr_modules; i++)
        top = MAX(top, bi->modules[i].end);
    return ALIGN_UP(top, SZ_2M);
}

static void reserve_boot_areas(const struct boot_info *bi)
{
    extern char _image_phys_start[], _kernel_end[];

    /*
     * The map already leaves out the EBDA, video memory and BIOS ROMs; the
     * rest of the low 640 KiB is RAM, a tenth of a small VM.  Like Linux
     * (CONFIG_X86_RESERVE_LOW), keep only the first 64 KiB: the IVT and BDA,
     * and what some BIOSes scribble on.  bootinfo.c copied the loader's data.
     */
    reserve(0, RESERVE_LOW);
    reserve((u64)_image_phys_start, (u64)_kernel_end - KERNEL_VMA);
    for (unsigned i = 0; i < bi->nr_modules; i++)
        reserve(bi->modules[i].start, bi->modules[i].end);
}

static u64 free_usable_bytes(u64 below)
{
    struct range g;
    u64 sum = 0;

    for (unsigned i = 0; i < nr_usable; i++)
        for (u64 lo = usable[i].start; first_gap(lo, MIN(usable[i].end, below), &g); lo = g.end)
            sum += g.end - g.start;
    return sum;
}

/* Reserve `bytes` of unreserved usable RAM below `below` (first fit); 0 if none. */
static u64 carve(u64 bytes, u64 below)
{
    struct range g;

    for (unsigned i = 0; i < nr_usable; i++) {
        for (u64 lo = usable[i].start; first_gap(lo, MIN(usable[i].end, below), &g); lo = g.end) {
            if (g.end - g.start >= bytes) {
                reserve(g.start, g.start + bytes);
                return g.start;
            }
        }
    }
    return 0;
}

phys_addr_t early_alloc_page(void)
{
    phys_addr_t p = early_next;

    if (p + PAGE_SIZE > early_end)
        return 0;
    early_next += PAGE_SIZE;
    memset(phys_to_virt(p), 0, PAGE_SIZE);
    return p;
}

static void __noreturn mm_fatal(const char *why)
{
    pr_emerg("mm: %s; cannot continue", why);
    poweroff(PANIC_EXIT_STATUS);
}

/* Hand every usable page outside the reserved ranges to the buddy allocator. */
static void release_usable(void)
{
    struct range g;

    for (unsigned i = 0; i < nr_usable; i++)
        for (u64 lo = usable[i].start; first_gap(lo, usable[i].end, &g); lo = g.end)
            pmm_add_range(phys_to_virt(g.start), phys_to_virt(g.end));
}

void free_boot_pages(const void *start, const void *end, const char *what)
{
    phys_addr_t s = ALIGN_UP(virt_to_phys(start), PAGE_SIZE);
    phys_addr_t e = ALIGN_DOWN(virt_to_phys(end), PAGE_SIZE);

    if (e <= s)
        return;
    pmm_add_range(phys_to_virt(s), phys_to_virt(e));
    if (what)
        pr_info("mm: freed %llu KiB of %s", (unsigned long long)((e - s) >> 10), what);
}

void mm_init(const struct boot_info *bi)
{
    extern char early_pml4[], early_pt_end[];
    u64 dm_end = collect_regions(bi), usable_bytes = 0;
    u64 npages = dm_end >> PAGE_SHIFT, meta, early;
    struct range *early_rsv;

    reserve_boot_areas(bi);
    if (!free_usable_bytes(~0ULL))
        mm_fatal("no usable memory outside the kernel image");
    meta = ALIGN_UP(pmm_meta_bytes(npages), PAGE_SIZE);
    early = carve(meta + paging_bound(dm_end), EARLY_MAP_END);
    if (!early)
        mm_fatal("no room below 4 GiB for page tables and page metadata");
    early_rsv = &reserved[nr_reserved - 1];
    early_next = early + meta;
    early_end = early_rsv->end;
    if (paging_init(dm_end))
        mm_fatal("out of memory building the page tables");
    early_rsv->end = early_next;            /* give back what the tables did not use */
    pmm_init(phys_to_virt(0), npages, phys_to_virt(early));
    release_usable();
    mm_buddy_ready = true;
    free_boot_pages(early_pml4, early_pt_end, NULL);    /* boot/entry.S's, now unused */
    for (unsigned i = 0; i < nr_usable; i++)
        usable_bytes += usable[i].end - usable[i].start;
    pr_info("mm: %llu KiB managed of %llu KiB usable%s, %llu KiB for page tables and metadata",
            (unsigned long long)(pmm_total_bytes() >> 10), (unsigned long long)(usable_bytes >> 10),
            mem_limit != ~0ULL ? " (mem= limit)" : "",
            (unsigned long long)((early_next - early) >> 10));
    pr_info("mm: direct map [0, %#llx) at %#lx", (unsigned long long)direct_map_end, PAGE_OFFSET);
}
