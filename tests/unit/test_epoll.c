/* epoll (kernel/fs/eventpoll*.c) against fake pollable files on the host,
 * with the fake scheduler so epoll_wait really blocks: readiness pushed by
 * wake callbacks (never a scan), LT/ET/ONESHOT, EPOLLEXCLUSIVE waking one
 * instance per wake, a wake racing the sleep, deadlines, items dropped
 * with the file's last reference, loop/depth checks, EPERM; every test
 * ends with a leak check.  User pointers are host pointers here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/eventpoll.h>
#include <kernel/mm.h>
#include <kernel/process.h>
#include <kernel/select.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/wait.h>
#include "host/fake_clock.h"
#include "host/fake_sched.h"

struct process init_process = { .pid = 1 };

/* uaccess on the host: plain copies; a pointer in the first page plays unmapped. */
int copy_from_user(void *dst, const void *usrc, size_t n)
{
    if (n && (uintptr_t)usrc < 4096)
        return -EFAULT;
    memcpy(dst, usrc, n);
    return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
    if (n && (uintptr_t)udst < 4096)
        return -EFAULT;
    memcpy(udst, src, n);
    return 0;
}

/* A pollable file: a mask and a queue; signal() changes the mask, then wakes with it. */
struct fake {
    struct wait_queue_head wq;
    unsigned mask;
    unsigned polls;                     /* f_op->poll calls: proves nothing scans */
};

static unsigned fake_poll(struct file *f, poll_table *pt)
{
    struct fake *fk = f->private_data;

    fk->polls++;
    poll_wait(f, &fk->wq, pt);
    return fk->mask;
}

static void fake_release(struct file *f)
{
    kfree(f->private_data);
}

static const struct file_operations fake_fops = { .poll = fake_poll, .release = fake_release };
static const struct file_operations nopoll_fops = { .release = fake_release };

static struct fdtable *files(void) { return &init_process.files; }
static size_t heap_baseline;

static int open_fake(const struct file_operations *fops, struct fake **out)
{
    struct fake *fk = kzalloc(sizeof(*fk));
    struct file *f;

    assert_non_null(fk);
    init_waitqueue_head(&fk->wq);
    f = alloc_file(fops, fk, O_RDWR);
    assert_non_null(f);
    if (out)
        *out = fk;
    return fd_install_lowest(files(), f, 0, false);
}

static void signal_fake(struct fake *fk, unsigned mask)
{
    fk->mask = mask;
    wake_up_poll(&fk->wq, mask);
}

static int ctl(int ep, int op, int fd, unsigned events, u64 data)
{
    struct epoll_event ev = { .events = events, .data = data };

    return do_epoll_ctl(ep, op, fd, &ev);
}

static int wait_now(int ep, struct epoll_event *ev, int max)
{
    return do_epoll_wait(ep, ev, max, 0);
}

static int setup(void **state)
{
    sched_init();
    fake_clock_set(1000 * NSEC_PER_SEC);
    fdtable_init(files());
    heap_baseline = kmem_bytes_in_use();
    return 0;
}

static int teardown(void **state)
{
    fdtable_close_all(files());
    assert_int_equal(kmem_bytes_in_use(), heap_baseline);
    return 0;
}

static void test_level_edge_oneshot(void **state)
{
    struct epoll_event ev[4];
    struct fake *fk;
    int ep = do_epoll_create(0), fd = open_fake(&fake_fops, &fk);

    assert_int_equal(ctl(ep, EPOLL_CTL_ADD, fd, EPOLLIN, 7), 0);
    assert_int_equal(wait_now(ep, ev, 4), 0);
    signal_fake(fk, EPOLLIN);
    assert_int_equal(wait_now(ep, ev, 4), 1);
    assert_int_equal(ev[0].events, EPOLLIN);
    assert_true(ev[0].data == 7);
    assert_int_equal(wait_now(ep, ev, 4), 1);          /* level: still ready */
    fk->mask = 0;                                       /* drained without a wake */
    assert_int_equal(wait_now(ep, ev, 4), 0);

    assert_int_equal(ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLET, 8), 0);
    signal_fake(fk, EPOLLIN);
    assert_int_equal(wait_now(ep, ev, 4), 1);
    assert_int_equal(wait_now(ep, ev, 4), 0);           /* edge: reported once */
    signal_fake(fk, EPOLLIN);
    assert_int_equal(wait_now(ep, ev, 4), 1);

    assert_int_equal(ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLONESHOT, 9), 0);
    assert_int_equal(wait_now(ep, ev, 4), 1);           /* MOD found it ready */
    signal_fake(fk, EPOLLIN);
    assert_int_equal(wait_now(ep, ev, 4), 0);           /* disabled until MOD */
    assert_int_equal(ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLONESHOT, 9), 0);
    assert_int_equal(wait_now(ep, ev, 4), 1);

    /* A wake for events the item does not ask for does not queue it. */
    assert_int_equal(ctl(ep, EPOLL_CTL_MOD, fd, EPOLLOUT | EPOLLET, 10), 0);
    assert_int_equal(wait_now(ep, ev, 4), 0);
    signal_fake(fk, EPOLLIN);
    assert_int_equal(wait_now(ep, ev, 4), 0);
    signal_fake(fk, EPOLLERR);                          /* always reported */
    assert_int_equal(wait_now(ep, ev, 4), 1);
    assert_int_equal(ev[0].events, EPOLLERR);
}

