/* The portable half of /proc (kernel/fs/seq_file.c): path resolution with
 * Linux's errors (checked against this host's /proc in tests/apps/procfs.c
 * too), seq_pad, and proc_generate growing its buffer past the first page,
 * with a leak check after each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/procfs.h>
#include <kernel/string.h>

static int show_small(struct seq_buf *m) { seq_puts(m, "x\n"); return 0; }
static int show_failing(struct seq_buf *m) { return -EIO; }

/* 10,000 lines of 20 bytes: several doublings of the 4 KiB first buffer. */
static int show_big(struct seq_buf *m)
{
    for (int i = 0; i < 10000; i++)
        seq_printf(m, "line %014d\n", i);
    return 0;
}

static int show_huge(struct seq_buf *m)
{
    for (unsigned i = 0; i < PROC_MAX_BYTES / 16 + 1; i++)
        seq_puts(m, "0123456789abcde\n");
    return 0;
}

static struct proc_entry tcp = { .path = "/proc/net/tcp", .show = show_small };
static struct proc_entry meminfo = { .path = "/proc/meminfo", .show = show_small };
static u64 heap_baseline;

static int setup(void **state)
{
    static bool registered;

    if (!registered) {
        assert_int_equal(proc_register(&tcp), 0);
        assert_int_equal(proc_register(&meminfo), 0);
        registered = true;
    }
    heap_baseline = kmem_bytes_in_use();
    return 0;
}

static int teardown(void **state)
{
    assert_int_equal(kmem_bytes_in_use(), heap_baseline);
    return 0;
}

static void test_register_twice(void **state)
{
    struct proc_entry again = { .path = "/proc/net/tcp", .show = show_small };

    assert_int_equal(proc_register(&again), -EEXIST);
}

static void expect(const char *path, struct proc_entry *want, int err)
{
    int got = 0;
    struct proc_entry *e = proc_lookup(path, &got);

    assert_ptr_equal(e, want);
    if (!want)
        assert_int_equal(got, err);
}

static void test_lookup(void **state)
{
    expect("/proc/net/tcp", &tcp, 0);
    expect("proc/net/tcp", &tcp, 0);                /* the cwd is "/" */
    expect("//proc/./net//tcp", &tcp, 0);
    expect("/proc/net/../net/tcp", &tcp, 0);
    expect("/../../proc/meminfo", &meminfo, 0);     /* ".." at the root stays there */
    expect("/proc/net/udp", NULL, -ENOENT);
    expect("/proc/net", NULL, -ENOENT);             /* directories do not open here */
    expect("/proc/net/", NULL, -ENOENT);
    expect("/", NULL, -ENOENT);
    expect("/proc/net/tcp/", NULL, -ENOTDIR);
    expect("/proc/net/tcp/.", NULL, -ENOTDIR);
    expect("/proc/net/tcp/x", NULL, -ENOTDIR);
    expect("/nope/../proc/meminfo", NULL, -ENOENT);   /* every directory on the way must exist */
    expect("/proc/nope/x", NULL, -ENOENT);
    expect("/proc/net/tcpx", NULL, -ENOENT);
    expect("/proc/net/tc", NULL, -ENOENT);
}

static void test_long_path(void **state)
{
    char path[512];

    memset(path, 'a', sizeof(path) - 1);
    path[0] = '/';
    path[sizeof(path) - 1] = '\0';
    expect(path, NULL, -ENOENT);
}

static void test_pad(void **state)
{
    char buf[64];
    struct seq_buf m = { .buf = buf, .size = sizeof(buf) };

    seq_puts(&m, "ab");
    seq_pad(&m, 0, 8);
    seq_puts(&m, "0123456789");
    seq_pad(&m, 9, 8);                  /* longer than the width: just the newline */
    assert_false(seq_has_overflowed(&m));
    assert_int_equal(m.len, 20);
    assert_memory_equal(buf, "ab      \n0123456789\n", 20);
}

static void test_overflow_marks_full(void **state)
{
    char buf[8];
    struct seq_buf m = { .buf = buf, .size = sizeof(buf) };

    seq_puts(&m, "0123456789");
    assert_true(seq_has_overflowed(&m));
    seq_puts(&m, "more");
    assert_int_equal(m.len, m.size);
}

static void test_generate_grows(void **state)
{
    char *text, want[32];
    size_t len;

    assert_int_equal(proc_generate(show_big, &text, &len), 0);
    assert_int_equal(len, 10000 * 20);
    snprintf(want, sizeof(want), "line %014d\n", 9999);
    assert_memory_equal(text + len - 20, want, 20);
    kfree(text);
}

static void test_generate_errors(void **state)
{
    char *text = NULL;
    size_t len = 0;

    assert_int_equal(proc_generate(show_failing, &text, &len), -EIO);
    assert_int_equal(proc_generate(show_huge, &text, &len), -EFBIG);
    assert_null(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_register_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overflow_marks_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generate_grows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generate_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
