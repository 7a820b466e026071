/*
 * Virtio 1.x PCI register layout (virtio 1.2 §4.1.4): vendor capabilities
 * (§4.1.4.1) point into memory BARs at the common configuration (§4.1.4.3),
 * the notification area (§4.1.4.4), the ISR byte (§4.1.4.5) and the
 * device-specific configuration (§4.1.4.6).  Every register is little-endian
 * MMIO, reached only through arch/io.h.  Below: pci.  Above:
 * virtio_pci_common.c and, through virtio_config_ops, the virtio core.
 */
#include <kernel/arch/io.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include "virtio_pci_common.h"

#define CFG(vp, field) (&(vp)->common->field)

static u8 vp_modern_get_status(struct virtio_device *vdev)
{
    return readb(CFG(to_vp_device(vdev), device_status));
}

static void vp_modern_set_status(struct virtio_device *vdev, u8 status)
{
    writeb(status, CFG(to_vp_device(vdev), device_status));
}

/* §4.1.4.3.2: after writing 0 the driver waits until device_status reads 0. */
static void vp_modern_reset(struct virtio_device *vdev)
{
    writeb(0, CFG(to_vp_device(vdev), device_status));
    while (readb(CFG(to_vp_device(vdev), device_status)))
        ;
}

/* Feature bits come in 32-bit windows chosen by the *_feature_select registers. */
static u64 vp_modern_get_features(struct virtio_device *vdev)
{
    struct virtio_pci_device *vp = to_vp_device(vdev);
    u64 f;

    writel(0, CFG(vp, device_feature_select));
    f = readl(CFG(vp, device_feature));
    writel(1, CFG(vp, device_feature_select));
    return f | (u64)readl(CFG(vp, device_feature)) << 32;
}

static void vp_modern_set_features(struct virtio_device *vdev, u64 features)
{
    struct virtio_pci_device *vp = to_vp_device(vdev);

    writel(0, CFG(vp, guest_feature_select));
    writel((u32)features, CFG(vp, guest_feature));
    writel(1, CFG(vp, guest_feature_select));
    writel((u32)(features >> 32), CFG(vp, guest_feature));
}

/* §4.1.4.3.1 + §2.5.1: retry until config_generation is the same before and after. */
static void vp_modern_get_config(struct virtio_device *vdev, unsigned off, void *buf,
                                 unsigned len)
{
    struct virtio_pci_device *vp = to_vp_device(vdev);
    u8 gen;

    if (!vp->device_cfg || off + len > vp->device_cfg_len) {
        memset(buf, 0, len);    /* the device has no such field */
        return;
    }
    do {
        gen = readb(CFG(vp, config_generation));
        for (unsigned i = 0; i < len; i++)
            ((u8 *)buf)[i] = readb((u8 *)vp->device_cfg + off + i);
    } while (gen != readb(CFG(vp, config_generation)));
}

/* §4.1.3.1: 64-bit fields are written as two 32-bit halves, never one 64-bit access. */
static void vp_write64(u64 val, __le32 *lo, __le32 *hi)
{
    writel((u32)val, lo);
    writel((u32)(val >> 32), hi);
}

static bool vp_modern_notify(struct virtqueue *vq)
{
    /* §4.1.4.4: the queue's notification address takes its index (no NOTIFICATION_DATA). */
    writew((u16)vq->index, vq->priv);
    return true;
}

/* §4.1.4.3.2 queue set-up, all but queue_enable (vp_modern_find_vqs does that). */
static struct virtqueue *vp_modern_setup_vq(struct virtio_pci_device *vp, unsigned index,
                                            vq_callback_t callback, u16 vector)
{
    struct virtqueue *vq;
    u16 num, notify_off;

    writew((u16)index, CFG(vp, queue_select));
    num = readw(CFG(vp, queue_size));
    if (!num || readw(CFG(vp, queue_enable)))
        return NULL;
    num = MIN(num, VP_MAX_QUEUE);   /* a smaller power of two is allowed (§4.1.4.3.2) */
    notify_off = readw(CFG(vp, queue_notify_off));
    vq = vring_create_virtqueue(index, num,
                                virtio_has_feature(&vp->vdev, VIRTIO_RING_F_EVENT_IDX),
                                vp_modern_notify, callback, &vp->vdev);
    if (!vq)
        return NULL;
    vq->priv = (u8 *)vp->notify_base + (u32)notify_off * vp->notify_off_multiplier;
    writew(num, CFG(vp, queue_size));
    vp_write64(virt_to_phys(vq->vring.desc), CFG(vp, queue_desc_lo), CFG(vp, queue_desc_hi));
    vp_write64(virt_to_phys(vq->vring.avail), CFG(vp, queue_avail_lo), CFG(vp, queue_avail_hi));
    vp_write64(virt_to_phys(vq->vring.used), CFG(vp, queue_used_lo), CFG(vp, queue_used_hi));
    if (vector != VIRTIO_MSI_NO_VECTOR) {
        writew(vector, CFG(vp, queue_msix_vector));
        /* §4.1.4.3.1: the device answers NO_VECTOR when it cannot map the vector. */
        if (readw(CFG(vp, queue_msix_vector)) != vector) {
            vring_del_virtqueue(vq);
            return NULL;
        }
    }
    return vq;
}

