/*
 * sk_buff allocation, references, buffer edits and queues.
 * Layer: below every protocol and driver; above the allocator (kmem_cache
 * for the struct, kmalloc for the data).  Owns skb_drop_counts[], the
 * global per-reason drop counters that kfree_skb_reason() bumps.
 */
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <net/checksum.h>
#include <net/netdevice.h>
#include <net/skbuff.h>

u64 skb_drop_counts[SKB_DROP_REASON_MAX];

static const char *const drop_names[SKB_DROP_REASON_MAX] = {
#define SKB_DROP_NAME(name, text) [SKB_DROP_REASON_##name] = text,
    SKB_DROP_REASONS(SKB_DROP_NAME)
#undef SKB_DROP_NAME
};

const char *skb_drop_reason_name(enum skb_drop_reason reason)
{
    return (unsigned)reason < SKB_DROP_REASON_MAX ? drop_names[reason] : "?";
}

/* Created on first use so the host tests and the kernel need no init call. */
static struct kmem_cache *skb_cache;

struct sk_buff *alloc_skb(unsigned size)
{
    struct sk_buff *skb;
    u8 *data;

    if (!skb_cache && !(skb_cache = kmem_cache_create("skbuff_head", sizeof(*skb), 8)))
        return NULL;
    skb = kmem_cache_zalloc(skb_cache);
    if (!skb)
        return NULL;
    size = ALIGN_UP(size, 16u);
    data = kmalloc(size);
    if (!data) {
        kmem_cache_free(skb_cache, skb);
        return NULL;
    }
    INIT_LIST_HEAD(&skb->list);
    skb->head = skb->data = skb->tail = data;
    skb->end = data + size;
    skb->truesize = size + (u32)sizeof(*skb);
    skb->users = 1;
    skb->mac_header = skb->network_header = skb->transport_header = SKB_HEADER_UNSET;
    return skb;
}

struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned size)
{
    struct sk_buff *skb = alloc_skb(NET_SKB_PAD + size);

    if (skb) {
        skb_reserve(skb, NET_SKB_PAD);
        skb->dev = dev;
    }
    return skb;
}

struct sk_buff *skb_get(struct sk_buff *skb)
{
    skb->users++;
    return skb;
}

void consume_skb(struct sk_buff *skb)
{
    if (!skb || --skb->users)
        return;
    if (skb->destructor)
        skb->destructor(skb);
    kfree(skb->head);
    kmem_cache_free(skb_cache, skb);
}

void kfree_skb_reason(struct sk_buff *skb, enum skb_drop_reason reason)
{
    if (!skb)
        return;
    if (skb->dev)
        netdev_count_drop(skb->dev, reason);
    else if ((unsigned)reason < SKB_DROP_REASON_MAX)
        skb_drop_counts[reason]++;
    consume_skb(skb);
}

u8 *skb_put(struct sk_buff *skb, unsigned len)
{
    u8 *p = skb->tail;

    BUG_ON(len > skb_tailroom(skb));
    skb->tail += len;
    skb->len += len;
    return p;
}

u8 *skb_put_data(struct sk_buff *skb, const void *src, unsigned len)
{
    return memcpy(skb_put(skb, len), src, len);
}

u8 *skb_push(struct sk_buff *skb, unsigned len)
{
    BUG_ON(len > skb_headroom(skb));
    skb->data -= len;
    skb->len += len;
    return skb->data;
}

u8 *skb_pull(struct sk_buff *skb, unsigned len)
{
    if (len > skb->len)
        return NULL;
    skb->data += len;
    skb->len -= len;
    return skb->data;
}

void skb_checksum_help(struct sk_buff *skb)
{
    u8 *start = skb->head + skb->csum_start;
    u16 sum;

    if (skb->ip_summed != CHECKSUM_PARTIAL)
        return;
    sum = csum_fold(csum_partial(start, (unsigned)(skb->tail - start), 0));
    if (sum == 0 && skb->csum_offset == 6)
        sum = 0xffff;           /* UDP: RFC 768 sends a computed 0 as all ones */
    memcpy(start + skb->csum_offset, &sum, sizeof(sum));
    skb->ip_summed = CHECKSUM_NONE;
}

void skb_trim(struct sk_buff *skb, unsigned len)
{
    if (len < skb->len) {
        skb->len = len;
        skb->tail = skb->data + len;
    }
}

void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
    list_add_tail(&skb->list, &q->head);
    q->qlen++;
}

void skb_queue_head(struct sk_buff_head *q, struct sk_buff *skb)
{
    list_add(&skb->list, &q->head);
    q->qlen++;
}

void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q)
{
    list_del_init(&skb->list);
    q->qlen--;
}

struct sk_buff *skb_dequeue(struct sk_buff_head *q)
{
    struct sk_buff *skb;

    if (skb_queue_empty(q))
        return NULL;
    skb = list_first_entry(&q->head, struct sk_buff, list);
    skb_unlink(skb, q);
    return skb;
}

void skb_queue_purge_reason(struct sk_buff_head *q, enum skb_drop_reason reason)
{
    struct sk_buff *skb;

    while ((skb = skb_dequeue(q)))
        kfree_skb_reason(skb, reason);
}
