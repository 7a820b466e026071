/* Command-line parser (kernel/cmdline.c): Linux word syntax, `--` app args,
 * unknown and malformed words reported and skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/string.h>

static char got_level[32];
static int got_quiet;
static char reports[8][64];
static int nreports;

static int set_level(const char *v)
{
    if (!v || !*v || strspn(v, "0123456789") != strlen(v))
        return -EINVAL;
    snprintf(got_level, sizeof(got_level), "%s", v);
    return 0;
}

static int set_quiet(const char *v)
{
    if (v)
        return -EINVAL;
    got_quiet++;
    return 0;
}

static const struct kernel_param params[] = { { "loglevel", set_level }, { "quiet", set_quiet } };

static void report(const char *word, const char *why)
{
    if (nreports < 8)
        snprintf(reports[nreports++], 64, "%s: %s", word, why);
}

static int reset(void **state)
{
    (void)state;
    got_level[0] = 0;
    got_quiet = 0;
    nreports = 0;
    return 0;
}

static struct cmdline cl;

static void test_kernel_words(void **state)
{
    (void)state;
    assert_int_equal(cmdline_parse("  loglevel=3   quiet ", params, 2, &cl, report), 0);
    assert_string_equal(got_level, "3");
    assert_int_equal(got_quiet, 1);
    assert_int_equal(cl.argc, 0);
    assert_null(cl.argv[0]);
}

static void test_app_args_after_dashes(void **state)
{
    (void)state;
    assert_int_equal(cmdline_parse("quiet -- a \"b c\" -- loglevel=1", params, 2, &cl, report), 0);
    assert_int_equal(cl.argc, 4);
    assert_string_equal(cl.argv[0], "a");
    assert_string_equal(cl.argv[1], "b c");
    assert_string_equal(cl.argv[2], "--");
    assert_string_equal(cl.argv[3], "loglevel=1");
    assert_null(cl.argv[4]);
    assert_string_equal(got_level, "");     /* app words never reach kernel params */
}

static void test_quoted_value(void **state)
{
    (void)state;
    assert_int_equal(cmdline_parse("loglevel=\"7\"", params, 2, &cl, report), 0);
    assert_string_equal(got_level, "7");
}

static void test_unknown_and_malformed_reported(void **state)
{
    (void)state;
    assert_int_equal(cmdline_parse("bogus loglevel=x quiet=1 loglevel= loglevel=4", params, 2,
                                   &cl, report), 4);
    assert_int_equal(nreports, 4);
    assert_string_equal(reports[0], "bogus: unknown parameter");
    assert_string_equal(reports[1], "loglevel=x: malformed value");
    assert_string_equal(reports[2], "quiet=1: malformed value");
    assert_string_equal(reports[3], "loglevel=: malformed value");
    assert_string_equal(got_level, "4");    /* good words still apply */
    assert_int_equal(got_quiet, 0);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    assert_int_equal(cmdline_parse("quiet loglevel=\"5 6", params, 2, &cl, report), 1);
    assert_int_equal(got_quiet, 1);
    assert_string_equal(got_level, "");
    assert_string_equal(reports[0], "loglevel=5 6: unterminated quote");
}

static void test_empty_and_null(void **state)
{
    (void)state;
    assert_int_equal(cmdline_parse("", params, 2, &cl, report), 0);
    assert_int_equal(cmdline_parse(NULL, params, 2, &cl, report), 0);
    assert_int_equal(cl.argc, 0);
    assert_int_equal(nreports, 0);
}

static void test_too_many_app_args(void **state)
{
    char line[512] = "--";
    (void)state;
    for (int i = 0; i < CMDLINE_MAX_ARGS + 3; i++)
        strcat(line, " x");
    assert_int_equal(cmdline_parse(line, params, 2, &cl, report), 3);
    assert_int_equal(cl.argc, CMDLINE_MAX_ARGS);
    assert_null(cl.argv[CMDLINE_MAX_ARGS]);
}

static void test_overlong_line_is_bounded(void **state)
{
    static char line[8192];
    (void)state;
    memset(line, 'a', sizeof(line) - 1);
    assert_int_equal(cmdline_parse(line, params, 2, &cl, report), 1);
    assert_true(strlen(cl.buf) < sizeof(cl.buf));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_kernel_words, reset),
        cmocka_unit_test_setup(test_app_args_after_dashes, reset),
        cmocka_unit_test_setup(test_quoted_value, reset),
        cmocka_unit_test_setup(test_unknown_and_malformed_reported, reset),
        cmocka_unit_test_setup(test_unterminated_quote, reset),
        cmocka_unit_test_setup(test_empty_and_null, reset),
        cmocka_unit_test_setup(test_too_many_app_args, reset),
        cmocka_unit_test_setup(test_overlong_line_is_bounded, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
