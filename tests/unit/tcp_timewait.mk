UNIT_TESTS += tcp_timewait
tcp_timewait_SRCS = $(NET_TEST_SRCS) tests/unit/host/tcp_peer.c
