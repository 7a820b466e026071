/*
 * Kernel page tables (Intel SDM vol. 3A §4.5, 4-level paging) and ioremap.
 * Above: mm_init (builds and switches once), drivers (ioremap), later the
 * ring-3 loader (vm_map_page with PTE_USER).  Below: page-table pages from
 * init.c's early region, then from the buddy allocator.
 * Owns kernel_pgd, direct_map_end and the ioremap window.
 *
 * The final map: physical [0, direct_map_end) at PAGE_OFFSET, RW+NX, with
 * 1 GiB or 2 MiB pages (4 KiB below 2 MiB, where the legacy areas have their
 * own memory types); the image at KERNEL_VMA in 4 KiB pages with .text RX,
 * .rodata R+NX, .data/.bss RW+NX; all global.  The lower half stays empty.
 */
#include <kernel/arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/vm.h>
#include "mm_impl.h"

#define LEVEL_PT    1                   /* table whose entries map 4 KiB */
#define LEVEL_PD    2                   /* 2 MiB */
#define LEVEL_PDPT  3                   /* 1 GiB */
#define LEVEL_PML4  4
#define LEVEL_SHIFT(l) (PAGE_SHIFT + 9 * ((l) - 1))
#define SZ_2M       (1ULL << 21)
#define SZ_1G       (1ULL << 30)
#define IOREMAP_END (IOREMAP_BASE + (1ULL << 40))   /* a 1 TiB window */
#define CR0_WP      (1ULL << 16)
#define CR4_PGE     (1ULL << 7)
#define EFER_NXE    (1ULL << 11)

pte_t *kernel_pgd;
u64 direct_map_end;
static u64 pte_mask = ~0ULL;            /* clears PTE_NX when the CPU has no NX */
static u64 ioremap_next = IOREMAP_BASE;

static phys_addr_t pt_alloc(void)
{
    void *p;

    if (!mm_buddy_ready)
        return early_alloc_page();
    p = alloc_page();
    if (!p)
        return 0;
    memset(p, 0, PAGE_SIZE);
    return virt_to_phys(p);
}

/*
 * The entry for `va` in the table of `level`, creating missing tables when
 * `create`.  Intermediate entries are RW (the leaf decides) and user when a
 * user mapping passes through.  -ENOENT (absent), -EEXIST (a large page is in
 * the way), -ENOMEM.
 */
static int walk(pte_t *pgd, u64 va, int level, u64 flags, bool create, pte_t **out)
{
    pte_t *table = pgd;

    for (int l = LEVEL_PML4; l > level; l--) {
        pte_t *e = &table[(va >> LEVEL_SHIFT(l)) & 511];
        if (!(*e & PTE_PRESENT)) {
            phys_addr_t t = create ? pt_alloc() : 0;
            if (!t)
                return create ? -ENOMEM : -ENOENT;
            *e = t | PTE_PRESENT | PTE_WRITE;
        } else if (*e & PTE_HUGE) {
            return -EEXIST;
        }
        *e |= flags & PTE_USER;
        table = phys_to_virt(*e & PTE_ADDR_MASK);
    }
    *out = &table[(va >> LEVEL_SHIFT(level)) & 511];
    return 0;
}

static int map_at(pte_t *pgd, u64 va, phys_addr_t pa, u64 flags, int level)
{
    pte_t *e;
    int err = walk(pgd, va, level, flags, true, &e);

    if (err)
        return err;
    if (*e & PTE_PRESENT)
        return -EEXIST;
    *e = (pa | flags | PTE_PRESENT | (level > LEVEL_PT ? PTE_HUGE : 0)) & pte_mask;
    return 0;
}

int vm_map_page(pte_t *pgd, u64 va, phys_addr_t pa, u64 flags)
{
    if ((va | pa) & (PAGE_SIZE - 1) || pa & ~PTE_ADDR_MASK)
        return -EINVAL;
    return map_at(pgd, va, pa, flags, LEVEL_PT);
}

int vm_unmap_page(pte_t *pgd, u64 va)
{
    pte_t *e;

    if (walk(pgd, va, LEVEL_PT, 0, false, &e) || !(*e & PTE_PRESENT))
        return -ENOENT;
    *e = 0;
    if ((read_cr3() & PTE_ADDR_MASK) == virt_to_phys(pgd))
        invlpg(va);
    return 0;
}

int vm_translate(pte_t *pgd, u64 va, phys_addr_t *pa, u64 *flags)
{
    pte_t *table = pgd;

    for (int l = LEVEL_PML4; l >= LEVEL_PT; l--) {
        pte_t e = table[(va >> LEVEL_SHIFT(l)) & 511];
        if (!(e & PTE_PRESENT))
            return -EFAULT;
        if (l == LEVEL_PT || (e & PTE_HUGE)) {
            u64 size = 1ULL << LEVEL_SHIFT(l);
            *pa = (e & PTE_ADDR_MASK & ~(size - 1)) | (va & (size - 1));
            if (flags)
                *flags = e & ~PTE_ADDR_MASK;
            return 0;
        }
        table = phys_to_virt(e & PTE_ADDR_MASK);
    }
    return -EFAULT;
}

