UNIT_TESTS += tcp_core
tcp_core_SRCS = $(NET_TEST_SRCS) tests/unit/host/tcp_peer.c
