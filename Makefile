# The one entry point.  `make` builds build/kernel.elf; see `make help`.
#
# Kernel sources are every .c/.S under boot/ kernel/ drivers/ net/ (no list to
# edit).  Host unit tests are tests/unit/test_<name>.c plus the portable
# sources named in tests/unit/<name>.mk.

BUILD    := build
CC       ?= gcc
ifeq ($(origin CC),default)
CC       := gcc
endif
LD       := ld
PYTHON   := /usr/bin/python3
ACCEL    ?= auto
NET      ?= user
APP      ?=
VERSION  := 0.1.0
GIT_REV  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

KSRC     := $(sort $(shell find boot kernel drivers net -name '*.c' -o -name '*.S' 2>/dev/null))
KOBJ     := $(patsubst %,$(BUILD)/obj/%.o,$(KSRC))

# Freestanding, no red zone (interrupts push onto the kernel stack), no SSE in
# the kernel (the app's FPU state is saved separately), frame pointers for
# backtraces, and paths stripped for reproducible output.
KCFLAGS  := -std=gnu11 -O2 -g -ffreestanding -fno-builtin-printf -fno-stack-protector \
            -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse -mno-sse2 \
            -mno-80387 -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
            -fno-strict-aliasing -fno-common -ffile-prefix-map=$(CURDIR)/= \
            -Wall -Wextra -Werror -Wno-unused-parameter -Iinclude -MMD -MP \
            -DKERNEL_VERSION='"$(VERSION)-$(GIT_REV)"'
KASFLAGS := -Iinclude -MMD -MP -ffile-prefix-map=$(CURDIR)/= -g
KLDFLAGS := -nostdlib -static -T boot/linker.ld -z max-page-size=0x1000 --build-id=none \
            -z noexecstack

.PHONY: all iso run debug test unit system fuzz clean help deps-build deps-run deps-test
all: $(BUILD)/kernel.elf

$(BUILD)/kernel.elf: $(KOBJ) boot/linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJ)
	$(PYTHON) tools/check_image.py $@

$(BUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

# Rebuild main.o when the commit (and so the version string) changes.
$(BUILD)/obj/kernel/main.c.o: $(BUILD)/version.txt
$(BUILD)/version.txt: FORCE
	@mkdir -p $(BUILD)
	@echo "$(VERSION)-$(GIT_REV)" | cmp -s - $@ || echo "$(VERSION)-$(GIT_REV)" > $@
FORCE:

compile_commands.json: FORCE
	@$(PYTHON) tools/compile_commands.py "$(CC)" '$(KCFLAGS)' $(KSRC) > $@

# --- running -----------------------------------------------------------------
deps-%:
	@sh tools/deps.sh $*

run: deps-run
	@$(MAKE) --no-print-directory all
	@$(PYTHON) tools/qemu.py --accel $(ACCEL) --net $(NET) $(if $(PCAP),--pcap $(PCAP)) \
		$(if $(APPEND),--append "$(APPEND)")

debug: deps-run
	@$(MAKE) --no-print-directory all
	@$(PYTHON) tools/qemu.py --accel $(ACCEL) --net $(NET) --gdb $(if $(APPEND),--append "$(APPEND)")

# --- tests -------------------------------------------------------------------
HOST_CC      ?= gcc
HOST_CFLAGS  := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter \
                -DHOST_BUILD -Itests/unit/host_include -Iinclude -Itests/unit
UNIT_TESTS   :=
-include $(wildcard tests/unit/*.mk)
-include $(wildcard tests/fuzz/*.mk)
UNIT_BINS    := $(patsubst %,$(BUILD)/unit/test_%,$(UNIT_TESTS))

# Each test links only the sources (and tests/unit/host/ shims) its .mk names.
$(BUILD)/unit/test_%: tests/unit/test_%.c FORCE
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $($*_SRCS) -lcmocka

unit: deps-test
	@$(MAKE) --no-print-directory $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

system: deps-test
	@$(MAKE) --no-print-directory all iso
	$(PYTHON) -m pytest -v -p no:cacheprovider tests/system $(PYTEST_ARGS)

test: deps-test
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory system

clean:
	rm -rf $(BUILD) compile_commands.json

help:
	@echo "make            build build/kernel.elf"
	@echo "make run        boot it in QEMU (serial console here; Ctrl-A X quits)"
	@echo "make test       unit tests (host, ASan/UBSan) and system tests (QEMU)"
	@echo "make iso        build/unikernel.iso (GRUB, BIOS and UEFI)"
	@echo "make debug      QEMU halted with a gdb stub; prints the gdb command"
	@echo "variables: ACCEL=auto|kvm|tcg NET=user|tap|none APPEND='kernel args'"

-include $(KOBJ:.o=.d)
