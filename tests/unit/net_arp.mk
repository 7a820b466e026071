UNIT_TESTS += net_arp
net_arp_SRCS = $(NET_TEST_SRCS)
