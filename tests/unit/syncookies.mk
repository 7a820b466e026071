UNIT_TESTS += syncookies
syncookies_SRCS = $(NET_TEST_SRCS)
