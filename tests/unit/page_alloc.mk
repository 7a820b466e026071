UNIT_TESTS += page_alloc
page_alloc_SRCS := kernel/mm/page_alloc.c tests/unit/host/host_irq.c
