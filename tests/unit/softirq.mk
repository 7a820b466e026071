UNIT_TESTS += softirq
softirq_SRCS := kernel/softirq.c tests/unit/host/host_irq.c
