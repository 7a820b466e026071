/*
 * Host page provider: alloc_pages()/free_pages() and the page private word
 * over aligned_alloc(), so any host test can link kernel/mm/slab.c with this
 * file alone.  Blocks are naturally aligned like the buddy allocator's; every
 * page is tracked in a hash so a free of an unknown block or with the wrong
 * order aborts, and tests can count pages outstanding or simulate OOM.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <kernel/arch/irqflags.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include "host/host_pages.h"

#define NR_BUCKETS 4096

struct host_page {
    unsigned long pfn;
    unsigned long priv;
    int order;                  /* block order on its first page, -1 on the others */
    struct host_page *next;
};

static struct host_page *buckets[NR_BUCKETS];
static long outstanding;
static long limit = -1;

/*
 * Weak, so a test or another shim can supply its own: the interrupt flag
 * (tests/unit/host/host_irq.c defines it too) and panic(), which on the host
 * prints the reason and aborts.
 */
__attribute__((weak)) bool host_irqs_disabled;

__attribute__((weak)) void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("panic: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static struct host_page **slot(unsigned long pfn)
{
    struct host_page **pp = &buckets[pfn % NR_BUCKETS];

    while (*pp && (*pp)->pfn != pfn)
        pp = &(*pp)->next;
    return pp;
}

static void die(const char *what, const void *addr, unsigned order)
{
    fprintf(stderr, "host_pages: %s (%p, order %u)\n", what, addr, order);
    abort();
}

void *alloc_pages(unsigned order)
{
    long n = 1L << order;
    unsigned long pfn;
    void *p;

    if (order >= MAX_ORDER || (limit >= 0 && outstanding + n > limit))
        return NULL;
    p = aligned_alloc(PAGE_SIZE << order, PAGE_SIZE << order);
    if (!p)
        return NULL;
    pfn = (unsigned long)p >> PAGE_SHIFT;
    for (long i = 0; i < n; i++) {
        struct host_page *hp = calloc(1, sizeof(*hp));
        if (!hp)
            die("out of host memory", p, order);
        hp->pfn = pfn + (unsigned long)i;
        hp->order = i ? -1 : (int)order;
        hp->next = buckets[hp->pfn % NR_BUCKETS];
        buckets[hp->pfn % NR_BUCKETS] = hp;
    }
    outstanding += n;
    return p;
}

void free_pages(void *addr, unsigned order)
{
    unsigned long pfn = (unsigned long)addr >> PAGE_SHIFT;
    struct host_page **pp = slot(pfn);

    if (((unsigned long)addr & (PAGE_SIZE - 1)) || !*pp || (*pp)->order != (int)order)
        die("free of a block that was not allocated with this order", addr, order);
    for (unsigned long i = 0; i < 1UL << order; i++) {
        struct host_page *hp;
        pp = slot(pfn + i);
        hp = *pp;
        *pp = hp->next;
        free(hp);
    }
    outstanding -= 1L << order;
    free(addr);
}

void page_set_private(void *addr, unsigned order, unsigned long priv)
{
    unsigned long pfn = (unsigned long)addr >> PAGE_SHIFT;

    for (unsigned long i = 0; i < 1UL << order; i++) {
        struct host_page *hp = *slot(pfn + i);
        if (!hp)
            die("page_set_private on a page that is not allocated", addr, order);
        hp->priv = priv;
    }
}

unsigned long page_private(const void *addr)
{
    struct host_page *hp = *slot((unsigned long)addr >> PAGE_SHIFT);

    return hp ? hp->priv : 0;
}

long host_pages_outstanding(void)
{
    return outstanding;
}

void host_pages_set_limit(long pages)
{
    limit = pages;
}
