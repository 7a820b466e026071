/*
 * Kernel heap: caches of equal-sized objects (Linux kmem_cache) and kmalloc.
 * Above: every subsystem that allocates.  Below: the page allocator, reached
 * only through alloc_pages()/free_pages() and the page private word, so this
 * file also runs on the host over tests/unit/host/host_pages.c.
 * Owns every struct kmem_cache, their slabs and their counters.
 *
 * A slab is one naturally aligned block of 2^order pages: struct slab at its
 * base, then nobjs objects at a fixed stride, with one bit per object.  Every
 * page of the block has its private word pointing at the header, so kfree()
 * finds the cache of any object; large kmalloc blocks tag their first page
 * with (order << 1) | 1 instead (odd, so never a header address).
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#define SLAB_MAX_OBJS   256     /* bitmap size: 16-byte objects in one page fit */
#define SLAB_MAX_ORDER  3       /* 32 KiB: keeps 2048-byte waste under 1/8 */
#define KMALLOC_MIN     16
#define NR_KMALLOC      8       /* 16, 32, ... 2048 */
#define LARGE_TAG(order) (((unsigned long)(order) << 1) | 1)

struct slab {
    struct kmem_cache *cache;
    struct list_head node;              /* on cache->partial or cache->full */
    unsigned inuse;
    u64 used[SLAB_MAX_OBJS / 64];       /* bit i set: object i is handed out */
};

struct kmem_cache {
    struct kmem_stats stats;            /* name and obj_size live here */
    size_t stride;                      /* bytes between objects */
    size_t first;                       /* offset of object 0 from the slab base */
    unsigned order, nobjs;
    struct list_head partial, full;     /* slabs with some / no free objects */
    struct slab *spare;                 /* one empty slab kept against churn */
    struct list_head link;              /* on the list of all caches */
};

