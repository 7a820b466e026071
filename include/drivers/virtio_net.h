/* virtio-net (virtio 1.2 §5.1): the driver for the composition root. */
#ifndef DRIVERS_VIRTIO_NET_H
#define DRIVERS_VIRTIO_NET_H

/*
 * Register the virtio-net driver with the virtio core: every virtio network
 * device found (before or after) becomes eth0, eth1, ... in the stack.
 * Call after net_init(); pair with virtio_pci_init() (either order), and
 * call net_config() after both.
 */
void virtio_net_init(void);

#endif
