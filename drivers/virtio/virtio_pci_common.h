/*
 * Shared inside the virtio-pci transport (virtio 1.2 §4.1): the device
 * struct both register layouts fill in, and the hooks through which
 * virtio_pci_common.c (PCI driver, interrupts, queue set-up) reaches the
 * modern (§4.1.4) or legacy (§4.1.5) registers.
 */
#ifndef VIRTIO_PCI_COMMON_H
#define VIRTIO_PCI_COMMON_H

#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <linux/virtio_pci.h>

#define VP_MAX_VQS      4
#define VP_MAX_QUEUE    256     /* entries per queue we ask for (modern can shrink it) */

struct virtio_pci_device {
    struct virtio_device vdev;
    struct pci_dev *pci;
    char bus_name[8];                   /* "bb:dd.f" */

    /* modern: the regions named by the vendor capabilities, mapped */
    struct virtio_pci_common_cfg *common;
    void *notify_base;
    u32 notify_off_multiplier;          /* bytes per queue_notify_off unit */
    u8 *isr;
    void *device_cfg;
    u32 device_cfg_len;                 /* bytes of device_cfg */
    void *bars[PCI_NUM_BARS];           /* each memory BAR mapped once */
    /* legacy: the I/O BAR */
    u16 ioaddr;

    bool msix;                          /* per-queue MSI-X vectors in use */
    unsigned nvqs;
    struct virtqueue *vqs[VP_MAX_VQS];

    /*
     * Create queue `index` with `callback` and MSI-X entry `vector` (or
     * VIRTIO_MSI_NO_VECTOR); NULL on failure.  Legacy queues are live at
     * once, modern ones only after the modern find_vqs enables them.
     */
    struct virtqueue *(*setup_vq)(struct virtio_pci_device *vp, unsigned index,
                                  vq_callback_t callback, u16 vector);
    /* Detach the queue from the device (after reset) and free it. */
    void (*del_vq)(struct virtio_pci_device *vp, struct virtqueue *vq);
    /* Route config-change interrupts to MSI-X entry `vector`; returns what the device accepted. */
    u16 (*config_vector)(struct virtio_pci_device *vp, u16 vector);
    /* Read (and so clear, deasserting INTx) the ISR status byte (§4.1.4.5). */
    u8 (*read_isr)(struct virtio_pci_device *vp);
};

static inline struct virtio_pci_device *to_vp_device(struct virtio_device *vdev)
{
    return container_of(vdev, struct virtio_pci_device, vdev);
}

/* Set up the register layout; 0, or -ENODEV when the function lacks it. */
int vp_modern_probe(struct virtio_pci_device *vp);
int vp_legacy_probe(struct virtio_pci_device *vp);

/* find_vqs/del_vqs for both layouts (virtio_pci_common.c). */
int vp_find_vqs(struct virtio_device *vdev, unsigned nvqs, struct virtqueue *vqs[],
                const vq_callback_t callbacks[]);
void vp_del_vqs(struct virtio_device *vdev);

#endif
