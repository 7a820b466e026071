# Sources every network-stack host test (and the fuzzer) links.
# (recursive "=": the other net_*.mk files, included in name order, use it)
NET_TEST_SRCS = $(wildcard net/*.c) kernel/mm/slab.c kernel/timer.c kernel/softirq.c \
                 tests/unit/host/host_pages.c tests/unit/host/host_irq.c \
                 tests/unit/host/fake_clock.c tests/unit/host/fake_netdev.c \
                 kernel/sched/wait.c tests/unit/host/fake_sched.c kernel/fs/file.c \
                 kernel/lib/chacha20.c tests/unit/host/host_net_env.c kernel/fs/seq_file.c
UNIT_TESTS += net_core
net_core_SRCS = $(NET_TEST_SRCS)
