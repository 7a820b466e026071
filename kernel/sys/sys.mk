# kernel/sys: the syscall table's generated name list and the syscall
# conformance program (included by the Makefile after its own rules).
#
# build/gen/syscall_names.h comes from Linux's <asm/unistd_64.h>, the same
# header the SYSCALL_DEFINE numbers come from, so names and numbers agree.
# build/conformance/syscalls is tests/conformance/syscalls.c linked with
# musl-gcc -static: tests/system/test_syscalls.py runs it on this host (the
# oracle) and in the VM (-initrd) and compares the output line by line.

UNISTD_64   ?= /usr/include/x86_64-linux-gnu/asm/unistd_64.h
SYS_NAMES_H := $(BUILD)/gen/syscall_names.h
CONFORMANCE := $(BUILD)/conformance/syscalls
MUSL_CC     ?= musl-gcc

KCFLAGS     += -I$(BUILD)/gen
HOST_CFLAGS += -I$(BUILD)/gen

$(SYS_NAMES_H): tools/gen_syscall_names.py $(UNISTD_64)
	@mkdir -p $(dir $@)
	$(PYTHON) tools/gen_syscall_names.py $(UNISTD_64) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/kernel/sys/table.c.o: $(SYS_NAMES_H)
$(BUILD)/unit/test_syscall_table: $(SYS_NAMES_H)

# -O1 keeps the checks' order as written; no sanitizers (they make syscalls
# of their own that would differ between the two kernels).
# Every tests/conformance/<name>.c (syscalls; sockets, test_sockets.py) the same way.
CONFORMANCE_ALL := $(patsubst tests/conformance/%.c,$(BUILD)/conformance/%,$(wildcard tests/conformance/*.c))
$(BUILD)/conformance/%: tests/conformance/%.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -std=gnu11 -O1 -Wall -Wextra -Werror -o $@ $<

.PHONY: conformance
conformance: $(CONFORMANCE_ALL)
system: $(CONFORMANCE_ALL)
