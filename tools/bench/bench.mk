# `make bench` / `make bench-quick` (included by the Makefile; owned by the
# benchmark: tools/bench/).  The host-side clients are built with the host
# gcc -O2, the stand-in app (idle) with musl like every app, into build/bench/.
# The Linux guest (build/linux/) is downloaded and unpacked by bench.py
# through tools/bench/linux_guest.py.  Apps that fail to build (work in
# progress) do not stop the run: their figures come out n/a.

BENCH_DIR     := $(BUILD)/bench
BENCH_CLIENTS := $(patsubst tools/bench/%.c,$(BENCH_DIR)/%,$(filter-out tools/bench/idle.c,$(wildcard tools/bench/*.c)))
BENCH_BINS    := $(BENCH_CLIENTS) $(BENCH_DIR)/idle

$(BENCH_CLIENTS): $(BENCH_DIR)/%: tools/bench/%.c tools/bench/common.h | deps-build
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -o $@ $<

$(BENCH_DIR)/idle: tools/bench/idle.c | deps-build
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(APP_CFLAGS) -o $@ $<

.PHONY: bench bench-quick bench-tools profile
bench-tools: $(BENCH_BINS)

bench bench-quick: deps-bench
	@$(MAKE) --no-print-directory all bench-tools
	-@$(MAKE) --no-print-directory -k apps
	$(PYTHON) tools/bench/bench.py $(if $(filter bench-quick,$@),--quick) $(BENCH_ARGS)

# `make profile PROFILE_LOAD=http|http-close|rx|tx|rr`: sample the guest's
# vCPU through QEMU's gdb stub under one benchmark load, and print the
# kernel's per-layer TSC counters (tools/bench/profile.py).
PROFILE_LOAD ?= http
profile: deps-bench
	@$(MAKE) --no-print-directory all bench-tools
	@$(MAKE) --no-print-directory apps
	$(PYTHON) tools/bench/profile.py --load $(PROFILE_LOAD) $(PROFILE_ARGS)
