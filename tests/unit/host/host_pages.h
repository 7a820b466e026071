/* Host page provider (tests/unit/host/host_pages.c): alloc_pages() over
 * aligned_alloc(), with a page count and a simulated out-of-memory limit. */
#ifndef HOST_PAGES_H
#define HOST_PAGES_H

/* Pages currently allocated and not yet freed. */
long host_pages_outstanding(void);
/* Fail alloc_pages() once `pages` would be outstanding; -1 removes the limit. */
void host_pages_set_limit(long pages);

#endif
