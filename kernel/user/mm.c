/*
 * The app's pages: VMAs (vma.c) backed by zeroed 4 KiB pages in the lower
 * half of kernel_pgd (Intel SDM vol. 3A §4.5).  Above: the loader, mmap.c,
 * process exit.  Below: vm_map_page/vm_unmap_page/vm_translate and the page
 * allocator.  Every page of an accessible VMA is present (eager allocation)
 * except the stack's: its 8 MiB (RLIMIT_STACK) would be most of a small
 * VM's RAM, so its pages come on first touch (user_fault_in), as on Linux.
 * PROT_NONE pages keep their contents but lose PTE_USER, so ring 3 faults on
 * them and nothing is allocated for a fresh PROT_NONE reservation.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/user_mm.h>
#include <kernel/vm.h>

/* Real permissions: NX unless executable, read-only unless writable. */
static u64 prot_to_pte(unsigned prot)
{
    u64 f = prot & PROT_EXEC ? 0 : PTE_NX;

    if (prot & PROT_WRITE)
        f |= PTE_WRITE;
    if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
        f |= PTE_USER;
    return f;
}

void *user_page_kaddr(u64 addr)
{
    phys_addr_t pa;

    if (addr >= USER_VA_END || vm_translate(kernel_pgd, addr & ~(PAGE_SIZE - 1), &pa, NULL))
        return NULL;
    return phys_to_virt(pa);
}

/* Unmap and free whatever pages are present in [start, end). */
static void free_range(u64 start, u64 end)
{
    for (u64 va = start; va < end; va += PAGE_SIZE) {
        void *page = user_page_kaddr(va);
        if (page) {
            vm_unmap_page(kernel_pgd, va);
            free_page(page);
        }
    }
}

/*
 * Present, zeroed pages for the absent pages of [start, end).  0, or -ENOMEM
 * with *reached at the first page not done.
 */
static int populate(u64 start, u64 end, unsigned prot, u64 *reached)
{
    for (u64 va = start; va < end; va += PAGE_SIZE) {
        void *page;

        *reached = va;
        if (user_page_kaddr(va))
            continue;
        page = alloc_page();
        if (!page)
            return -ENOMEM;
        memset(page, 0, PAGE_SIZE);
        if (vm_map_page(kernel_pgd, va, virt_to_phys(page), prot_to_pte(prot))) {
            free_page(page);
            return -ENOMEM;
        }
    }
    return 0;
}

/*
 * Apply fn to the mapped parts of [start, end), VMA by VMA: the range may be
 * most of the address space (munmap of a huge length), its mappings never.
 */
static void for_each_mapped(struct user_mm *mm, u64 start, u64 end, void (*fn)(u64, u64))
{
    struct vm_area *v;

    list_for_each_entry(v, &mm->vmas, node) {
        if (v->start >= end)
            break;
        if (v->end > start)
            fn(MAX(v->start, start), MIN(v->end, end));
    }
}

struct user_mm *user_mm_create(void)
{
    struct user_mm *mm = kzalloc(sizeof(*mm));

    if (mm)
        vma_init(mm);
    return mm;
}

void user_mm_destroy(struct user_mm *mm)
{
    for_each_mapped(mm, 0, USER_VA_END, free_range);
    vma_destroy_all(mm);
    kfree(mm);
}

int user_map(struct user_mm *mm, u64 start, u64 end, unsigned prot, unsigned kind)
{
    u64 reached = start;
    int err = vma_insert(mm, start, end, prot, kind);

    if (err)
        return err;
    if (kind == VMA_STACK)
        return 0;                       /* on demand: user_fault_in */
    if (prot != PROT_NONE && (err = populate(start, end, prot, &reached))) {
        free_range(start, reached);     /* not the whole range: it may be huge */
        vma_remove(mm, start, end);     /* no split: [start, end) has its own ends */
    }
    return err;
}

int user_populate(struct user_mm *mm, u64 start, u64 end)
{
    struct vm_area *v = vma_find(mm, start);
    u64 reached;

    if (!v || end > v->end || !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    return populate(start, end, v->prot, &reached);
}

/* #PF error code bits (Intel SDM vol. 3A §5.7): write access, instruction fetch. */
#define PF_WRITE    (1ULL << 1)
#define PF_INSTR    (1ULL << 4)

bool user_fault_in(struct user_mm *mm, u64 addr, u64 error_code)
{
    struct vm_area *v = mm ? vma_find(mm, addr) : NULL;
    u64 va = addr & ~(PAGE_SIZE - 1), reached;

    if (!v || !(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) ||
        ((error_code & PF_WRITE) && !(v->prot & PROT_WRITE)) ||
        ((error_code & PF_INSTR) && !(v->prot & PROT_EXEC)))
        return false;
    if (populate(va, va + PAGE_SIZE, v->prot, &reached)) {
        pr_err("mm: out of memory backing the app's page at %#llx", (unsigned long long)va);
        return false;
    }
    return true;
}

int user_unmap(struct user_mm *mm, u64 start, u64 end)
{
    for_each_mapped(mm, start, end, free_range);
    return vma_remove(mm, start, end);  /* -ENOMEM (a split) leaves a VMA without pages */
}

/* Rewrite the PTEs of the present pages of [start, end) with prot. */
static void reprotect(u64 start, u64 end, unsigned prot)
{
    for (u64 va = start; va < end; va += PAGE_SIZE) {
        phys_addr_t pa;

        if (vm_translate(kernel_pgd, va, &pa, NULL))
            continue;
        vm_unmap_page(kernel_pgd, va);      /* flushes the TLB entry */
        vm_map_page(kernel_pgd, va, pa, prot_to_pte(prot)); /* tables exist: cannot fail */
    }
}

int user_protect(struct user_mm *mm, u64 start, u64 end, unsigned prot)
{
    u64 reached;
    int err = 0;

    if (prot != PROT_NONE)      /* pages a PROT_NONE reservation never had */
        err = populate(start, end, prot, &reached);
    if (!err)
        err = vma_set_prot(mm, start, end, prot);
    if (!err)
        reprotect(start, end, prot);
    return err;
}

static void zero_range(u64 start, u64 end)
{
    for (u64 va = start; va < end; va += PAGE_SIZE) {
        void *page = user_page_kaddr(va);
        if (page)
            memset(page, 0, PAGE_SIZE);
    }
}

void user_zero(struct user_mm *mm, u64 start, u64 end)
{
    for_each_mapped(mm, start, end, zero_range);
}

void user_move_pages(struct user_mm *mm, u64 old, u64 new, u64 len)
{
    for (u64 off = 0; off < len; off += PAGE_SIZE) {
        phys_addr_t pa;
        u64 flags;

        if (vm_translate(kernel_pgd, old + off, &pa, &flags))
            continue;
        vm_unmap_page(kernel_pgd, old + off);
        /* Same page, same permissions; only a missing table page can fail. */
        if (vm_map_page(kernel_pgd, new + off, pa, flags & (PTE_WRITE | PTE_USER | PTE_NX)))
            free_page(phys_to_virt(pa));
    }
}
