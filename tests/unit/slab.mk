UNIT_TESTS += slab
slab_SRCS := kernel/mm/slab.c tests/unit/host/host_pages.c
