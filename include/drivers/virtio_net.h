/* virtio-net (virtio 1.2 §5.1): the driver for the composition root. */
#ifndef DRIVERS_VIRTIO_NET_H
#define DRIVERS_VIRTIO_NET_H

/*
 * Register the virtio-net driver with the virtio core: every virtio network
 * device found (before or after) becomes eth0, eth1, ... in the stack.
 * A device_initcall: runs after net_init() and before net_config(); 0.
 */
int virtio_net_init(void);

#endif
