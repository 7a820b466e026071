UNIT_TESTS += syscall_table
syscall_table_SRCS := kernel/sys/table.c
