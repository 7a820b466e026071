UNIT_TESTS += procfs
procfs_SRCS := kernel/fs/seq_file.c kernel/mm/slab.c tests/unit/host/host_pages.c
