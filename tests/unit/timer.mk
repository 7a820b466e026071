UNIT_TESTS += timer
timer_SRCS := kernel/timer.c tests/unit/host/fake_clock.c tests/unit/host/host_irq.c
