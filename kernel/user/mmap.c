/*
 * Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise, with
 * Linux's argument checks in Linux's order (mm/mmap.c, mm/mprotect.c,
 * mm/mremap.c, mm/madvise.c) so each failure gives the errno Linux gives.
 * Only anonymous memory exists: a file descriptor gives -EBADF when it is not
 * open and -ENODEV otherwise (no file here can be mapped).  MAP_SHARED
 * anonymous memory behaves as private: there is no fork to share it with.
 * Above: the syscall table.  Below: mm.c (pages) and vma.c (bookkeeping).
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/process.h>
#include <kernel/syscall.h>
#include <kernel/user_mm.h>

#define TASK_SIZE       USER_VA_END
#define PAGE_ALIGNED(x) (!((x) & (PAGE_SIZE - 1)))

static struct user_mm *cur_mm(void)
{
    return init_process.mm;
}

/* Linux's page rounding, 0 when it overflows. */
static u64 page_align(u64 len)
{
    return len > UINT64_MAX - (PAGE_SIZE - 1) ? 0 : ALIGN_UP(len, PAGE_SIZE);
}

static long sys_brk(unsigned long brk, unsigned long a1, unsigned long a2, unsigned long a3,
                    unsigned long a4, unsigned long a5)
{
    struct user_mm *mm = cur_mm();
    u64 newbrk = page_align(brk), oldbrk = page_align(mm->brk);

    if (brk < mm->start_brk || brk > TASK_SIZE)
        return mm->brk;
    if (newbrk == oldbrk) {
        mm->brk = brk;
        return brk;
    }
    if (brk <= mm->brk) {
        if (user_unmap(mm, newbrk, oldbrk))
            return mm->brk;
        mm->brk = brk;
        return brk;
    }
    /* Keep a page free below the next mapping, as Linux's stack guard check does. */
    if (vma_intersect(mm, oldbrk, MIN(newbrk + PAGE_SIZE, TASK_SIZE)) ||
        user_map(mm, oldbrk, newbrk, PROT_READ | PROT_WRITE, VMA_BRK))
        return mm->brk;
    mm->brk = brk;
    return brk;
}
SYSCALL_DEFINE(brk, sys_brk);

/* get_unmapped_area: a start for len bytes, or -ENOMEM / -EINVAL / -EPERM. */
static long unmapped_area(struct user_mm *mm, u64 addr, u64 len, unsigned long flags)
{
    u64 gap;

    if (len > TASK_SIZE)
        return -ENOMEM;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr > TASK_SIZE - len)
            return -ENOMEM;
        if (!PAGE_ALIGNED(addr))
            return -EINVAL;
        return addr < USER_VA_MIN ? -EPERM : (long)addr;
    }
    if (addr) {
        addr = MAX(page_align(addr), USER_VA_MIN);
        if (addr && addr <= TASK_SIZE - len && !vma_intersect(mm, addr, addr + len))
            return addr;
    }
    gap = vma_find_gap(mm, len, USER_VA_MIN, mm->mmap_base);
    return gap ? (long)gap : -ENOMEM;
}

/*
 * mmap of a file descriptor: -EBADF if not open, -EACCES if not open for
 * reading (Linux checks that first), else -ENODEV: nothing here maps.
 */
static long file_mapping_error(int fd)
{
    struct file *f = fget(&init_process.files, fd);
    long err;

    if (!f)
        return -EBADF;
    err = (f->f_flags & O_ACCMODE) == O_WRONLY ? -EACCES : -ENODEV;
    fput(f);
    return err;
}

static long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
                     unsigned long flags, unsigned long fd, unsigned long off)
{
    struct user_mm *mm = cur_mm();
    long start;
    int err;

    if (!PAGE_ALIGNED(off))
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS) && file_mapping_error((int)fd) == -EBADF)
        return -EBADF;      /* Linux looks the fd up first, the rest after the checks */
    if (!len)
        return -EINVAL;
    len = page_align(len);
    if (!len)
        return -ENOMEM;
    start = unmapped_area(mm, addr, len, flags);
    if (start < 0)
        return start;
    if ((flags & MAP_FIXED_NOREPLACE) && vma_intersect(mm, start, start + len))
        return -EEXIST;
    if ((flags & MAP_TYPE) != MAP_PRIVATE && (flags & MAP_TYPE) != MAP_SHARED &&
        (flags & MAP_TYPE) != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS))
        return file_mapping_error((int)fd);
    if ((flags & MAP_FIXED) && (err = user_unmap(mm, start, start + len)))
        return err;
    err = user_map(mm, start, start + len, prot & USER_PROT_MASK, VMA_ANON);
    return err ? err : start;
}
SYSCALL_DEFINE(mmap, sys_mmap);

