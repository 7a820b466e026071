/* Split virtqueue (drivers/virtio/virtio_ring.c) against a fake device that
 * plays the device side of virtio 1.2 §2.7: chains, full ring and reclaim,
 * notification suppression with EVENT_IDX across the 16-bit wrap, the
 * enable-callback re-check, and a device that returns a bad id.  Every test
 * ends with no pages and no heap objects outstanding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include <drivers/virtio_ring.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include "host/host_pages.h"

/* Heap for the ring: plain calloc with a live-object count for the leak check. */
static long heap_objs;
void *kzalloc(size_t n) { heap_objs++; return calloc(1, n); }
void *kcalloc(size_t n, size_t size) { heap_objs++; return calloc(n, size); }
void kfree(const void *p) { if (p) { heap_objs--; free((void *)p); } }

static int notifies;
static bool notify_ok = true;
static bool fake_notify(struct virtqueue *vq) { (void)vq; notifies++; return notify_ok; }

/* The fake device's own position in the avail ring and its used index. */
struct fake_dev {
    u16 last_avail, used_idx;
};

/* Device: use up to n available chains, writing `len` bytes to each; returns how many. */
static unsigned dev_use(struct virtqueue *vq, struct fake_dev *d, unsigned n, u32 len)
{
    unsigned done = 0;

    while (done < n && d->last_avail != vq->vring.avail->idx) {
        u16 head = vq->vring.avail->ring[d->last_avail++ % vq->num];
        struct vring_used_elem *e = &vq->vring.used->ring[d->used_idx % vq->num];

        e->id = head;
        e->len = len;
        d->used_idx++;
        vq->vring.used->idx = d->used_idx;
        done++;
    }
    return done;
}

