UNIT_TESTS += e1000
e1000_SRCS = drivers/e1000/e1000_hw.c drivers/e1000/e1000_ring.c $(NET_TEST_SRCS)
