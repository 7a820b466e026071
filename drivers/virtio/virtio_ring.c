/*
 * Split virtqueue, driver side (virtio 1.2 §2.7; driver rules §2.7.13-§2.7.14,
 * notification suppression §2.7.7 and §2.7.10 with VIRTIO_F_EVENT_IDX).
 * Owns the ring memory, the descriptor free list and the tokens.  Below: the
 * page allocator and the transport's notify hook.  Above: virtio drivers.
 * Portable (no arch headers): tests/unit/test_virtio_ring.c drives it with a
 * fake device.  Endianness: virtio 1.x rings are little-endian, legacy rings
 * guest-endian; both are host order on x86, so no swaps.
 */
#include <drivers/virtio_ring.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>

/*
 * Barriers (§2.7.13.3, §2.7.14).  The device is another agent reading and
 * writing normal write-back memory, so only SMP-style ordering matters.
 * x86 is TSO: stores are not reordered with stores, nor loads with loads, so
 * virtio_wmb/virtio_rmb only stop the compiler.  A store followed by a load
 * of another location may be reordered, so virtio_mb is a real fence.
 */
#define virtio_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define virtio_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virtio_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)

struct virtqueue *vring_create_virtqueue(unsigned index, unsigned num, bool event_idx,
                                         vq_notify_t notify, vq_callback_t callback,
                                         void *owner)
{
    struct virtqueue *vq;
    unsigned order;

    if (!num || (num & (num - 1)) || num > 32768)
        return NULL;
    vq = kzalloc(sizeof(*vq));
    if (!vq)
        goto err_vq;
    vq->data = kcalloc(num, sizeof(*vq->data));
    if (!vq->data)
        goto err_data;
    /* PAGE_SIZE alignment of the used ring: what the legacy transport needs (§4.1.5.1.4.1). */
    order = get_order(vring_size(num, PAGE_SIZE));
    vq->ring_mem = alloc_pages(order);
    if (!vq->ring_mem)
        goto err_ring;
    memset(vq->ring_mem, 0, PAGE_SIZE << order);
    vq->ring_order = order;
    vring_init(&vq->vring, num, vq->ring_mem, PAGE_SIZE);
    for (unsigned i = 0; i + 1 < num; i++)
        vq->vring.desc[i].next = (u16)(i + 1);
    vq->index = index;
    vq->num = num;
    vq->num_free = (u16)num;
    vq->event_idx = event_idx;
    vq->notify = notify;
    vq->callback = callback;
    vq->owner = owner;
    return vq;

err_ring:
    kfree(vq->data);
err_data:
    kfree(vq);
err_vq:
    return NULL;
}

void vring_del_virtqueue(struct virtqueue *vq)
{
    free_pages(vq->ring_mem, vq->ring_order);
    kfree(vq->data);
    kfree(vq);
}

int virtqueue_add(struct virtqueue *vq, const struct vring_buf *bufs, unsigned out,
                  unsigned in, void *data)
{
    unsigned total = out + in;
    u16 head = vq->free_head, i = head;

    if (vq->broken)
        return -EIO;
    if (!total || !data)
        return -EINVAL;
    if (total > vq->num_free)
        return -ENOSPC;
    for (unsigned n = 0; n < total; n++) {
        struct vring_desc *d = &vq->vring.desc[i];

        d->addr = bufs[n].addr;
        d->len = bufs[n].len;
        /* §2.7.4.2: device-readable buffers precede device-writable ones. */
        d->flags = (n >= out ? VRING_DESC_F_WRITE : 0) |
                   (n + 1 < total ? VRING_DESC_F_NEXT : 0);
        i = d->next;    /* the last one's next still links the free list */
    }
    vq->free_head = i;
    vq->num_free -= (u16)total;
    vq->data[head] = data;
    vq->vring.avail->ring[vq->avail_idx_shadow & (vq->num - 1)] = head;
    /* §2.7.13.3.1: descriptors and ring entry visible before the idx that publishes them. */
    virtio_wmb();
    vq->avail_idx_shadow++;
    WRITE_ONCE(vq->vring.avail->idx, vq->avail_idx_shadow);
    /* old/new in kick_prepare are 16-bit: kick before num_added could wrap. */
    if (++vq->num_added == 0xffff)
        virtqueue_kick(vq);
    return 0;
}

