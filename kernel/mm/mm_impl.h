/* Shared inside kernel/mm only: how mm_init (init.c) and paging.c meet. */
#ifndef KERNEL_MM_IMPL_H
#define KERNEL_MM_IMPL_H

#include <kernel/types.h>

/*
 * Page-table pages before the buddy allocator runs: a zeroed page from the
 * early region reserved by init.c (physical address), or 0 when exhausted.
 */
phys_addr_t early_alloc_page(void);
/* Set once the buddy allocator serves pages; page tables then come from it. */
extern bool mm_buddy_ready;

/*
 * Build the final kernel page tables (direct map of [0, dm_end), the kernel
 * image with section permissions) and switch to them.  0 or -ENOMEM.
 */
int paging_init(u64 dm_end);
/* Bytes of page-table pages paging_init() may need for dm_end: an upper bound. */
u64 paging_bound(u64 dm_end);

#endif