static long sys_munmap(unsigned long addr, unsigned long len, unsigned long a2,
                       unsigned long a3, unsigned long a4, unsigned long a5)
{
    if (!PAGE_ALIGNED(addr) || addr > TASK_SIZE || len > TASK_SIZE - addr)
        return -EINVAL;
    len = page_align(len);
    if (!len)
        return -EINVAL;
    return user_unmap(cur_mm(), addr, addr + len);
}
SYSCALL_DEFINE(munmap, sys_munmap);

static long sys_mprotect(unsigned long start, unsigned long len, unsigned long prot,
                         unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct user_mm *mm = cur_mm();
    u64 end, ok_end;
    int err;

    if (!PAGE_ALIGNED(start))
        return -EINVAL;
    if (!len)
        return 0;
    len = page_align(len);
    end = start + len;
    if (!len || end <= start)
        return -ENOMEM;
    if (prot & ~(unsigned long)USER_PROT_MASK)
        return -EINVAL;
    /* Like Linux: the mapped run before a hole changes, then -ENOMEM. */
    ok_end = vma_covered_end(mm, start, end);
    err = ok_end > start ? user_protect(mm, start, ok_end, prot) : 0;
    return err ? err : ok_end < end ? -ENOMEM : 0;
}
SYSCALL_DEFINE(mprotect, sys_mprotect);

/* Move [addr, addr+old_len) (one VMA) to a new new_len-byte home `to`. */
static long mremap_move(struct user_mm *mm, struct vm_area *v, u64 addr, u64 old_len,
                        u64 new_len, u64 to)
{
    unsigned prot = v->prot, kind = v->kind;
    int err;

    /* Reserve first and fill the tail, so a failure leaves the old mapping intact. */
    err = user_map(mm, to, to + new_len, PROT_NONE, kind);
    if (!err && new_len > old_len && prot != PROT_NONE)
        err = user_protect(mm, to + old_len, to + new_len, prot);
    if (err) {
        user_unmap(mm, to, to + new_len);
        return err;
    }
    user_move_pages(mm, addr, to, MIN(old_len, new_len));
    vma_set_prot(mm, to, to + new_len, prot);
    user_unmap(mm, addr, addr + old_len);
    return to;
}

static long sys_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len,
                       unsigned long flags, unsigned long new_addr, unsigned long a5)
{
    struct user_mm *mm = cur_mm();
    struct vm_area *v;
    long to;

    if (flags & ~(unsigned long)(MREMAP_FIXED | MREMAP_MAYMOVE) ||
        ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) || !PAGE_ALIGNED(addr))
        return -EINVAL;
    old_len = page_align(old_len);
    new_len = page_align(new_len);
    if (!new_len || !old_len)   /* old_len 0 duplicates shared mappings only */
        return -EINVAL;
    if (flags & MREMAP_FIXED) {
        if (!PAGE_ALIGNED(new_addr) || new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len ||
            (new_addr < addr + old_len && addr < new_addr + new_len))
            return -EINVAL;
    }
    v = vma_find(mm, addr);
    if (!v || old_len > v->end - addr)
        return -EFAULT;
    if (flags & MREMAP_FIXED) {
        int err = user_unmap(mm, new_addr, new_addr + new_len);
        return err ? err : mremap_move(mm, v, addr, old_len, new_len, new_addr);
    }
    if (new_len <= old_len) {
        int err = user_unmap(mm, addr + new_len, addr + old_len);
        return err ? err : (long)addr;
    }
    if (v->end == addr + old_len && addr + new_len <= mm->mmap_base &&
        !vma_intersect(mm, addr + old_len, addr + new_len)) {
        int err = user_map(mm, addr + old_len, addr + new_len, v->prot, v->kind);
        return err ? err : (long)addr;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    to = unmapped_area(mm, 0, new_len, 0);
    return to < 0 ? to : mremap_move(mm, v, addr, old_len, new_len, to);
}
SYSCALL_DEFINE(mremap, sys_mremap);

/* The advice values Linux knows (5-7 are unused); all but DONTNEED are hints here. */
static bool madvise_valid(unsigned long advice)
{
    return advice <= MADV_DONTNEED || (advice >= MADV_FREE && advice <= MADV_COLLAPSE);
}

static long sys_madvise(unsigned long start, unsigned long len_in, unsigned long advice,
                        unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct user_mm *mm = cur_mm();
    u64 len, end;

    if (!madvise_valid(advice) || !PAGE_ALIGNED(start))
        return -EINVAL;
    len = page_align(len_in);
    if (len_in && !len)
        return -EINVAL;
    end = start + len;
    if (end < start)
        return -EINVAL;
    if (end == start)
        return 0;
    /* Linux applies the advice to what is mapped, then reports a hole with -ENOMEM. */
    if (advice == MADV_DONTNEED || advice == MADV_DONTNEED_LOCKED)
        user_zero(mm, start, MIN(end, TASK_SIZE));  /* private anonymous: zeroes again */
    return vma_covered_end(mm, start, end) < end ? -ENOMEM : 0;
}
SYSCALL_DEFINE(madvise, sys_madvise);
