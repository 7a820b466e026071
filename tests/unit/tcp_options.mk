UNIT_TESTS += tcp_options
tcp_options_SRCS = $(NET_TEST_SRCS)
