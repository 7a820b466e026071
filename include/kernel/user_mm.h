/*
 * The app's address space (kernel/user/): a sorted list of VMAs over the
 * lower half of the one page table, like Linux's mm_struct/vm_area_struct.
 *
 *   USER_VA_MIN ... image ... brk area ->   <- mmap area | guard gap | stack | USER_VA_END
 *
 * vma.c is the bookkeeping alone (portable, host-tested); mm.c backs VMAs
 * with zeroed pages in kernel_pgd (eagerly: the trap seam has no way to
 * resume a user fault, so there is no demand paging) and mmap.c holds the
 * memory syscalls.  One process, so one struct user_mm (init_process.mm).
 */
#ifndef KERNEL_USER_MM_H
#define KERNEL_USER_MM_H

#include <kernel/list.h>
#include <kernel/elf.h>          /* USER_VA_MIN, USER_VA_END */
#include <linux/mman.h>

#define USER_STACK_SIZE     (8ULL << 20)        /* RLIMIT_STACK's Linux default */
#define USER_STACK_GUARD    (1ULL << 20)        /* Linux's stack_guard_gap: 256 pages */
#define USER_PROT_MASK      (PROT_READ | PROT_WRITE | PROT_EXEC)

/* What a VMA is for; mappings with different kinds never merge. */
enum vma_kind { VMA_ANON = 0, VMA_IMAGE, VMA_BRK, VMA_STACK };

struct vm_area {
    u64 start, end;             /* [start, end), page-aligned user addresses */
    unsigned prot;              /* PROT_READ | PROT_WRITE | PROT_EXEC, or PROT_NONE */
    unsigned kind;              /* enum vma_kind */
    struct list_head node;      /* in user_mm.vmas, ordered by start */
};

struct user_mm {
    struct list_head vmas;      /* disjoint, sorted; owned, freed by vma_destroy_all */
    unsigned nr_vmas;
    u64 start_brk, brk;         /* brk(2): the area starts after the image */
    u64 mmap_base;              /* top-down mmap searches start below this */
    u64 stack_start, stack_top; /* the stack VMA; the guard gap lies below it */
};

/* --- bookkeeping (kernel/user/vma.c, no page tables) --------------------- */

void vma_init(struct user_mm *mm);
/* The VMA containing addr, or NULL. */
struct vm_area *vma_find(struct user_mm *mm, u64 addr);
/* The first VMA that intersects [start, end), or NULL. */
struct vm_area *vma_intersect(struct user_mm *mm, u64 start, u64 end);
/*
 * The end of the mapped run that begins at start, capped at end: end when
 * all of [start, end) is mapped, start when start itself is not.
 */
u64 vma_covered_end(struct user_mm *mm, u64 start, u64 end);
/*
 * Record [start, end) (must be free) with prot and kind, merging with equal
 * neighbours.  0 or -ENOMEM.
 */
int vma_insert(struct user_mm *mm, u64 start, u64 end, unsigned prot, unsigned kind);
/* Forget [start, end), splitting VMAs at the edges.  0 or -ENOMEM (split). */
int vma_remove(struct user_mm *mm, u64 start, u64 end);
/* Set prot on [start, end) (must be covered), splitting and merging.  0 or -ENOMEM. */
int vma_set_prot(struct user_mm *mm, u64 start, u64 end, unsigned prot);
/*
 * The highest page-aligned start of a free gap of len bytes inside [lo, hi)
 * (top-down, as Linux's default mmap layout), or 0 if there is none.
 */
u64 vma_find_gap(struct user_mm *mm, u64 len, u64 lo, u64 hi);
void vma_destroy_all(struct user_mm *mm);

/* --- pages (kernel/user/mm.c) -------------------------------------------- */

/* A new empty address space: stack VMA placement fixed by the loader.  NULL on ENOMEM. */
struct user_mm *user_mm_create(void);
/* Unmap and free every page and VMA, then mm itself. */
void user_mm_destroy(struct user_mm *mm);
/*
 * Create the VMA [start, end) and back it with zeroed pages mapped with
 * prot's permissions (nothing is mapped for PROT_NONE, nor yet for
 * VMA_STACK: user_fault_in).  The range must be free.  0, or -ENOMEM with
 * nothing left behind.
 */
int user_map(struct user_mm *mm, u64 start, u64 end, unsigned prot, unsigned kind);
/*
 * Back the absent pages of [start, end), inside one accessible VMA, now
 * (the stack's top before the loader writes argv there).  0, -EINVAL
 * (not such a range) or -ENOMEM (the pages done stay).
 */
int user_populate(struct user_mm *mm, u64 start, u64 end);
/*
 * Demand paging: back the absent page holding addr with a zeroed page when
 * a VMA of mm allows the access that faulted (#PF error_code); true if the
 * page is now there.  The stack VMA is the one user_map leaves unbacked.
 */
bool user_fault_in(struct user_mm *mm, u64 addr, u64 error_code);
/* Unmap [start, end) and free its pages; holes are fine.  0 or -ENOMEM (VMA split). */
int user_unmap(struct user_mm *mm, u64 start, u64 end);
/* Change the permissions of the covered range [start, end).  0 or -ENOMEM. */
int user_protect(struct user_mm *mm, u64 start, u64 end, unsigned prot);
/* Zero the pages of [start, end) (MADV_DONTNEED on private anonymous memory). */
void user_zero(struct user_mm *mm, u64 start, u64 end);
/* Move the pages of [old, old+len) to new (free, already recorded as a VMA). */
void user_move_pages(struct user_mm *mm, u64 old, u64 new, u64 len);
/* The kernel (direct-map) address of the page holding user addr, or NULL if unmapped. */
void *user_page_kaddr(u64 addr);

#endif
