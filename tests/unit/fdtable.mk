UNIT_TESTS += fdtable
fdtable_SRCS := kernel/fs/file.c kernel/mm/slab.c tests/unit/host/host_pages.c
