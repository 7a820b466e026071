UNIT_TESTS += virtio_ring
virtio_ring_SRCS := drivers/virtio/virtio_ring.c tests/unit/host/host_pages.c
