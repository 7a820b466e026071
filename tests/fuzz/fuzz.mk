# libFuzzer target for the network receive path: `make fuzz` builds
# build/fuzz/fuzz_rx and runs it for FUZZ_SECONDS on a working corpus seeded
# from tests/fuzz/corpus/rx (regenerate seeds: python3 tests/fuzz/make_corpus.py).
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter \
                -DHOST_BUILD -Itests/unit/host_include -Iinclude -Itests/unit

$(BUILD)/fuzz/fuzz_rx: tests/fuzz/fuzz_rx.c FORCE
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(NET_TEST_SRCS)

fuzz: $(BUILD)/fuzz/fuzz_rx
	@mkdir -p $(BUILD)/fuzz/corpus-rx
	$(BUILD)/fuzz/fuzz_rx -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-max_len=16384 $(BUILD)/fuzz/corpus-rx tests/fuzz/corpus/rx
