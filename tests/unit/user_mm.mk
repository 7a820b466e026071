UNIT_TESTS += user_mm
user_mm_SRCS := kernel/user/vma.c kernel/exec/layout.c kernel/mm/slab.c tests/unit/host/host_pages.c
