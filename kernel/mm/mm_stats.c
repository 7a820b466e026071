/*
 * Console key 'm': the heap and page counters, so a user (or a test) can see
 * whether memory returns to its baseline after a load.  Reads the counters
 * kept by kernel/mm/slab.c and page_alloc.c; allocates nothing, so it is safe
 * from the serial interrupt that delivers the key.
 */
#include <kernel/console.h>
#include <kernel/init.h>
#include <kernel/mm.h>
#include <kernel/printk.h>

#define MAX_CACHES 64

static void mm_stats_key(char c)
{
    static struct kmem_stats st[MAX_CACHES];    /* static: too big for an IRQ stack */
    size_t n = kmem_stats_get(st, MAX_CACHES);

    (void)c;
    pr_info("mm: heap %llu bytes in use; pages %llu KiB free of %llu KiB",
            (unsigned long long)kmem_bytes_in_use(),
            (unsigned long long)(pmm_free_bytes() >> 10),
            (unsigned long long)(pmm_total_bytes() >> 10));
    for (size_t i = 0; i < MIN(n, (size_t)MAX_CACHES); i++)
        if (st[i].objs_in_use)
            pr_info("mm: cache %s: %llu objects, %llu bytes", st[i].name,
                    (unsigned long long)st[i].objs_in_use,
                    (unsigned long long)st[i].bytes_in_use);
}

static int mm_stats_init(void)
{
    return console_register_key('m', mm_stats_key);
}
subsys_initcall(mm_stats_init);