/* 1000 watched files, one becomes ready: epoll_wait polls exactly that one. */
static void test_ready_list_not_scan(void **state)
{
    enum { N = 1000 };
    static struct fake *fks[N];
    struct epoll_event ev[4];
    int ep = do_epoll_create(0);
    unsigned total = 0;

    for (int i = 0; i < N; i++)
        assert_int_equal(ctl(ep, EPOLL_CTL_ADD, open_fake(&fake_fops, &fks[i]), EPOLLIN, i), 0);
    for (int i = 0; i < N; i++)
        fks[i]->polls = 0;
    signal_fake(fks[617], EPOLLIN);
    assert_int_equal(wait_now(ep, ev, 4), 1);
    assert_true(ev[0].data == 617);
    for (int i = 0; i < N; i++)
        total += fks[i]->polls;
    assert_int_equal(total, 1);
    assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 1 + 617, EPOLLIN, 0), -EEXIST);   /* found in the grown hash */
}

struct waiter {
    int ep;
    int ret;
    struct epoll_event ev;
    struct thread *t;
};

static int waiter_fn(void *arg)
{
    struct waiter *w = arg;

    w->ret = do_epoll_wait(w->ep, &w->ev, 1, WAIT_FOREVER);
    return 0;
}

static int count_running(struct waiter *w, int n)
{
    int c = 0;

    for (int i = 0; i < n; i++)
        c += w[i].t->state == TASK_RUNNING;
    return c;
}

/* N instances, one blocked thread each, all watching one file. */
static void exclusive_case(bool exclusive, int expect_per_wake)
{
    enum { N = 4 };
    struct waiter w[N];
    struct fake *fk;
    int fd = open_fake(&fake_fops, &fk);

    for (int i = 0; i < N; i++) {
        w[i] = (struct waiter){ .ep = do_epoll_create(0), .ret = -1 };
        assert_int_equal(ctl(w[i].ep, EPOLL_CTL_ADD, fd,
                             EPOLLIN | EPOLLET | (exclusive ? EPOLLEXCLUSIVE : 0), i), 0);
        w[i].t = kthread_create("ep-waiter", waiter_fn, &w[i]);
    }
    yield();
    assert_int_equal(count_running(w, N), 0);
    signal_fake(fk, EPOLLIN);
    assert_int_equal(count_running(w, N), expect_per_wake);
    for (int k = 1; k < N; k++)
        signal_fake(fk, EPOLLIN);                       /* each further wake rouses the next */
    assert_int_equal(count_running(w, N), N);
    for (int i = 0; i < N; i++) {
        assert_int_equal(kthread_join(w[i].t), 0);
        assert_int_equal(w[i].ret, 1);
        assert_true(w[i].ev.data == (u64)i);
    }
}

static void test_exclusive_wakes_one(void **state) { exclusive_case(true, 1); }
static void test_shared_wakes_all(void **state) { exclusive_case(false, 4); }

/* The wake lands after epoll_wait found nothing but before it slept: not lost. */
static struct fake *race_fk;
static void wake_in_gap(void)
{
    fake_sched_before_schedule = NULL;
    signal_fake(race_fk, EPOLLIN);
}

static void test_wake_racing_sleep(void **state)
{
    struct epoll_event ev;
    int ep = do_epoll_create(0), fd = open_fake(&fake_fops, &race_fk);

    assert_int_equal(ctl(ep, EPOLL_CTL_ADD, fd, EPOLLIN, 3), 0);
    fake_sched_before_schedule = wake_in_gap;
    assert_int_equal(do_epoll_wait(ep, &ev, 1, poll_deadline_ms(5000)), 1);
    assert_true(ev.data == 3);
}

