UNIT_TESTS += net_ipv4
net_ipv4_SRCS = $(NET_TEST_SRCS)
