UNIT_TESTS += tcp_cong
tcp_cong_SRCS = $(NET_TEST_SRCS)
