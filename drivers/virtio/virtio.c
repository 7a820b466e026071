/*
 * Virtio core: binds devices from the transports to device-type drivers by
 * device ID and runs the device initialisation of virtio 1.2 §3.1.1 (legacy
 * devices: §3.1.2, no FEATURES_OK).  Steps 1-6 are here; step 7 is the
 * driver's probe(); step 8 is virtio_device_ready(), which probe() calls.
 * Below: the transport's virtio_config_ops.  Above: drivers (virtio_net.c).
 */
#include <drivers/virtio.h>
#include <kernel/errno.h>
#include <kernel/printk.h>

#define MAX_VIRTIO_DRIVERS 4

static LIST_HEAD(virtio_devices);
static const struct virtio_driver *virtio_drivers[MAX_VIRTIO_DRIVERS];
static unsigned nr_virtio_drivers;

static void add_status(struct virtio_device *vdev, u8 bits)
{
    vdev->config->set_status(vdev, vdev->config->get_status(vdev) | bits);
}

/* §3.1.1 steps 4-6; 0 or -ENODEV when the device refuses our subset. */
static int negotiate_features(struct virtio_device *vdev, const struct virtio_driver *drv)
{
    u64 device = vdev->config->get_features(vdev);
    u64 wanted = drv->features;

    /* A modern device must offer VERSION_1 (§6.1); without it we would misread its layout. */
    if (!vdev->legacy) {
        if (!(device & (1ull << VIRTIO_F_VERSION_1)))
            return -ENODEV;
        wanted |= 1ull << VIRTIO_F_VERSION_1;
    }
    /* 4. Read the feature bits, write the subset we understand. */
    vdev->features = device & wanted;
    vdev->config->set_features(vdev, vdev->features);
    if (vdev->legacy)
        return 0;
    /* 5. FEATURES_OK: no new feature bits after this. */
    add_status(vdev, VIRTIO_CONFIG_S_FEATURES_OK);
    /* 6. Re-read: the device clears FEATURES_OK if it cannot work with our subset. */
    if (!(vdev->config->get_status(vdev) & VIRTIO_CONFIG_S_FEATURES_OK))
        return -ENODEV;
    return 0;
}

static void virtio_dev_probe(struct virtio_device *vdev, const struct virtio_driver *drv)
{
    int err;

    /* 1. Reset the device. */
    vdev->config->reset(vdev);
    /* 2. ACKNOWLEDGE: we noticed the device. */
    add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    /* 3. DRIVER: we know how to drive it. */
    add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
    err = negotiate_features(vdev, drv);
    /* 7. Device-specific setup, then 8. DRIVER_OK (virtio_device_ready). */
    if (!err) {
        vdev->driver = drv;
        err = drv->probe(vdev);
    }
    if (err) {
        vdev->driver = NULL;
        add_status(vdev, VIRTIO_CONFIG_S_FAILED);
        pr_warn("virtio %s: %s: probe failed (%d)", vdev->bus_name, drv->name, err);
        return;
    }
    pr_info("virtio %s: bound to %s, features %#llx", vdev->bus_name, drv->name,
            (unsigned long long)vdev->features);
}

void register_virtio_device(struct virtio_device *vdev)
{
    list_add_tail(&vdev->node, &virtio_devices);
    for (unsigned i = 0; i < nr_virtio_drivers; i++) {
        if (virtio_drivers[i]->device_id == vdev->id) {
            virtio_dev_probe(vdev, virtio_drivers[i]);
            return;
        }
    }
}

void register_virtio_driver(const struct virtio_driver *drv)
{
    struct virtio_device *vdev;

    if (nr_virtio_drivers == MAX_VIRTIO_DRIVERS) {
        pr_err("virtio: no room for driver %s", drv->name);
        return;
    }
    virtio_drivers[nr_virtio_drivers++] = drv;
    list_for_each_entry(vdev, &virtio_devices, node)
        if (!vdev->driver && vdev->id == drv->device_id)
            virtio_dev_probe(vdev, drv);
}

void virtio_device_ready(struct virtio_device *vdev)
{
    add_status(vdev, VIRTIO_CONFIG_S_DRIVER_OK);
}

void virtio_config_changed(struct virtio_device *vdev)
{
    if (vdev->driver && vdev->driver->config_changed)
        vdev->driver->config_changed(vdev);
}
