/* Descriptor table (kernel/fs/file.c): Linux's dup/dup2/dup3/close/fcntl
 * semantics, lowest free fd first, and file lifetime by reference count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/mm.h>

static int releases;
static void count_release(struct file *f) { (void)f; releases++; }
static const struct file_operations fops = { .release = count_release };

static struct fdtable t;
static u64 heap_baseline;

static int setup(void **state)
{
    (void)state;
    releases = 0;
    fdtable_init(&t);
    heap_baseline = kmem_bytes_in_use();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fdtable_close_all(&t);
    assert_int_equal(kmem_bytes_in_use(), heap_baseline);   /* nothing leaked */
    return 0;
}

static int open_one(void)
{
    struct file *f = alloc_file(&fops, NULL, O_RDWR);
    assert_non_null(f);
    return fd_install_lowest(&t, f, 0, false);
}

static void test_lowest_free_first(void **state)
{
    (void)state;
    assert_int_equal(open_one(), 0);
    assert_int_equal(open_one(), 1);
    assert_int_equal(open_one(), 2);
    assert_int_equal(fd_close(&t, 1), 0);
    assert_int_equal(releases, 1);
    assert_int_equal(open_one(), 1);
    assert_int_equal(fd_close(&t, 1), 0);
    assert_int_equal(fd_close(&t, 1), -EBADF);
    assert_int_equal(fd_close(&t, -1), -EBADF);
    assert_int_equal(fd_close(&t, NR_OPEN_DEFAULT), -EBADF);
}

static void test_dup_shares_the_file(void **state)
{
    (void)state;
    assert_int_equal(open_one(), 0);
    assert_int_equal(fd_dup(&t, 0, 0, false), 1);
    assert_ptr_equal(t.fd[0], t.fd[1]);
    assert_int_equal(fd_close(&t, 0), 0);
    assert_int_equal(releases, 0);              /* fd 1 still holds it */
    assert_int_equal(fd_close(&t, 1), 0);
    assert_int_equal(releases, 1);
    assert_int_equal(fd_dup(&t, 7, 0, false), -EBADF);
}

static void test_dup2_dup3(void **state)
{
    (void)state;
    assert_int_equal(open_one(), 0);
    assert_int_equal(open_one(), 1);
    assert_int_equal(fd_dup3(&t, 0, 0, -1), 0);           /* dup2 same fd: no-op */
    assert_int_equal(fd_dup3(&t, 0, 0, 0), -EINVAL);      /* dup3 same fd */
    assert_int_equal(fd_dup3(&t, 0, 1, 0x1234), -EINVAL); /* dup3 bad flags */
    assert_int_equal(fd_dup3(&t, 5, 1, -1), -EBADF);
    assert_int_equal(fd_dup3(&t, 0, -2, -1), -EBADF);
    assert_int_equal(fd_dup3(&t, 0, NR_OPEN_DEFAULT, -1), -EBADF);
    assert_int_equal(fd_dup3(&t, 0, 1, -1), 1);           /* closes the old fd 1 */
    assert_int_equal(releases, 1);
    assert_ptr_equal(t.fd[0], t.fd[1]);
    assert_int_equal(fd_dup3(&t, 0, 9, O_CLOEXEC), 9);
    assert_int_equal(fd_fcntl(&t, 9, F_GETFD, 0), 1);
    assert_int_equal(fd_dup3(&t, 0, 9, -1), 9);           /* dup2 clears FD_CLOEXEC */
    assert_int_equal(fd_fcntl(&t, 9, F_GETFD, 0), 0);
}

static void test_fcntl(void **state)
{
    (void)state;
    assert_int_equal(open_one(), 0);
    assert_int_equal(fd_fcntl(&t, 0, F_DUPFD, 10), 10);
    assert_int_equal(fd_fcntl(&t, 0, F_DUPFD_CLOEXEC, 10), 11);
    assert_int_equal(fd_fcntl(&t, 11, F_GETFD, 0), 1);
    assert_int_equal(fd_fcntl(&t, 11, F_SETFD, 0), 0);
    assert_int_equal(fd_fcntl(&t, 11, F_GETFD, 0), 0);
    assert_int_equal(fd_fcntl(&t, 0, F_DUPFD, NR_OPEN_DEFAULT), -EINVAL);
    assert_int_equal(fd_fcntl(&t, 0, F_GETFL, 0), O_RDWR);
    /* F_SETFL changes O_NONBLOCK/O_APPEND only, never the access mode */
    assert_int_equal(fd_fcntl(&t, 0, F_SETFL, O_NONBLOCK | O_WRONLY), 0);
    assert_int_equal(fd_fcntl(&t, 0, F_GETFL, 0), O_RDWR | O_NONBLOCK);
    assert_int_equal(fd_fcntl(&t, 10, F_GETFL, 0), O_RDWR | O_NONBLOCK); /* shared file */
    assert_int_equal(fd_fcntl(&t, 0, 9999, 0), -EINVAL);
    assert_int_equal(fd_fcntl(&t, 3, F_GETFD, 0), -EBADF);
}

static void test_emfile(void **state)
{
    (void)state;
    for (int i = 0; i < NR_OPEN_DEFAULT; i++)
        assert_int_equal(open_one(), i);
    struct file *f = alloc_file(&fops, NULL, O_RDWR);
    assert_int_equal(fd_install_lowest(&t, f, 0, false), -EMFILE);
    fput(f);
    assert_int_equal(fd_dup(&t, 0, 0, false), -EMFILE);
    fdtable_close_all(&t);
    assert_int_equal(releases, NR_OPEN_DEFAULT + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lowest_free_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dup_shares_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dup2_dup3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fcntl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emfile, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