bool virtqueue_kick_prepare(struct virtqueue *vq)
{
    u16 new_idx = vq->avail_idx_shadow, old_idx = (u16)(new_idx - vq->num_added);

    if (!vq->num_added)
        return false;       /* nothing published since the last kick (a batch's flush) */
    /* Our avail->idx store must be visible before we read the device's suppression state. */
    virtio_mb();
    vq->num_added = 0;
    if (vq->event_idx)      /* §2.7.10: notify only if avail_event lies in [old, new) */
        return vring_need_event(READ_ONCE(vring_avail_event(&vq->vring)), new_idx, old_idx);
    return !(READ_ONCE(vq->vring.used->flags) & VRING_USED_F_NO_NOTIFY);
}

bool virtqueue_notify(struct virtqueue *vq)
{
    if (vq->broken)
        return false;
    if (!vq->notify(vq)) {
        vq->broken = true;
        return false;
    }
    return true;
}

bool virtqueue_kick(struct virtqueue *vq)
{
    return virtqueue_kick_prepare(vq) ? virtqueue_notify(vq) : true;
}

bool virtqueue_more_used(const struct virtqueue *vq)
{
    return vq->last_used_idx != READ_ONCE(vq->vring.used->idx);
}

/* Return the chain starting at `head` to the free list. */
static void detach_buf(struct virtqueue *vq, u16 head)
{
    u16 i = head, n = 1;

    while (vq->vring.desc[i].flags & VRING_DESC_F_NEXT) {
        i = vq->vring.desc[i].next;
        n++;
    }
    vq->vring.desc[i].next = vq->free_head;
    vq->free_head = head;
    vq->num_free += n;
}

void *virtqueue_get_buf(struct virtqueue *vq, u32 *len)
{
    struct vring_used_elem *e;
    void *data;
    u32 id;

    if (vq->broken || !virtqueue_more_used(vq))
        return NULL;
    /* §2.7.14: read used->idx before the entries it covers (x86: compiler only). */
    virtio_rmb();
    e = &vq->vring.used->ring[vq->last_used_idx & (vq->num - 1)];
    id = e->id;
    if (id >= vq->num || !vq->data[id]) {
        vq->broken = true;      /* the device returned a chain it does not own */
        return NULL;
    }
    *len = e->len;
    data = vq->data[id];
    vq->data[id] = NULL;
    detach_buf(vq, (u16)id);
    vq->last_used_idx++;
    /*
     * Callbacks on: keep used_event at the next entry, or the device would not
     * interrupt again until its index wraps.  The fence orders this store
     * before the next used->idx load (store then load).
     */
    if (vq->event_idx && !(vq->avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT)) {
        WRITE_ONCE(vring_used_event(&vq->vring), vq->last_used_idx);
        virtio_mb();
    }
    return data;
}

void virtqueue_disable_cb(struct virtqueue *vq)
{
    vq->avail_flags_shadow |= VRING_AVAIL_F_NO_INTERRUPT;
    /*
     * With EVENT_IDX the device ignores avail->flags (§2.7.7.2): park
     * used_event just behind us, which the device's index reaches only after
     * wrapping 2^16 entries, far beyond any poll.
     */
    if (vq->event_idx)
        WRITE_ONCE(vring_used_event(&vq->vring), (u16)(vq->last_used_idx - 1));
    else
        WRITE_ONCE(vq->vring.avail->flags, vq->avail_flags_shadow);
}

/* Arm the interrupt for when used->idx passes last_used_idx + `after`; see the header. */
static bool enable_cb_after(struct virtqueue *vq, u16 after)
{
    /*
     * Written unconditionally, not only when the shadow says "off": a hard
     * IRQ's disable_cb() may interleave, and the last writer must be us.
     */
    vq->avail_flags_shadow &= ~VRING_AVAIL_F_NO_INTERRUPT;
    if (vq->event_idx)
        WRITE_ONCE(vring_used_event(&vq->vring), (u16)(vq->last_used_idx + after));
    else
        WRITE_ONCE(vq->vring.avail->flags, vq->avail_flags_shadow);
    /* The re-check: our store must be visible before we re-read used->idx. */
    virtio_mb();
    return (u16)(READ_ONCE(vq->vring.used->idx) - vq->last_used_idx) <= after;
}

bool virtqueue_enable_cb(struct virtqueue *vq)
{
    return enable_cb_after(vq, 0);
}

bool virtqueue_enable_cb_delayed(struct virtqueue *vq)
{
    u16 pending = (u16)(vq->avail_idx_shadow - vq->last_used_idx);

    return enable_cb_after(vq, vq->event_idx ? (u16)(pending * 3 / 4) : 0);
}