/* Physical [0, end) at PAGE_OFFSET: the largest pages the CPU allows. */
static int map_direct(u64 end, bool gb_pages)
{
    const u64 flags = PTE_WRITE | PTE_NX | PTE_GLOBAL;
    u64 pa = 0;
    int err = 0;

    for (; pa < SZ_2M && pa < end && !err; pa += PAGE_SIZE)
        err = map_at(kernel_pgd, PAGE_OFFSET + pa, pa, flags, LEVEL_PT);
    while (pa < end && !err) {
        if (gb_pages && !(pa & (SZ_1G - 1)) && pa + SZ_1G <= end) {
            err = map_at(kernel_pgd, PAGE_OFFSET + pa, pa, flags, LEVEL_PDPT);
            pa += SZ_1G;
        } else {
            err = map_at(kernel_pgd, PAGE_OFFSET + pa, pa, flags, LEVEL_PD);
            pa += SZ_2M;
        }
    }
    return err;
}

/* [start, end) of the image at KERNEL_VMA + physical, in 4 KiB pages. */
static int map_image_range(const char *start, const char *end, u64 flags)
{
    for (u64 va = (u64)start; va < (u64)end; va += PAGE_SIZE) {
        int err = map_at(kernel_pgd, va, va - KERNEL_VMA, flags | PTE_GLOBAL, LEVEL_PT);
        if (err)
            return err;
    }
    return 0;
}

static int map_image(void)
{
    extern char _text[], _rodata[], _data[], _kernel_end[];
    int err;

    err = map_image_range(_text, _rodata, 0);
    if (!err)
        err = map_image_range(_rodata, _data, PTE_NX);
    if (!err)
        err = map_image_range(_data, _kernel_end, PTE_WRITE | PTE_NX);
    return err;
}

u64 paging_bound(u64 dm_end)
{
    extern char _text[], _kernel_end[];
    u64 image = (u64)(_kernel_end - _text);
    u64 pages = 1;                                      /* PML4 */

    pages += ALIGN_UP(dm_end, 512 * SZ_1G) / (512 * SZ_1G) + ALIGN_UP(dm_end, SZ_1G) / SZ_1G + 1;
    pages += 2 + ALIGN_UP(image, SZ_2M) / SZ_2M + 1;   /* image PDPT, PD, PTs */
    return pages * PAGE_SIZE;
}

/*
 * EFER.NXE first (the new tables hold NX bits), then CR3; CR4.PGE after the
 * switch, since global entries of the old tables must not survive it
 * (SDM vol. 3A §4.10.4.1); CR0.WP so the kernel honours read-only pages too.
 */
int paging_init(u64 dm_end)
{
    struct cpuid_regs ext = cpuid(0x80000001, 0);
    bool has_nx = ext.edx & (1U << 20), gb_pages = ext.edx & (1U << 26);
    bool has_pge = cpuid(1, 0).edx & (1U << 13);
    phys_addr_t root = pt_alloc();
    int err;

    if (!root)
        return -ENOMEM;
    if (has_nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    else
        pte_mask = ~PTE_NX;
    kernel_pgd = phys_to_virt(root);
    err = map_direct(dm_end, gb_pages);
    if (!err)
        err = map_image();
    if (err)
        return err;
    direct_map_end = dm_end;
    write_cr3(root);
    if (has_pge)
        write_cr4(read_cr4() | CR4_PGE);
    write_cr0(read_cr0() | CR0_WP);
    return 0;
}

/*
 * Uncached (PCD|PWT: UC under the power-on PAT) 4 KiB mappings from a bump
 * window that is never reused; one unmapped guard page follows each mapping.
 */
void *ioremap(phys_addr_t phys, size_t size)
{
    const u64 flags = PTE_WRITE | PTE_PCD | PTE_PWT | PTE_NX | PTE_GLOBAL;
    u64 off = phys & (PAGE_SIZE - 1), base = phys - off, len;

    if (!size || size > IOREMAP_END - IOREMAP_BASE)
        return NULL;
    len = ALIGN_UP(size + off, PAGE_SIZE);
    if (ioremap_next + len + PAGE_SIZE > IOREMAP_END || base + len < base)
        return NULL;
    for (u64 i = 0; i < len; i += PAGE_SIZE) {
        if (vm_map_page(kernel_pgd, ioremap_next + i, base + i, flags)) {
            while (i)
                vm_unmap_page(kernel_pgd, ioremap_next + (i -= PAGE_SIZE));
            return NULL;
        }
    }
    ioremap_next += len + PAGE_SIZE;
    return (void *)(ioremap_next - len - PAGE_SIZE + off);
}