static void test_deadline(void **state)
{
    struct epoll_event ev;
    struct fake *fk;
    int ep = do_epoll_create(0), fd = open_fake(&fake_fops, &fk);
    u64 t0 = ktime_get_ns();

    assert_int_equal(ctl(ep, EPOLL_CTL_ADD, fd, EPOLLIN, 0), 0);
    assert_int_equal(do_epoll_wait(ep, &ev, 1, poll_deadline_ms(250)), 0);
    assert_true(ktime_get_ns() - t0 >= 250 * NSEC_PER_MSEC);
    assert_int_equal(do_epoll_wait(ep, &ev, 0, 0), -EINVAL);
    assert_int_equal(do_epoll_wait(ep, (void *)16, 1, 0), 0);   /* nothing to copy */
    fk->mask = EPOLLIN;
    assert_int_equal(ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN, 0), 0);
    assert_int_equal(do_epoll_wait(ep, (void *)16, 1, 0), -EFAULT);
    assert_int_equal(do_epoll_wait(ep, &ev, 1, 0), 1);          /* still queued after EFAULT */
}

/* Items go with the file's last reference (dups keep them), and unhook from its queue. */
static void test_last_reference_removes(void **state)
{
    struct epoll_event ev;
    struct fake *fk;
    int ep1 = do_epoll_create(0), ep2 = do_epoll_create(0);
    int fd = open_fake(&fake_fops, &fk), dupfd = fd_dup(files(), fd, 0, false);

    assert_int_equal(ctl(ep1, EPOLL_CTL_ADD, fd, EPOLLIN, 1), 0);
    assert_int_equal(ctl(ep1, EPOLL_CTL_ADD, dupfd, EPOLLIN, 2), 0);   /* (file, fd) pairs */
    assert_int_equal(ctl(ep2, EPOLL_CTL_ADD, fd, EPOLLIN, 3), 0);
    assert_int_equal(fd_close(files(), fd), 0);
    signal_fake(fk, EPOLLIN);
    assert_int_equal(do_epoll_wait(ep1, (struct epoll_event[2]){ 0 }, 2, 0), 2);
    fk->mask = 0;
    assert_int_equal(fd_close(files(), dupfd), 0);      /* frees fk: its queue must be empty */
    assert_int_equal(wait_now(ep1, &ev, 1), 0);
    assert_int_equal(wait_now(ep2, &ev, 1), 0);
}

static void test_epoll_of_epoll(void **state)
{
    int e[6], efd;
    struct fake *fk;
    struct epoll_event ev;

    for (int i = 0; i < 6; i++)
        e[i] = do_epoll_create(0);
    efd = open_fake(&fake_fops, &fk);
    assert_int_equal(ctl(e[0], EPOLL_CTL_ADD, efd, EPOLLIN, 100), 0);
    for (int i = 1; i <= 4; i++)                        /* e4 -> e3 -> ... -> e0: depth 4 */
        assert_int_equal(ctl(e[i], EPOLL_CTL_ADD, e[i - 1], EPOLLIN, (u64)i), 0);
    assert_int_equal(ctl(e[5], EPOLL_CTL_ADD, e[4], EPOLLIN, 5), -ELOOP);
    assert_int_equal(ctl(e[0], EPOLL_CTL_ADD, e[3], EPOLLIN, 0), -ELOOP);     /* cycle */
    assert_int_equal(ctl(e[0], EPOLL_CTL_ADD, e[0], EPOLLIN, 0), -EINVAL);
    signal_fake(fk, EPOLLIN);                           /* wakes climb every level */
    assert_int_equal(wait_now(e[4], &ev, 1), 1);
    assert_true(ev.data == 4);
    assert_int_equal(fd_close(files(), e[2]), 0);       /* items hold no reference: e2 goes */
    assert_int_equal(wait_now(e[4], &ev, 1), 0);        /* and with it e3's only item */
}

static void test_errors(void **state)
{
    int ep = do_epoll_create(0), fd = open_fake(&fake_fops, NULL);
    int nopoll = open_fake(&nopoll_fops, NULL);

    assert_int_equal(do_epoll_create(1), -EINVAL);
    assert_int_equal(ctl(ep, EPOLL_CTL_ADD, nopoll, EPOLLIN, 0), -EPERM);
    assert_int_equal(ctl(fd, EPOLL_CTL_ADD, ep, EPOLLIN, 0), -EINVAL);
    assert_int_equal(ctl(ep, EPOLL_CTL_ADD, 99, EPOLLIN, 0), -EBADF);
    assert_int_equal(ctl(ep, EPOLL_CTL_DEL, fd, 0, 0), -ENOENT);
    assert_int_equal(ctl(ep, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLEXCLUSIVE, 0), 0);
    assert_int_equal(ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN, 0), -EINVAL);
    assert_int_equal(ctl(ep, 0, fd, EPOLLIN, 0), -EINVAL);
    assert_int_equal(ctl(ep, EPOLL_CTL_DEL, fd, 0, 0), 0);
    assert_int_equal(do_epoll_wait(fd, (struct epoll_event[1]){ 0 }, 1, 0), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_level_edge_oneshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ready_list_not_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exclusive_wakes_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_wakes_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wake_racing_sleep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_reference_removes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_epoll_of_epoll, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
