# The one entry point.  `make` builds build/kernel.elf; `make help` lists the rest.
#
# Kernel sources are every .c/.S under boot/ kernel/ drivers/ net/ (no list to
# edit).  Host unit tests are tests/unit/test_<name>.c plus the portable
# sources named in tests/unit/<name>.mk (UNIT_TESTS += name; name_SRCS := ...);
# fuzz targets come from tests/fuzz/*.mk.  Every target that needs Debian
# packages first runs tools/deps.sh, which installs them as root and otherwise
# prints the exact `sudo apt-get install ...` line and stops.
#
# Output is reproducible: no timestamps or absolute paths in kernel.elf (two
# clean builds, even from different directories, are byte-identical), and the
# ISO is built with its clock pinned to the last commit (SOURCE_DATE_EPOCH).

BUILD    := build
CC       ?= gcc
ifeq ($(origin CC),default)
CC       := gcc
endif
LD       := ld
PYTHON   := /usr/bin/python3
ACCEL    ?= auto
NET      ?= user
APPEND   ?=
PCAP     ?=
INITRD   ?=
APP      ?=
VERSION  := 0.1.0
GIT_REV  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

KSRC     := $(sort $(shell find boot kernel drivers net -name '*.c' -o -name '*.S' 2>/dev/null))
KOBJ     := $(patsubst %,$(BUILD)/obj/%.o,$(KSRC))

# No absolute paths in the output: the checkout is ".", and a build directory
# elsewhere (make BUILD=/tmp/x; generated headers live there) is "build".
PREFIX_MAP := -ffile-prefix-map=$(CURDIR)=. -ffile-prefix-map=$(abspath $(BUILD))=build

# Freestanding, no red zone (interrupts push onto the kernel stack), no SSE in
# the kernel (the app's FPU state is saved separately), frame pointers for
# backtraces, and paths stripped for reproducible output.
KCFLAGS  := -std=gnu11 -O2 -g -ffreestanding -fno-builtin-printf -fno-stack-protector \
            -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse -mno-sse2 \
            -mno-80387 -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
            -fno-strict-aliasing -fno-common $(PREFIX_MAP) \
            -Wall -Wextra -Werror -Wno-unused-parameter -Iinclude -MMD -MP \
            -DKERNEL_VERSION='"$(VERSION)-$(GIT_REV)"'
KASFLAGS := -Iinclude -MMD -MP $(PREFIX_MAP) -g
KLDFLAGS := -nostdlib -static -T boot/linker.ld -z max-page-size=0x1000 --build-id=none \
            -z noexecstack

.PHONY: all iso run run-iso debug bench-boot test unit system fuzz clean help FORCE
all: $(BUILD)/kernel.elf

# --- Debian packages (tools/deps.sh build|run|iso|test|bench) ---------------
# Order-only, so they run once, before anything is compiled, even under -j.
.PHONY: deps-build deps-run deps-iso deps-test deps-bench
deps-build deps-run deps-iso deps-test deps-bench:
	@sh tools/deps.sh $(@:deps-%=%)

# --- the kernel --------------------------------------------------------------
$(BUILD)/kernel.elf: $(KOBJ) boot/linker.ld $(BUILD)/flags.txt
	$(LD) $(KLDFLAGS) -o $@ $(KOBJ)
	$(PYTHON) tools/check_image.py $@

$(KOBJ): | deps-build

$(BUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

# Rebuild main.o when the commit (and so the version string) changes, and
# everything when the compiler or its flags change (make CC=clang after gcc).
$(BUILD)/obj/kernel/main.c.o: $(BUILD)/version.txt
$(BUILD)/version.txt: FORCE
	@mkdir -p $(BUILD)
	@echo "$(VERSION)-$(GIT_REV)" | cmp -s - $@ || echo "$(VERSION)-$(GIT_REV)" > $@
shq = '$(subst ','\'',$(1))'
KFLAGS_ID := $(CC) $(filter-out -DKERNEL_VERSION=%,$(KCFLAGS)) $(KASFLAGS) $(LD) $(KLDFLAGS)
$(KOBJ): $(BUILD)/flags.txt
$(BUILD)/flags.txt: FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' $(call shq,$(KFLAGS_ID)) | cmp -s - $@ || printf '%s\n' $(call shq,$(KFLAGS_ID)) > $@
FORCE:

# --- the GRUB image ----------------------------------------------------------
# grub-mkrescue stamps the volume with the current time and embeds it as the
# UUID GRUB searches for, the EFI FAT image takes its serial and dates from
# the clock, and xorriso copies file dates: pinning the clock (faketime) to
# SOURCE_DATE_EPOCH makes all of them, and so the ISO, reproducible.
ISO_DATE := $(shell TZ=UTC date -d @$(SOURCE_DATE_EPOCH) '+%Y-%m-%d %H:%M:%S' 2>/dev/null)
iso: $(BUILD)/unikernel.iso
$(BUILD)/unikernel.iso: $(BUILD)/kernel.elf $(BUILD)/apps/hello $(BUILD)/apps/echo boot/grub.cfg | deps-iso
	rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	cp $(BUILD)/kernel.elf $(BUILD)/iso/boot/kernel.elf
	cp $(BUILD)/apps/hello $(BUILD)/apps/echo $(BUILD)/iso/boot/
	cp boot/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	TZ=UTC faketime -f '$(ISO_DATE)' grub-mkrescue -o $@ $(BUILD)/iso -- \
		-volume_date all_file_dates =$(SOURCE_DATE_EPOCH) 2>$(BUILD)/iso.log \
		|| { cat $(BUILD)/iso.log; exit 1; }

