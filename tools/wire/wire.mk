# The impairment wire (tools/wire/wire.c): a host program, built by `make`
# into build/tools/wire; tests/system/test_tcp_impair.py runs it.
WIRE_SRCS := tools/wire/wire.c tools/wire/impair.c
$(BUILD)/tools/wire: $(WIRE_SRCS) tools/wire/impair.h
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -o $@ $(WIRE_SRCS)
all: $(BUILD)/tools/wire
