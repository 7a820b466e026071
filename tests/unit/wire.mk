UNIT_TESTS += wire
wire_SRCS := tools/wire/impair.c
