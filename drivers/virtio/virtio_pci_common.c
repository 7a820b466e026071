/*
 * Virtio over PCI (virtio 1.2 §4.1): the PCI driver for vendor 0x1af4, which
 * picks the modern layout (§4.1.4) when the function has the virtio
 * capabilities and falls back to legacy (§4.1.5, transitional devices with
 * modern disabled), and the parts both share: queue set-up and interrupts,
 * MSI-X (one vector per queue + one for config, §4.1.4.8) or the INTx line
 * with the ISR status byte (§4.1.4.5).  Below: pci.  Above: virtio core.
 */
#include <kernel/init.h>
#include <drivers/pci.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include "virtio_pci_common.h"

#define VIRTIO_PCI_VENDOR       0x1af4
#define VIRTIO_PCI_DEVICE_MIN   0x1000  /* transitional: 0x1000-0x103f, §4.1.2 */
#define VIRTIO_PCI_MODERN_BASE  0x1040  /* modern: 0x1040 + device ID */
#define VIRTIO_PCI_DEVICE_MAX   0x107f

/* MSI-X: config changes only (entry 0); hard IRQ. */
static void vp_config_interrupt(void *data)
{
    struct virtio_pci_device *vp = data;

    virtio_config_changed(&vp->vdev);
}

/* MSI-X: one queue's vector; hard IRQ. */
static void vp_vring_interrupt(void *data)
{
    struct virtqueue *vq = data;

    vq->callback(vq);
}

/*
 * INTx, level-triggered and maybe shared: reading ISR deasserts the line
 * (§4.1.4.5.1), so it comes first; 0 means the interrupt was another device's.
 */
static void vp_interrupt(void *data)
{
    struct virtio_pci_device *vp = data;
    u8 isr = vp->read_isr(vp);

    if (isr & VIRTIO_PCI_ISR_CONFIG)
        virtio_config_changed(&vp->vdev);
    if (isr & 1)        /* queue interrupt: which queue is not said, so all of them */
        for (unsigned i = 0; i < vp->nvqs; i++)
            vp->vqs[i]->callback(vp->vqs[i]);
}

void vp_del_vqs(struct virtio_device *vdev)
{
    struct virtio_pci_device *vp = to_vp_device(vdev);

    while (vp->nvqs)
        vp->del_vq(vp, vp->vqs[--vp->nvqs]);
}

static int vp_setup_vqs(struct virtio_pci_device *vp, unsigned nvqs,
                        const vq_callback_t callbacks[], bool msix)
{
    for (unsigned i = 0; i < nvqs; i++) {
        u16 vector = msix ? (u16)(i + 1) : VIRTIO_MSI_NO_VECTOR;

        vp->vqs[i] = vp->setup_vq(vp, i, callbacks[i], vector);
        if (!vp->vqs[i])
            return -ENOMEM;
        vp->nvqs = i + 1;
    }
    return 0;
}

/* Entry 0 for config changes, entry i+1 for queue i (§4.1.4.8); queues already exist. */
static int vp_request_msix(struct virtio_pci_device *vp)
{
    int err;

    if (vp->config_vector(vp, 0) != 0)
        return -EBUSY;      /* the device could not take the vector */
    err = pci_msix_request(vp->pci, 0, vp_config_interrupt, vp, "virtio-config");
    for (unsigned i = 0; err >= 0 && i < vp->nvqs; i++)
        err = pci_msix_request(vp->pci, i + 1, vp_vring_interrupt, vp->vqs[i], "virtio-vq");
    return err < 0 ? err : 0;
}

static int vp_find_vqs_msix(struct virtio_pci_device *vp, unsigned nvqs,
                            const vq_callback_t callbacks[])
{
    int err = pci_msix_enable(vp->pci, nvqs + 1);

    if (err)
        return err;
    vp->msix = true;
    err = vp_setup_vqs(vp, nvqs, callbacks, true);
    if (!err)
        err = vp_request_msix(vp);
    if (err) {
        /* Queues are not enabled yet (see vp_find_vqs), so they can be set up again. */
        vp_del_vqs(&vp->vdev);
        pci_msix_disable(vp->pci);
        vp->msix = false;
    }
    return err;
}

/*
 * MSI-X first, INTx if that fails.  A modern queue cannot be set up again
 * once enabled (§4.1.4.3.2: queue_enable is never written 0), so setup_vq
 * leaves modern queues disabled and the modern find_vqs enables them after
 * this succeeds.
 */
int vp_find_vqs(struct virtio_device *vdev, unsigned nvqs, struct virtqueue *vqs[],
                const vq_callback_t callbacks[])
{
    struct virtio_pci_device *vp = to_vp_device(vdev);
    int err;

    if (nvqs > VP_MAX_VQS)
        return -EINVAL;
    err = vp_find_vqs_msix(vp, nvqs, callbacks);
    if (err) {
        err = vp_setup_vqs(vp, nvqs, callbacks, false);
        if (!err)
            err = pci_request_intx(vp->pci, vp_interrupt, vp, "virtio");
        if (err) {
            vp_del_vqs(vdev);
            return err;
        }
    }
    memcpy(vqs, vp->vqs, nvqs * sizeof(*vqs));
    pr_info("virtio %s: %u queues, %s", vp->bus_name, nvqs,
            vp->msix ? "MSI-X" : "INTx");
    return 0;
}

static int virtio_pci_probe(struct pci_dev *pci, const struct pci_device_id *id)
{
    struct virtio_pci_device *vp;
    int err;

    if (pci->device < VIRTIO_PCI_DEVICE_MIN || pci->device > VIRTIO_PCI_DEVICE_MAX)
        return -ENODEV;
    vp = kzalloc(sizeof(*vp));
    if (!vp)
        return -ENOMEM;
    vp->pci = pci;
    snprintf(vp->bus_name, sizeof(vp->bus_name), "%02x:%02x.%x", pci->bus,
             PCI_SLOT(pci->devfn), PCI_FUNC(pci->devfn));
    vp->vdev.bus_name = vp->bus_name;
    err = pci_enable_device(pci);
    if (err)
        goto err_free;
    /* Modern ID = 0x1040 + type; transitional IDs carry the type in Subsystem ID (§4.1.2.1). */
    vp->vdev.id = pci->device >= VIRTIO_PCI_MODERN_BASE ?
                  pci->device - VIRTIO_PCI_MODERN_BASE : pci->subsystem_device;
    err = vp_modern_probe(vp);
    if (err == -ENODEV && pci->device < VIRTIO_PCI_MODERN_BASE)
        err = vp_legacy_probe(vp);
    if (err)
        goto err_free;
    pci_set_master(pci);        /* the rings are DMA, and so are MSI-X messages */
    pci->driver_data = vp;
    register_virtio_device(&vp->vdev);
    return 0;

err_free:
    kfree(vp);
    return err;
}

static const struct pci_device_id virtio_pci_ids[] = {
    { VIRTIO_PCI_VENDOR, PCI_ANY_ID },      /* narrowed to 0x1000-0x107f in probe */
    { 0, 0 },
};

static const struct pci_driver virtio_pci_driver = {
    .name = "virtio-pci",
    .id_table = virtio_pci_ids,
    .probe = virtio_pci_probe,
};

int virtio_pci_init(void)
{
    pci_register_driver(&virtio_pci_driver);
    return 0;
}
device_initcall(virtio_pci_init);
