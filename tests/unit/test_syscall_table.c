/* The syscall table (kernel/sys/table.c): handlers registered through the
 * "syscalls" section are dispatched with all six arguments; a number with no
 * handler gives -ENOSYS and one log line, naming the call, the first time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/syscall.h>

static char last_log[256];
static int nr_logs;

void printk(int level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_log, sizeof(last_log), fmt, ap);
    va_end(ap);
    nr_logs++;
}

static long fake_getpid(unsigned long a0, unsigned long a1, unsigned long a2,
                        unsigned long a3, unsigned long a4, unsigned long a5)
{
    return (long)(a0 + a1 + a2 + a3 + a4 + a5);
}
SYSCALL_DEFINE(getpid, fake_getpid);

static int setup(void **state)
{
    (void)state;
    syscall_init();             /* once: the group setup runs before all tests */
    return 0;
}

static void test_dispatch_passes_six_arguments(void **state)
{
    (void)state;
    assert_int_equal(do_syscall(__NR_getpid, 1, 2, 4, 8, 16, 32), 63);
}

static void test_names_come_from_unistd(void **state)
{
    (void)state;
    assert_string_equal(syscall_name(__NR_read), "read");
    assert_string_equal(syscall_name(__NR_io_uring_setup), "io_uring_setup");
    assert_null(syscall_name(NR_SYSCALLS + 5));
}

static void test_enosys_logged_once_by_name(void **state)
{
    (void)state;
    nr_logs = 0;
    assert_int_equal(do_syscall(__NR_io_uring_setup, 0, 0, 0, 0, 0, 0), -ENOSYS);
    assert_int_equal(nr_logs, 1);
    assert_non_null(strstr(last_log, "io_uring_setup (425) not implemented"));
    assert_int_equal(do_syscall(__NR_io_uring_setup, 0, 0, 0, 0, 0, 0), -ENOSYS);
    assert_int_equal(nr_logs, 1);
}

/* Numbers past the table (x32's bit 30, garbage) share one report and never index out of it. */
static void test_huge_numbers(void **state)
{
    (void)state;
    nr_logs = 0;
    assert_int_equal(do_syscall(0x40000000UL | __NR_read, 0, 0, 0, 0, 0, 0), -ENOSYS);
    assert_int_equal(do_syscall(~0UL, 0, 0, 0, 0, 0, 0), -ENOSYS);
    assert_int_equal(nr_logs, 1);
    assert_non_null(strstr(last_log, "1073741824 is no Linux x86-64 call"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dispatch_passes_six_arguments),
        cmocka_unit_test(test_names_come_from_unistd),
        cmocka_unit_test(test_enosys_logged_once_by_name),
        cmocka_unit_test(test_huge_numbers),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
