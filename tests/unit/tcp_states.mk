UNIT_TESTS += tcp_states
tcp_states_SRCS = $(NET_TEST_SRCS) tests/unit/host/tcp_peer.c
