UNIT_TESTS += elf
elf_SRCS := kernel/exec/elf.c
