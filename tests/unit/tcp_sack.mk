UNIT_TESTS += tcp_sack
tcp_sack_SRCS = $(NET_TEST_SRCS) tests/unit/host/tcp_peer.c