# --- running -----------------------------------------------------------------
QEMU_OPTS = --accel $(ACCEL) --net $(NET) $(if $(PCAP),--pcap $(PCAP)) \
            $(if $(APPEND),--append "$(APPEND)") $(if $(INITRD),--initrd $(INITRD))

run: deps-run
	@$(MAKE) --no-print-directory all
	@$(PYTHON) tools/qemu.py $(QEMU_OPTS)

run-iso: deps-run
	@$(MAKE) --no-print-directory iso
	@$(PYTHON) tools/qemu.py --iso $(BUILD)/unikernel.iso $(if $(UEFI),--uefi) $(QEMU_OPTS)

debug: deps-run
	@$(MAKE) --no-print-directory all
	@$(PYTHON) tools/qemu.py --gdb $(QEMU_OPTS)

bench-boot: deps-bench
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/bench_boot.py

# --- tests -------------------------------------------------------------------
HOST_CC      ?= gcc
HOST_CFLAGS  := -std=gnu11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter \
                -DHOST_BUILD -Itests/unit/host_include -Iinclude -Itests/unit
UNIT_TESTS   :=
-include $(wildcard tests/unit/*.mk)
-include $(wildcard tests/fuzz/*.mk)
UNIT_BINS    := $(patsubst %,$(BUILD)/unit/test_%,$(UNIT_TESTS))

# Each test links only the sources (and tests/unit/host/ shims) its .mk
# names; it is rebuilt when any of them, or a header they include, changes.
.SECONDEXPANSION:
$(BUILD)/unit/test_%: tests/unit/test_%.c $$($$*_SRCS) | deps-test
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -MF $@.d -o $@ $< $($*_SRCS) -lcmocka

unit: deps-test
	@$(MAKE) --no-print-directory $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

system: deps-test
	@$(MAKE) --no-print-directory all iso
	ACCEL=$(ACCEL) $(PYTHON) -m pytest -v -p no:cacheprovider tests/system $(PYTEST_ARGS)

# Every test: unit first (fast, and a broken portable layer shows up there),
# then the system tests; a failing unit test does not hide system results.
test: deps-test
	@rc=0; $(MAKE) --no-print-directory unit || rc=1; \
	$(MAKE) --no-print-directory system || rc=1; exit $$rc

# Flags reach the script shell-quoted (shq) as written here, so that its
# shlex split gives the very argv the compiler gets (the version's quotes).
compile_commands.json: FORCE
	@$(PYTHON) tools/compile_commands.py -- $(call shq,$(CC)) $(call shq,$(KCFLAGS)) $(KSRC) \
		$(foreach t,$(UNIT_TESTS),-- $(call shq,$(HOST_CC)) $(call shq,$(HOST_CFLAGS)) \
		tests/unit/test_$(t).c $($(t)_SRCS)) > $@

clean:
	rm -rf $(BUILD) compile_commands.json

help:
	@echo "make                 build build/kernel.elf (installs build deps as root)"
	@echo "make run             boot it in QEMU, serial console here (Ctrl-A X quits);"
	@echo "                     host port 8080 is forwarded to guest port 80"
	@echo "make test            every test: unit (host, ASan/UBSan) then system (QEMU)"
	@echo "make unit | system   one half of make test (PYTEST_ARGS='-k banner' narrows)"
	@echo "make iso             build/unikernel.iso (GRUB, hybrid, BIOS and UEFI)"
	@echo "make run-iso         boot the ISO under SeaBIOS (UEFI=1: under OVMF)"
	@echo "make debug           QEMU halted with a gdb stub; prints the gdb command"
	@echo "make bench-boot      boot-time table (median of 10 runs)"
	@echo "make bench           ours vs a Linux guest, same app binaries, 5 rounds;"
	@echo "                     BENCHMARKS.md and build/bench.json (bench-quick: 1 round)"
	@echo "make profile         sample the guest under one bench load (PROFILE_LOAD=http|"
	@echo "                     http-close|rx|tx|rr) and print key p's per-layer cycles"
	@echo "make fuzz            libFuzzer on the host-built receive path (FUZZ_SECONDS=60)"
	@echo "make compile_commands.json   for clangd and other editors"
	@echo "make clean           remove build/"
	@echo "variables: ACCEL=auto|kvm|tcg  NET=user|tap|none  PCAP=file.pcap"
	@echo "           APP=httpd|echo|hello|<none>  APPEND='kernel args'  INITRD=app.elf"
	@echo "           CC=gcc|clang"
	@echo "           TEST_TIMEOUT_SCALE=2 (slow machines)"

# App builds and the built-in app image (apps/apps.mk); syscall-name generation (kernel/sys/sys.mk).
-include apps/apps.mk
-include kernel/sys/sys.mk
-include tools/bench/bench.mk
-include tools/wire/wire.mk

-include $(KOBJ:.o=.d) $(UNIT_BINS:=.d)
