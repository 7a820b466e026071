UNIT_TESTS += wait
wait_SRCS := kernel/sched/wait.c tests/unit/host/fake_sched.c tests/unit/host/fake_clock.c \
             tests/unit/host/host_irq.c
