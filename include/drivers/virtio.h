/*
 * Virtio devices and drivers (virtio 1.2 §2-§3), transport-independent.
 * A transport (virtio-pci modern or legacy) registers a virtio_device with
 * its config ops; a device-type driver (virtio-net) registers a
 * virtio_driver; the core (drivers/virtio/virtio.c) matches them by device
 * ID and runs the initialisation sequence of §3.1.1.  Bit and status values
 * come from <linux/virtio_config.h>.
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <drivers/virtio_ring.h>
#include <kernel/list.h>
#include <linux/virtio_config.h>

struct virtio_device;

/* What a transport provides (virtio 1.2 §4.1.4, §4.1.5).  Every value is host order. */
struct virtio_config_ops {
    u8 (*get_status)(struct virtio_device *vdev);
    /* Write the device status byte; the caller ORs in bits (§2.1). */
    void (*set_status)(struct virtio_device *vdev, u8 status);
    /* Write 0 and wait until the device reads back 0 (§2.4.1). */
    void (*reset)(struct virtio_device *vdev);
    u64 (*get_features)(struct virtio_device *vdev);
    void (*set_features)(struct virtio_device *vdev, u64 features);
    /* Copy `len` bytes of device-specific config at `off`, consistently (§2.5.1). */
    void (*get_config)(struct virtio_device *vdev, unsigned off, void *buf, unsigned len);
    /*
     * Create queues 0..nvqs-1 with callbacks[i] (called in hard IRQ context)
     * and hook up the interrupts: MSI-X, one vector per queue plus one for
     * config changes, or the shared INTx line.  0 or -errno, nothing left
     * allocated on error.
     */
    int (*find_vqs)(struct virtio_device *vdev, unsigned nvqs, struct virtqueue *vqs[],
                    const vq_callback_t callbacks[]);
    /* Free the queues; the device must be reset first. */
    void (*del_vqs)(struct virtio_device *vdev);
};

struct virtio_driver;

/* One virtio device, embedded in the transport's own struct. */
struct virtio_device {
    u32 id;                                 /* device type, VIRTIO_ID_* (<linux/virtio_ids.h>) */
    u64 features;                           /* negotiated VIRTIO_F_* / device bits */
    bool legacy;                            /* pre-1.0 transport: no FEATURES_OK step */
    const char *bus_name;                   /* "00:03.0": for log lines */
    const struct virtio_config_ops *config;
    const struct virtio_driver *driver;     /* bound driver, NULL if none */
    void *priv;                             /* the driver's */
    struct list_head node;                  /* on the core's device list */
};

/*
 * A device-type driver.  `features` are the bits it handles; the core
 * negotiates device & features (plus VIRTIO_F_VERSION_1 on modern devices).
 * probe() does §3.1.1 step 7 (queues, config) and ends with
 * virtio_device_ready(); 0 or -errno.  config_changed() runs in hard IRQ
 * context (§4.1.4.5): it may only note the change and schedule work.
 */
struct virtio_driver {
    const char *name;
    u32 device_id;
    u64 features;
    int (*probe)(struct virtio_device *vdev);
    void (*config_changed)(struct virtio_device *vdev);
};

/* Transport side: add a device and probe it with a matching driver, if one is registered. */
void register_virtio_device(struct virtio_device *vdev);
/* Driver side: probe every unbound device with our ID, and later ones too. */
void register_virtio_driver(const struct virtio_driver *drv);
/* §3.1.1 step 8: set DRIVER_OK; the device is live. */
void virtio_device_ready(struct virtio_device *vdev);
/* Transport's interrupt: the configuration changed (hard IRQ context). */
void virtio_config_changed(struct virtio_device *vdev);

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned bit)
{
    return vdev->features & (1ull << bit);
}

/* Read field `member` of the device's config struct `type` into *ptr. */
#define virtio_cread(vdev, type, member, ptr)                                   \
    (vdev)->config->get_config((vdev), offsetof(type, member), (ptr),          \
                               sizeof(((type *)0)->member))

/*
 * The virtio-pci transport: registers the PCI driver that turns every
 * virtio PCI function into a virtio_device.  A device_initcall (runs after
 * pci_init); 0.
 */
int virtio_pci_init(void);

#endif
