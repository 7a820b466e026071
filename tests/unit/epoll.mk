UNIT_TESTS += epoll
epoll_SRCS := kernel/fs/eventpoll.c kernel/fs/eventpoll_ctl.c kernel/fs/eventpoll_wait.c kernel/fs/select.c kernel/fs/file.c \
              kernel/sched/wait.c kernel/mm/slab.c tests/unit/host/host_pages.c \
              tests/unit/host/fake_sched.c tests/unit/host/fake_clock.c tests/unit/host/host_irq.c
