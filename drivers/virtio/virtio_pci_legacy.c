/*
 * Legacy virtio PCI register layout (virtio 1.2 §4.1.5: transitional devices,
 * QEMU's `disable-modern=on`): one I/O BAR 0 holding features (32 bits only),
 * queue PFN/size/select/notify, status, ISR, then the MSI-X vector registers
 * when MSI-X is enabled, then the device config (offsets from
 * <linux/virtio_pci.h>).  Guest-endian = little-endian here.  Port I/O only
 * through arch/io.h.  Below: pci.  Above: virtio_pci_common.c, virtio core.
 */
#include <kernel/arch/io.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include "virtio_pci_common.h"

static u8 vp_legacy_get_status(struct virtio_device *vdev)
{
    return inb(to_vp_device(vdev)->ioaddr + VIRTIO_PCI_STATUS);
}

static void vp_legacy_set_status(struct virtio_device *vdev, u8 status)
{
    outb(to_vp_device(vdev)->ioaddr + VIRTIO_PCI_STATUS, status);
}

static void vp_legacy_reset(struct virtio_device *vdev)
{
    /* Writing 0 resets at once; the read flushes it as §4.1.5's reset expects. */
    outb(to_vp_device(vdev)->ioaddr + VIRTIO_PCI_STATUS, 0);
    (void)inb(to_vp_device(vdev)->ioaddr + VIRTIO_PCI_STATUS);
}

static u64 vp_legacy_get_features(struct virtio_device *vdev)
{
    return inl(to_vp_device(vdev)->ioaddr + VIRTIO_PCI_HOST_FEATURES);
}

static void vp_legacy_set_features(struct virtio_device *vdev, u64 features)
{
    outl(to_vp_device(vdev)->ioaddr + VIRTIO_PCI_GUEST_FEATURES, (u32)features);
}

/*
 * The config starts after the MSI-X vector registers only while MSI-X is
 * enabled (§4.1.5.1.1), so the offset follows the current state.  Legacy has
 * no generation counter: multi-byte fields may tear, which for the MAC and
 * status of virtio-net (read at probe and per change) is harmless.
 */
static void vp_legacy_get_config(struct virtio_device *vdev, unsigned off, void *buf,
                                 unsigned len)
{
    struct virtio_pci_device *vp = to_vp_device(vdev);
    u16 base = vp->ioaddr + VIRTIO_PCI_CONFIG_OFF(vp->pci->msix_nr != 0) + off;

    for (unsigned i = 0; i < len; i++)
        ((u8 *)buf)[i] = inb(base + i);
}

static bool vp_legacy_notify(struct virtqueue *vq)
{
    struct virtio_pci_device *vp = to_vp_device(vq->owner);

    outw(vp->ioaddr + VIRTIO_PCI_QUEUE_NOTIFY, (u16)vq->index);
    return true;
}

/* §4.1.5.1.4.1: the size is the device's; writing the PFN makes the queue live. */
static struct virtqueue *vp_legacy_setup_vq(struct virtio_pci_device *vp, unsigned index,
                                            vq_callback_t callback, u16 vector)
{
    struct virtqueue *vq;
    u16 num;

    outw(vp->ioaddr + VIRTIO_PCI_QUEUE_SEL, (u16)index);
    num = inw(vp->ioaddr + VIRTIO_PCI_QUEUE_NUM);
    if (!num || inl(vp->ioaddr + VIRTIO_PCI_QUEUE_PFN))
        return NULL;
    vq = vring_create_virtqueue(index, num,
                                virtio_has_feature(&vp->vdev, VIRTIO_RING_F_EVENT_IDX),
                                vp_legacy_notify, callback, &vp->vdev);
    if (!vq)
        return NULL;
    if (vector != VIRTIO_MSI_NO_VECTOR) {
        outw(vp->ioaddr + VIRTIO_MSI_QUEUE_VECTOR, vector);
        if (inw(vp->ioaddr + VIRTIO_MSI_QUEUE_VECTOR) != vector) {
            vring_del_virtqueue(vq);
            return NULL;
        }
    }
    /* One contiguous ring, used ring at the 4 KiB boundary (vring_init with PAGE_SIZE). */
    outl(vp->ioaddr + VIRTIO_PCI_QUEUE_PFN,
         (u32)(virt_to_phys(vq->vring.desc) >> VIRTIO_PCI_QUEUE_ADDR_SHIFT));
    return vq;
}

static void vp_legacy_del_vq(struct virtio_pci_device *vp, struct virtqueue *vq)
{
    outw(vp->ioaddr + VIRTIO_PCI_QUEUE_SEL, (u16)vq->index);
    if (vp->msix)
        outw(vp->ioaddr + VIRTIO_MSI_QUEUE_VECTOR, VIRTIO_MSI_NO_VECTOR);
    outl(vp->ioaddr + VIRTIO_PCI_QUEUE_PFN, 0);     /* legacy allows deactivating a queue */
    vring_del_virtqueue(vq);
}

static u16 vp_legacy_config_vector(struct virtio_pci_device *vp, u16 vector)
{
    outw(vp->ioaddr + VIRTIO_MSI_CONFIG_VECTOR, vector);
    return inw(vp->ioaddr + VIRTIO_MSI_CONFIG_VECTOR);
}

static u8 vp_legacy_read_isr(struct virtio_pci_device *vp)
{
    return inb(vp->ioaddr + VIRTIO_PCI_ISR);
}

static const struct virtio_config_ops vp_legacy_config_ops = {
    .get_status = vp_legacy_get_status,
    .set_status = vp_legacy_set_status,
    .reset = vp_legacy_reset,
    .get_features = vp_legacy_get_features,
    .set_features = vp_legacy_set_features,
    .get_config = vp_legacy_get_config,
    .find_vqs = vp_find_vqs,
    .del_vqs = vp_del_vqs,
};

int vp_legacy_probe(struct virtio_pci_device *vp)
{
    vp->ioaddr = pci_ioport(vp->pci, 0);
    if (!vp->ioaddr)
        return -ENODEV;
    vp->vdev.legacy = true;
    vp->vdev.config = &vp_legacy_config_ops;
    vp->setup_vq = vp_legacy_setup_vq;
    vp->del_vq = vp_legacy_del_vq;
    vp->config_vector = vp_legacy_config_vector;
    vp->read_isr = vp_legacy_read_isr;
    return 0;
}
