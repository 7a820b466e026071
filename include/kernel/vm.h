/*
 * Page tables: x86-64 4-level paging (Intel SDM vol. 3A §4.5).  One address
 * space: kernel_pgd is the root for the kernel (upper half) and, later, the
 * ring-3 app (lower half).  The helpers take the root and PTE flags, so user
 * mappings use the same code with PTE_USER.  Process context only: not for
 * interrupt handlers (they may allocate page-table pages).
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <kernel/types.h>

/* PTE bits (SDM vol. 3A §4.5, tables 4-15 .. 4-20). */
#define PTE_PRESENT     (1ULL << 0)
#define PTE_WRITE       (1ULL << 1)
#define PTE_USER        (1ULL << 2)
#define PTE_PWT         (1ULL << 3)     /* with PCD: uncached under the default PAT */
#define PTE_PCD         (1ULL << 4)
#define PTE_ACCESSED    (1ULL << 5)
#define PTE_DIRTY       (1ULL << 6)
#define PTE_HUGE        (1ULL << 7)     /* PS: 2 MiB (PDE) or 1 GiB (PDPTE) page */
#define PTE_GLOBAL      (1ULL << 8)     /* kept across CR3 writes (CR4.PGE) */
#define PTE_NX          (1ULL << 63)    /* dropped when the CPU has no NX */
#define PTE_ADDR_MASK   0x000ffffffffff000ULL

typedef u64 pte_t;

/* The root (PML4) of the address space, a direct-map address; set by mm_init. */
extern pte_t *kernel_pgd;

/*
 * Map the 4 KiB page at `va` to `pa` with `flags` (PTE_PRESENT is implied),
 * allocating intermediate tables; they get PTE_USER when flags has it.  Both
 * addresses page-aligned, va canonical.  0, -EINVAL (alignment), -EEXIST (va
 * already mapped, also by a large page), -ENOMEM (no page for a table).
 */
int vm_map_page(pte_t *pgd, u64 va, phys_addr_t pa, u64 flags);
/*
 * Remove the 4 KiB mapping at `va` and flush it from the TLB; the physical
 * page is the caller's.  0, or -ENOENT if nothing (or a large page) is there.
 * Tables left empty stay allocated.
 */
int vm_unmap_page(pte_t *pgd, u64 va);
/*
 * Translate `va` through any page size: the physical address, and the leaf
 * entry's flags in *flags (if non-NULL).  0, or -EFAULT when not mapped.
 */
int vm_translate(pte_t *pgd, u64 va, phys_addr_t *pa, u64 *flags);

#endif
