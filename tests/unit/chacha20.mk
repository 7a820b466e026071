UNIT_TESTS += chacha20
chacha20_SRCS := kernel/lib/chacha20.c