static DEFINE_SPINLOCK(slab_lock);
static LIST_HEAD(all_caches);
static struct kmem_cache kmalloc_caches[NR_KMALLOC];
static struct kmem_cache kmalloc_large;
static bool kmalloc_ready;
static const char *const kmalloc_names[NR_KMALLOC] = {
    "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
    "kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};

/* Choose the smallest slab order whose tail waste is at most 1/8 of the slab. */
static int cache_layout(struct kmem_cache *c, size_t size, size_t align)
{
    c->stride = ALIGN_UP(size, align);
    c->first = ALIGN_UP(sizeof(struct slab), align);
    for (unsigned order = 0; order <= SLAB_MAX_ORDER; order++) {
        size_t bytes = PAGE_SIZE << order;
        if (c->first + c->stride > bytes)
            continue;
        size_t n = MIN((bytes - c->first) / c->stride, (size_t)SLAB_MAX_OBJS);
        size_t waste = bytes - c->first - n * c->stride;
        if (waste * 8 <= bytes || order == SLAB_MAX_ORDER) {
            c->order = order;
            c->nobjs = (unsigned)n;
            return 0;
        }
    }
    return -EINVAL;
}

static int cache_init(struct kmem_cache *c, const char *name, size_t size, size_t align)
{
    memset(c, 0, sizeof(*c));
    c->stats.name = name;
    c->stats.obj_size = size;
    INIT_LIST_HEAD(&c->partial);
    INIT_LIST_HEAD(&c->full);
    if (size && cache_layout(c, size, align))
        return -EINVAL;
    list_add_tail(&c->link, &all_caches);
    return 0;
}

/* The kmalloc caches exist from the first call on, so no init order to get wrong. */
static void kmalloc_init(void)
{
    for (unsigned i = 0; i < NR_KMALLOC; i++)
        cache_init(&kmalloc_caches[i], kmalloc_names[i], (size_t)KMALLOC_MIN << i, KMALLOC_MIN);
    cache_init(&kmalloc_large, "kmalloc-large", 0, 0);
    kmalloc_ready = true;
}

static struct slab *slab_new(struct kmem_cache *c)
{
    struct slab *s = alloc_pages(c->order);

    if (!s)
        return NULL;
    memset(s, 0, sizeof(*s));
    s->cache = c;
    page_set_private(s, c->order, (unsigned long)s);
    return s;
}

static void slab_release(struct slab *s)
{
    unsigned order = s->cache->order;

    page_set_private(s, order, 0);
    free_pages(s, order);
}

static struct slab *slab_with_room(struct kmem_cache *c)
{
    struct slab *s;

    if (!list_empty(&c->partial))
        return list_first_entry(&c->partial, struct slab, node);
    s = c->spare ? c->spare : slab_new(c);
    c->spare = NULL;
    if (s)
        list_add(&s->node, &c->partial);
    return s;
}

static void *cache_alloc_locked(struct kmem_cache *c)
{
    struct slab *s = slab_with_room(c);
    unsigned i = 0;

    if (!s) {
        c->stats.failures++;
        return NULL;
    }
    while (s->used[i / 64] == ~0ULL)
        i += 64;
    i += (unsigned)__builtin_ctzll(~s->used[i / 64]);
    s->used[i / 64] |= 1ULL << (i % 64);
    if (++s->inuse == c->nobjs)
        list_move_tail(&s->node, &c->full);
    c->stats.allocs++;
    c->stats.objs_in_use++;
    c->stats.bytes_in_use += c->stats.obj_size;
    return (char *)s + c->first + (size_t)i * c->stride;
}

/*
 * Return obj to its slab.  `expect` is the cache the caller named (NULL from
 * kfree).  A pointer that is not an allocated object start is a double free
 * or a foreign pointer: memory is already corrupt or about to be, so panic.
 */
static void slab_free_locked(struct slab *s, struct kmem_cache *expect, const void *obj)
{
    struct kmem_cache *c = s->cache;
    size_t off = (size_t)((const char *)obj - (const char *)s);
    size_t i = (off - c->first) / c->stride;

    if (expect && expect != c)
        panic("kmem_cache_free(%s): %p belongs to %s", expect->stats.name, obj, c->stats.name);
    if (off < c->first || (off - c->first) % c->stride || i >= c->nobjs)
        panic("kfree: %p is inside a %s slab but not an object start", obj, c->stats.name);
    if (!(s->used[i / 64] & (1ULL << (i % 64))))
        panic("kfree: double free of %p (%s)", obj, c->stats.name);
    s->used[i / 64] &= ~(1ULL << (i % 64));
    if (s->inuse-- == c->nobjs)
        list_move_tail(&s->node, &c->partial);
    c->stats.frees++;
    c->stats.objs_in_use--;
    c->stats.bytes_in_use -= c->stats.obj_size;
    if (s->inuse)
        return;
    list_del(&s->node);
    if (c->spare)
        slab_release(s);
    else
        c->spare = s;
}

static void *large_alloc_locked(size_t size)
{
    unsigned order = get_order(size);
    void *p = order < MAX_ORDER ? alloc_pages(order) : NULL;

    if (!p) {
        kmalloc_large.stats.failures++;
        return NULL;
    }
    page_set_private(p, 0, LARGE_TAG(order));
    kmalloc_large.stats.allocs++;
    kmalloc_large.stats.objs_in_use++;
    kmalloc_large.stats.bytes_in_use += PAGE_SIZE << order;
    return p;
}

static void large_free_locked(void *p, unsigned long tag)
{
    unsigned order = (unsigned)(tag >> 1);

    if ((unsigned long)p & (PAGE_SIZE - 1))
        panic("kfree: %p is inside a kmalloc-large block but not its start", p);
    page_set_private(p, 0, 0);
    free_pages(p, order);
    kmalloc_large.stats.frees++;
    kmalloc_large.stats.objs_in_use--;
    kmalloc_large.stats.bytes_in_use -= PAGE_SIZE << order;
}

/*
 * kmalloc(0) returns a valid 16-byte object (so callers need no special
 * case); sizes above KMALLOC_MAX_CACHE_SIZE get whole, page-aligned pages
 * and count as 4 KiB << order in "kmalloc-large".
 */
void *kmalloc(size_t size)
{
    unsigned long flags;
    void *p;
    unsigned i = 0;

    spin_lock_irqsave(&slab_lock, flags);
    if (!kmalloc_ready)
        kmalloc_init();
    if (size > KMALLOC_MAX_CACHE_SIZE) {
        p = large_alloc_locked(size);
    } else {
        while (((size_t)KMALLOC_MIN << i) < size)
            i++;
        p = cache_alloc_locked(&kmalloc_caches[i]);
    }
    spin_unlock_irqrestore(&slab_lock, flags);
    return p;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

void *kcalloc(size_t n, size_t size)
{
    size_t bytes;

    if (__builtin_mul_overflow(n, size, &bytes))
        return NULL;
    return kzalloc(bytes);
}

static void free_locked(struct kmem_cache *expect, const void *p)
{
    unsigned long tag = page_private(p);

    if (!tag)
        panic("kfree: %p is not a heap object (double free or foreign pointer)", p);
    if (tag & 1) {
        if (expect)
            panic("kmem_cache_free(%s): %p is a kmalloc-large block", expect->stats.name, p);
        large_free_locked((void *)p, tag);
    } else {
        slab_free_locked((struct slab *)tag, expect, p);
    }
}

void kfree(const void *p)
{
    unsigned long flags;

    if (!p)
        return;
    spin_lock_irqsave(&slab_lock, flags);
    free_locked(NULL, p);
    spin_unlock_irqrestore(&slab_lock, flags);
}

/*
 * A new cache of `size`-byte objects aligned to `align` (0: 16; a power of
 * two up to PAGE_SIZE).  `name` must outlive the cache (a string literal).
 * NULL if the size or alignment cannot be served or out of memory.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
    struct kmem_cache *c;
    unsigned long flags;
    int err;

    align = align ? align : KMALLOC_MIN;
    if (!size || (align & (align - 1)) || align > PAGE_SIZE)
        return NULL;
    c = kmalloc(sizeof(*c));
    if (!c)
        return NULL;
    spin_lock_irqsave(&slab_lock, flags);
    err = cache_init(c, name, size, align);
    spin_unlock_irqrestore(&slab_lock, flags);
    if (err) {
        kfree(c);
        return NULL;
    }
    return c;
}

void *kmem_cache_alloc(struct kmem_cache *c)
{
    unsigned long flags;
    void *p;

    spin_lock_irqsave(&slab_lock, flags);
    p = cache_alloc_locked(c);
    spin_unlock_irqrestore(&slab_lock, flags);
    return p;
}

void *kmem_cache_zalloc(struct kmem_cache *c)
{
    void *p = kmem_cache_alloc(c);

    if (p)
        memset(p, 0, c->stats.obj_size);
    return p;
}

/* obj must come from c: freeing into another cache panics. */
void kmem_cache_free(struct kmem_cache *c, void *obj)
{
    unsigned long flags;

    if (!obj)
        return;
    spin_lock_irqsave(&slab_lock, flags);
    free_locked(c, obj);
    spin_unlock_irqrestore(&slab_lock, flags);
}

size_t kmem_stats_get(struct kmem_stats *out, size_t max)
{
    struct kmem_cache *c;
    unsigned long flags;
    size_t n = 0;

    spin_lock_irqsave(&slab_lock, flags);
    if (!kmalloc_ready)
        kmalloc_init();
    list_for_each_entry(c, &all_caches, link) {
        if (n < max)
            out[n] = c->stats;
        n++;
    }
    spin_unlock_irqrestore(&slab_lock, flags);
    return n;
}

u64 kmem_bytes_in_use(void)
{
    struct kmem_cache *c;
    unsigned long flags;
    u64 sum = 0;

    spin_lock_irqsave(&slab_lock, flags);
    list_for_each_entry(c, &all_caches, link)
        sum += c->stats.bytes_in_use;
    spin_unlock_irqrestore(&slab_lock, flags);
    return sum;
}

void kmem_shrink(void)
{
    struct kmem_cache *c;
    unsigned long flags;

    spin_lock_irqsave(&slab_lock, flags);
    list_for_each_entry(c, &all_caches, link) {
        if (c->spare)
            slab_release(c->spare);
        c->spare = NULL;
    }
    spin_unlock_irqrestore(&slab_lock, flags);
}
