UNIT_TESTS += tcp_ofo
tcp_ofo_SRCS = $(NET_TEST_SRCS)
