UNIT_TESTS += tcp_isn
tcp_isn_SRCS = $(NET_TEST_SRCS)
