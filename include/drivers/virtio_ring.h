/*
 * Split virtqueues (virtio 1.2 §2.7): the driver side of one descriptor
 * table + available ring + used ring, laid out as <linux/virtio_ring.h>'s
 * vring_init() places them (used ring on its own page, which the legacy
 * transport requires).  Portable: the host unit tests build it.
 * Concurrency: the owner serialises every call on one queue (the kernel is
 * uniprocessor and non-preemptive); only virtqueue_disable_cb() and
 * virtqueue_more_used() may run in a hard IRQ meanwhile.
 */
#ifndef DRIVERS_VIRTIO_RING_H
#define DRIVERS_VIRTIO_RING_H

#include <kernel/types.h>
#include <linux/virtio_ring.h>

struct virtqueue;
typedef void (*vq_callback_t)(struct virtqueue *vq);
/* Transport doorbell for this queue; false if the device is broken. */
typedef bool (*vq_notify_t)(struct virtqueue *vq);

struct virtqueue {
    struct vring vring;             /* desc, avail, used: shared with the device */
    unsigned index;                 /* queue number on the device */
    unsigned num;                   /* ring entries, a power of two */
    bool event_idx;                 /* VIRTIO_F_EVENT_IDX negotiated */
    u16 free_head;                  /* first free descriptor; chain through desc.next */
    u16 num_free;                   /* descriptors on the free list */
    u16 avail_idx_shadow;           /* our copy of avail->idx (the device only reads it) */
    u16 num_added;                  /* buffers made available since the last kick */
    u16 last_used_idx;              /* next used entry to consume */
    u16 avail_flags_shadow;         /* VRING_AVAIL_F_NO_INTERRUPT as we last set it */
    bool broken;                    /* a device bug was seen; the queue refuses work */
    void **data;                    /* per head descriptor: the caller's token */
    vq_callback_t callback;         /* used buffers arrived (hard IRQ context) */
    vq_notify_t notify;
    void *priv;                     /* the transport's (e.g. its notify address) */
    void *owner;                    /* the driver's (virtio_device) */
    void *ring_mem;                 /* alloc_pages() block holding the vring */
    unsigned ring_order;
};

/* One buffer of a chain: physical (bus) address and length in bytes. */
struct vring_buf {
    phys_addr_t addr;
    u32 len;
};

/*
 * A queue of `num` entries (power of two, <= 32768) in zeroed, page-aligned
 * memory from alloc_pages().  NULL when num is invalid or out of memory.
 * The transport tells the device where the rings are (virt_to_phys of
 * vq->vring.desc/avail/used).
 */
struct virtqueue *vring_create_virtqueue(unsigned index, unsigned num, bool event_idx,
                                         vq_notify_t notify, vq_callback_t callback,
                                         void *owner);
/* Free the rings and the queue; the device must be reset first. */
void vring_del_virtqueue(struct virtqueue *vq);

/*
 * Make one chain available: out[] device-readable buffers then in[]
 * device-writable ones.  `data` (non-NULL) comes back from
 * virtqueue_get_buf().  0, -ENOSPC (fewer than out+in free descriptors),
 * -EINVAL (empty chain) or -EIO (queue broken).  Not visible to the device
 * until the avail index is published, which this does (no kick).
 */
int virtqueue_add(struct virtqueue *vq, const struct vring_buf *bufs, unsigned out,
                  unsigned in, void *data);
/*
 * After adding: does the device want a notification (VIRTIO_F_EVENT_IDX:
 * avail_event crossed, §2.7.10; else VRING_USED_F_NO_NOTIFY clear)?
 */
bool virtqueue_kick_prepare(struct virtqueue *vq);
/* Ring the doorbell unconditionally; false if the transport failed. */
bool virtqueue_notify(struct virtqueue *vq);
/* virtqueue_kick_prepare() then, if needed, virtqueue_notify(). */
bool virtqueue_kick(struct virtqueue *vq);

/*
 * Next used buffer: its token, with *len = bytes the device wrote into the
 * in-buffers; NULL when none is pending (or the device gave a bad id: the
 * queue is then marked broken).  Its descriptors are free again.
 */
void *virtqueue_get_buf(struct virtqueue *vq, u32 *len);
/* True when a used buffer is pending. */
bool virtqueue_more_used(const struct virtqueue *vq);

/* Ask the device not to interrupt for this queue (a hint; it may still). */
void virtqueue_disable_cb(struct virtqueue *vq);
/*
 * Ask for an interrupt at the next used buffer.  Returns false if buffers
 * were already used meanwhile: the caller must process them (the interrupt
 * for them may never come), then usually try again.
 */
bool virtqueue_enable_cb(struct virtqueue *vq);
/*
 * As virtqueue_enable_cb(), but with VIRTIO_F_EVENT_IDX ask for the
 * interrupt only after about 3/4 of the outstanding buffers are used
 * (TX completion batching).  Same return value.
 */
bool virtqueue_enable_cb_delayed(struct virtqueue *vq);

static inline unsigned virtqueue_num_free(const struct virtqueue *vq) { return vq->num_free; }

#endif