/* Device: would it interrupt after moving used->idx from old to its current value? */
static bool dev_wants_irq(struct virtqueue *vq, u16 old)
{
    if (vq->event_idx)
        return vring_need_event(vring_used_event(&vq->vring), vq->vring.used->idx, old);
    return !(vq->vring.avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
}

static int tok[1024];   /* distinct non-NULL tokens */

static int add_one(struct virtqueue *vq, unsigned i)
{
    struct vring_buf b = { .addr = 0x1000 + i, .len = 100 };

    return virtqueue_add(vq, &b, 0, 1, &tok[i % 1024]);
}

static int setup(void **state)
{
    notifies = 0;
    notify_ok = true;
    return 0;
}

static int leak_check(void **state)
{
    assert_int_equal(host_pages_outstanding(), 0);
    assert_int_equal(heap_objs, 0);
    return 0;
}

static void test_create_rejects_bad_sizes(void **state)
{
    assert_null(vring_create_virtqueue(0, 0, false, fake_notify, NULL, NULL));
    assert_null(vring_create_virtqueue(0, 3, false, fake_notify, NULL, NULL));
    assert_null(vring_create_virtqueue(0, 65536, false, fake_notify, NULL, NULL));
    host_pages_set_limit(0);
    assert_null(vring_create_virtqueue(0, 256, false, fake_notify, NULL, NULL));
    host_pages_set_limit(-1);
}

static void test_chain_layout_and_return(void **state)
{
    struct virtqueue *vq = vring_create_virtqueue(1, 8, false, fake_notify, NULL, NULL);
    struct vring_buf b[3] = { { 0x1000, 12 }, { 0x2000, 1500 }, { 0x3000, 64 } };
    struct fake_dev d = { 0 };
    u32 len;

    assert_non_null(vq);
    assert_int_equal(virtqueue_add(vq, b, 2, 1, &tok[7]), 0);
    assert_int_equal(virtqueue_num_free(vq), 5);
    u16 h = vq->vring.avail->ring[0];
    struct vring_desc *dt = vq->vring.desc;
    assert_int_equal(dt[h].addr, 0x1000);
    assert_int_equal(dt[h].flags, VRING_DESC_F_NEXT);
    assert_int_equal(dt[dt[h].next].flags, VRING_DESC_F_NEXT);
    assert_int_equal(dt[dt[dt[h].next].next].flags, VRING_DESC_F_WRITE);
    assert_int_equal(dt[dt[dt[h].next].next].len, 64);
    assert_null(virtqueue_get_buf(vq, &len));
    assert_int_equal(dev_use(vq, &d, 1, 42), 1);
    assert_ptr_equal(virtqueue_get_buf(vq, &len), &tok[7]);
    assert_int_equal(len, 42);
    assert_int_equal(virtqueue_num_free(vq), 8);
    assert_int_equal(virtqueue_add(vq, b, 0, 0, &tok[1]), -EINVAL);
    assert_int_equal(virtqueue_add(vq, b, 1, 0, NULL), -EINVAL);
    vring_del_virtqueue(vq);
}

static void test_full_ring_and_reclaim(void **state)
{
    struct virtqueue *vq = vring_create_virtqueue(0, 16, true, fake_notify, NULL, NULL);
    struct vring_buf b[2] = { { 0x1000, 10 }, { 0x2000, 10 } };
    struct fake_dev d = { 0 };
    u32 len;

    for (unsigned i = 0; i < 16; i++)
        assert_int_equal(add_one(vq, i), 0);
    assert_int_equal(add_one(vq, 99), -ENOSPC);
    assert_int_equal(dev_use(vq, &d, 1, 0), 1);
    assert_int_equal(add_one(vq, 99), -ENOSPC);     /* used but not reclaimed yet */
    assert_ptr_equal(virtqueue_get_buf(vq, &len), &tok[0]);
    assert_int_equal(virtqueue_add(vq, b, 1, 1, &tok[50]), -ENOSPC);   /* 1 free, 2 needed */
    assert_int_equal(add_one(vq, 16), 0);
    /* Reclaim everything in order; descriptors all come back. */
    assert_int_equal(dev_use(vq, &d, 100, 0), 16);
    for (unsigned i = 1; i <= 16; i++)
        assert_ptr_equal(virtqueue_get_buf(vq, &len), &tok[i]);
    assert_null(virtqueue_get_buf(vq, &len));
    assert_int_equal(virtqueue_num_free(vq), 16);
    vring_del_virtqueue(vq);
}

/* Many rounds so both 16-bit indices wrap; kicks only when avail_event is crossed. */
static void test_event_idx_kick_across_wrap(void **state)
{
    struct virtqueue *vq = vring_create_virtqueue(0, 256, true, fake_notify, NULL, NULL);
    struct fake_dev d = { 0 };
    u32 len;

    const unsigned rounds = 20000;     /* 4 buffers each: 80000 > 2^16 */

    for (unsigned round = 0; round < rounds; round++) {
        /* The device asks to hear about the 2nd of the next 3 buffers. */
        vring_avail_event(&vq->vring) = (u16)(vq->avail_idx_shadow + 1);
        for (unsigned i = 0; i < 3; i++)
            assert_int_equal(add_one(vq, i), 0);
        assert_true(virtqueue_kick_prepare(vq));
        /* Nothing new since: no kick, whatever avail_event says. */
        assert_false(virtqueue_kick_prepare(vq));
        /* The device asks for the one after the next buffer: not crossed by one add. */
        vring_avail_event(&vq->vring) = (u16)(vq->avail_idx_shadow + 1);
        assert_int_equal(add_one(vq, 3), 0);
        assert_false(virtqueue_kick_prepare(vq));
        assert_int_equal(dev_use(vq, &d, 4, 0), 4);
        for (unsigned i = 0; i < 4; i++)
            assert_non_null(virtqueue_get_buf(vq, &len));
    }
    assert_int_equal(vq->avail_idx_shadow, (u16)(rounds * 4));
    assert_int_equal(vq->last_used_idx, (u16)(rounds * 4));
    vring_del_virtqueue(vq);
}

static void test_no_event_idx_respects_no_notify(void **state)
{
    struct virtqueue *vq = vring_create_virtqueue(0, 4, false, fake_notify, NULL, NULL);

    assert_int_equal(add_one(vq, 0), 0);
    assert_true(virtqueue_kick(vq));
    assert_int_equal(notifies, 1);
    vq->vring.used->flags = VRING_USED_F_NO_NOTIFY;
    assert_int_equal(add_one(vq, 1), 0);
    assert_true(virtqueue_kick(vq));
    assert_int_equal(notifies, 1);
    vring_del_virtqueue(vq);
}

/* disable_cb silences the device; enable_cb re-arms and reports a buffer that slipped in. */
static void test_callbacks_and_recheck(void **state)
{
    for (int ev = 0; ev < 2; ev++) {
        struct virtqueue *vq = vring_create_virtqueue(0, 8, ev, fake_notify, NULL, NULL);
        struct fake_dev d = { 0 };
        u32 len;
        u16 old;

        for (unsigned i = 0; i < 8; i++)
            assert_int_equal(add_one(vq, i), 0);
        assert_true(virtqueue_enable_cb(vq));
        old = d.used_idx;
        dev_use(vq, &d, 1, 0);
        assert_true(dev_wants_irq(vq, old));
        virtqueue_disable_cb(vq);
        old = d.used_idx;
        dev_use(vq, &d, 2, 0);
        assert_false(dev_wants_irq(vq, old));
        /* The poll consumed two of three; the re-check sees the third. */
        assert_non_null(virtqueue_get_buf(vq, &len));
        assert_non_null(virtqueue_get_buf(vq, &len));
        assert_false(virtqueue_enable_cb(vq));
        assert_non_null(virtqueue_get_buf(vq, &len));
        assert_true(virtqueue_enable_cb(vq));
        old = d.used_idx;
        dev_use(vq, &d, 1, 0);
        assert_true(dev_wants_irq(vq, old));
        assert_non_null(virtqueue_get_buf(vq, &len));
        /* With callbacks on, get_buf keeps used_event current: the next use interrupts too. */
        old = d.used_idx;
        dev_use(vq, &d, 1, 0);
        assert_true(dev_wants_irq(vq, old));
        while (virtqueue_get_buf(vq, &len))
            ;
        vring_del_virtqueue(vq);
    }
}

static void test_enable_cb_delayed(void **state)
{
    struct virtqueue *vq = vring_create_virtqueue(0, 8, true, fake_notify, NULL, NULL);
    struct fake_dev d = { 0 };
    u32 len;
    u16 old;

    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(add_one(vq, i), 0);
    assert_true(virtqueue_enable_cb_delayed(vq));      /* 8 pending: wake after 3/4 = 6 + 1 */
    old = d.used_idx;
    dev_use(vq, &d, 6, 0);
    assert_false(dev_wants_irq(vq, old));
    old = d.used_idx;
    dev_use(vq, &d, 1, 0);
    assert_true(dev_wants_irq(vq, old));
    assert_false(virtqueue_enable_cb_delayed(vq));     /* 7 used > 6: caller must reap */
    while (virtqueue_get_buf(vq, &len))
        ;
    dev_use(vq, &d, 1, 0);
    while (virtqueue_get_buf(vq, &len))
        ;
    vring_del_virtqueue(vq);
}

static void test_bad_device_breaks_queue(void **state)
{
    struct virtqueue *vq = vring_create_virtqueue(0, 4, false, fake_notify, NULL, NULL);
    u32 len;

    assert_int_equal(add_one(vq, 0), 0);
    vq->vring.used->ring[0].id = 3;     /* a descriptor it was never given */
    vq->vring.used->idx = 1;
    assert_null(virtqueue_get_buf(vq, &len));
    assert_int_equal(add_one(vq, 1), -EIO);
    assert_false(virtqueue_notify(vq));
    assert_int_equal(notifies, 0);
    vring_del_virtqueue(vq);
}

static void test_failed_notify_breaks_queue(void **state)
{
    struct virtqueue *vq = vring_create_virtqueue(0, 4, false, fake_notify, NULL, NULL);

    notify_ok = false;
    assert_int_equal(add_one(vq, 0), 0);
    assert_false(virtqueue_kick(vq));
    assert_int_equal(add_one(vq, 1), -EIO);
    vring_del_virtqueue(vq);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, leak_check)
        T(test_create_rejects_bad_sizes),
        T(test_chain_layout_and_return),
        T(test_full_ring_and_reclaim),
        T(test_event_idx_kick_across_wrap),
        T(test_no_event_idx_respects_no_notify),
        T(test_callbacks_and_recheck),
        T(test_enable_cb_delayed),
        T(test_bad_device_breaks_queue),
        T(test_failed_notify_breaks_queue),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
