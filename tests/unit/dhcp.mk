UNIT_TESTS += dhcp
dhcp_SRCS := net/dhcp_msg.c