static void vp_modern_del_vq(struct virtio_pci_device *vp, struct virtqueue *vq)
{
    writew((u16)vq->index, CFG(vp, queue_select));
    if (vp->msix)
        writew(VIRTIO_MSI_NO_VECTOR, CFG(vp, queue_msix_vector));
    vring_del_virtqueue(vq);
}

static u16 vp_modern_config_vector(struct virtio_pci_device *vp, u16 vector)
{
    writew(vector, CFG(vp, msix_config));
    return readw(CFG(vp, msix_config));
}

static u8 vp_modern_read_isr(struct virtio_pci_device *vp)
{
    return readb(vp->isr);
}

static int vp_modern_find_vqs(struct virtio_device *vdev, unsigned nvqs,
                              struct virtqueue *vqs[], const vq_callback_t callbacks[])
{
    struct virtio_pci_device *vp = to_vp_device(vdev);
    int err = vp_find_vqs(vdev, nvqs, vqs, callbacks);

    if (err)
        return err;
    for (unsigned i = 0; i < nvqs; i++) {
        writew((u16)i, CFG(vp, queue_select));
        writew(1, CFG(vp, queue_enable));
    }
    return 0;
}

static const struct virtio_config_ops vp_modern_config_ops = {
    .get_status = vp_modern_get_status,
    .set_status = vp_modern_set_status,
    .reset = vp_modern_reset,
    .get_features = vp_modern_get_features,
    .set_features = vp_modern_set_features,
    .get_config = vp_modern_get_config,
    .find_vqs = vp_modern_find_vqs,
    .del_vqs = vp_del_vqs,
};

/*
 * Map the region a virtio capability at `pos` describes (§4.1.4.1); NULL if
 * its BAR is not a mapped memory BAR or the region overruns it.  Each BAR is
 * mapped once and shared by the regions inside it.
 */
static void *vp_map_capability(struct virtio_pci_device *vp, u8 pos, u32 min_len,
                               u32 *len_out)
{
    struct pci_dev *pci = vp->pci;
    u8 bar = pci_read_config_byte(pci, pos + offsetof(struct virtio_pci_cap, bar));
    u32 off = pci_read_config_dword(pci, pos + offsetof(struct virtio_pci_cap, offset));
    u32 len = pci_read_config_dword(pci, pos + offsetof(struct virtio_pci_cap, length));

    if (bar >= PCI_NUM_BARS || len < min_len || (u64)off + len > pci->bar[bar].size)
        return NULL;
    if (len_out)
        *len_out = len;
    if (!vp->bars[bar])
        vp->bars[bar] = pci_iomap(pci, bar);
    return vp->bars[bar] ? (u8 *)vp->bars[bar] + off : NULL;
}

/* §4.1.4.1: the first capability of each type the driver understands is the one to use. */
static void vp_modern_map_caps(struct virtio_pci_device *vp)
{
    struct pci_dev *pci = vp->pci;

    for (u8 pos = pci_find_capability(pci, PCI_CAP_ID_VNDR); pos;
         pos = pci_find_next_capability(pci, pos, PCI_CAP_ID_VNDR)) {
        u8 type = pci_read_config_byte(pci, pos + offsetof(struct virtio_pci_cap, cfg_type));

        if (type == VIRTIO_PCI_CAP_COMMON_CFG && !vp->common) {
            vp->common = vp_map_capability(vp, pos, sizeof(struct virtio_pci_common_cfg), NULL);
        } else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && !vp->notify_base) {
            vp->notify_base = vp_map_capability(vp, pos, 2, NULL);
            vp->notify_off_multiplier = pci_read_config_dword(pci, pos +
                offsetof(struct virtio_pci_notify_cap, notify_off_multiplier));
        } else if (type == VIRTIO_PCI_CAP_ISR_CFG && !vp->isr) {
            vp->isr = vp_map_capability(vp, pos, 1, NULL);
        } else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && !vp->device_cfg) {
            vp->device_cfg = vp_map_capability(vp, pos, 0, &vp->device_cfg_len);
        }
    }
}

int vp_modern_probe(struct virtio_pci_device *vp)
{
    vp_modern_map_caps(vp);
    /* Device config is optional (§4.1.4.6); the other three are required. */
    if (!vp->common || !vp->notify_base || !vp->isr)
        return -ENODEV;
    vp->vdev.config = &vp_modern_config_ops;
    vp->setup_vq = vp_modern_setup_vq;
    vp->del_vq = vp_modern_del_vq;
    vp->config_vector = vp_modern_config_vector;
    vp->read_isr = vp_modern_read_isr;
    return 0;
}
