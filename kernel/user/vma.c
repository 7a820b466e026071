/*
 * VMA bookkeeping for the app's address space (Linux's vm_area_struct list,
 * minus the tree: one app has tens of VMAs).  Above: mm.c (which backs VMAs
 * with pages) and mmap.c.  Below: only the heap.  Pure list work, so it runs
 * on the host (tests/unit/test_user_mm.c).
 *
 * Invariant: VMAs are disjoint, sorted by start, page-aligned and non-empty,
 * and no two adjacent ones share prot and kind (they are merged).
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/user_mm.h>

void vma_init(struct user_mm *mm)
{
    INIT_LIST_HEAD(&mm->vmas);
    mm->nr_vmas = 0;
}

static struct vm_area *next_vma(struct user_mm *mm, struct vm_area *v)
{
    return v->node.next == &mm->vmas ? NULL : list_entry(v->node.next, struct vm_area, node);
}

static struct vm_area *prev_vma(struct user_mm *mm, struct vm_area *v)
{
    return v->node.prev == &mm->vmas ? NULL : list_entry(v->node.prev, struct vm_area, node);
}

struct vm_area *vma_intersect(struct user_mm *mm, u64 start, u64 end)
{
    struct vm_area *v;

    list_for_each_entry(v, &mm->vmas, node) {
        if (v->start >= end)
            return NULL;
        if (v->end > start)
            return v;
    }
    return NULL;
}

struct vm_area *vma_find(struct user_mm *mm, u64 addr)
{
    return vma_intersect(mm, addr, addr + 1);
}

u64 vma_covered_end(struct user_mm *mm, u64 start, u64 end)
{
    for (struct vm_area *v = vma_intersect(mm, start, end); v && start < end; v = next_vma(mm, v)) {
        if (v->start > start)
            break;
        start = v->end;
    }
    return MIN(start, end);
}

static void vma_free(struct user_mm *mm, struct vm_area *v)
{
    list_del(&v->node);
    mm->nr_vmas--;
    kfree(v);
}

/* Fold v into its predecessor and/or successor when they touch and agree. */
static void try_merge(struct user_mm *mm, struct vm_area *v)
{
    struct vm_area *p = prev_vma(mm, v), *n = next_vma(mm, v);

    if (n && n->start == v->end && n->prot == v->prot && n->kind == v->kind) {
        v->end = n->end;
        vma_free(mm, n);
    }
    if (p && p->end == v->start && p->prot == v->prot && p->kind == v->kind) {
        p->end = v->end;
        vma_free(mm, v);
    }
}

int vma_insert(struct user_mm *mm, u64 start, u64 end, unsigned prot, unsigned kind)
{
    struct vm_area *v = kmalloc(sizeof(*v)), *pos;
    struct list_head *before = &mm->vmas;

    if (!v)
        return -ENOMEM;
    *v = (struct vm_area){ .start = start, .end = end, .prot = prot, .kind = kind };
    list_for_each_entry(pos, &mm->vmas, node) {
        if (pos->start >= end) {
            before = &pos->node;
            break;
        }
    }
    list_add_tail(&v->node, before);
    mm->nr_vmas++;
    try_merge(mm, v);
    return 0;
}

/* Split v at addr (strictly inside it); the new upper half follows v. */
static int split(struct user_mm *mm, struct vm_area *v, u64 addr)
{
    struct vm_area *hi = kmalloc(sizeof(*hi));

    if (!hi)
        return -ENOMEM;
    *hi = *v;
    hi->start = addr;
    v->end = addr;
    list_add(&hi->node, &v->node);
    mm->nr_vmas++;
    return 0;
}

/*
 * Make start and end VMA boundaries where a VMA straddles them, so callers
 * work on whole VMAs.  Both splits are done before anything changes, so an
 * -ENOMEM leaves only harmless extra boundaries (merged again later).
 */
static int split_edges(struct user_mm *mm, u64 start, u64 end)
{
    struct vm_area *v = vma_find(mm, start);
    int err = 0;

    if (v && v->start < start)
        err = split(mm, v, start);
    v = vma_find(mm, end - 1);
    if (!err && v && v->end > end)
        err = split(mm, v, end);
    return err;
}

int vma_remove(struct user_mm *mm, u64 start, u64 end)
{
    struct vm_area *v, *tmp;
    int err = split_edges(mm, start, end);

    if (err)
        return err;
    list_for_each_entry_safe(v, tmp, &mm->vmas, node) {
        if (v->start >= end)
            break;
        if (v->start >= start)
            vma_free(mm, v);
    }
    return 0;
}

/* Fold every run of touching, equal VMAs into one (a few tens of VMAs: a full pass is cheap). */
static void merge_all(struct user_mm *mm)
{
    struct vm_area *v, *n;

    list_for_each_entry(v, &mm->vmas, node) {
        while ((n = next_vma(mm, v)) && n->start == v->end && n->prot == v->prot &&
               n->kind == v->kind) {
            v->end = n->end;
            vma_free(mm, n);
        }
    }
}

int vma_set_prot(struct user_mm *mm, u64 start, u64 end, unsigned prot)
{
    struct vm_area *v;
    int err = split_edges(mm, start, end);

    if (err)
        return err;
    for (v = vma_find(mm, start); v && v->start < end; v = next_vma(mm, v))
        v->prot = prot;
    merge_all(mm);
    return 0;
}

u64 vma_find_gap(struct user_mm *mm, u64 len, u64 lo, u64 hi)
{
    u64 gap_end = hi;

    if (!len || lo >= hi || len > hi - lo)
        return 0;
    /* From the highest VMA down: the gap above v is [max(v->end, lo), gap_end). */
    for (struct list_head *p = mm->vmas.prev; p != &mm->vmas; p = p->prev) {
        struct vm_area *v = list_entry(p, struct vm_area, node);
        u64 gap_start = MAX(v->end, lo);

        if (gap_start < gap_end && gap_end - gap_start >= len)
            return gap_end - len;
        gap_end = MIN(gap_end, v->start);
        if (gap_end <= lo)
            return 0;
    }
    return gap_end - lo >= len ? gap_end - len : 0;
}

void vma_destroy_all(struct user_mm *mm)
{
    struct vm_area *v, *tmp;

    list_for_each_entry_safe(v, tmp, &mm->vmas, node)
        vma_free(mm, v);
}
