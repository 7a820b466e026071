UNIT_TESTS += procfs
# The whole stack (NET_TEST_SRCS, net_core.mk) for net/proc_net.c's row formatters.
procfs_SRCS = $(NET_TEST_SRCS)
