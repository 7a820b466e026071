/* httpd's request parser (apps/httpd/http_parse.c): valid requests and
 * connection defaults, every error class with its status, pipelined
 * requests split at every byte boundary, and each limit at and past its edge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../apps/httpd/http_parse.h"

static struct http_request req;

static long parse(const char *s)
{
    return http_parse(s, strlen(s), &req);
}

static void assert_path(const char *want)
{
    assert_int_equal(req.path_len, strlen(want));
    assert_memory_equal(req.path, want, strlen(want));
}

static void test_simple_get(void **state)
{
    const char *s = "GET /a/b?q=1 HTTP/1.1\r\nHost: example.com\r\nX: y\r\n\r\n";

    (void)state;
    assert_int_equal(parse(s), (long)strlen(s));
    assert_int_equal(req.method, HTTP_GET);
    assert_path("/a/b?q=1");
    assert_int_equal(req.minor, 1);
    assert_true(req.keep_alive);
    assert_true(req.has_host);
    assert_int_equal(req.nfields, 2);
    assert_int_equal(req.head_len, strlen(s));
}

static void test_methods(void **state)
{
    (void)state;
    assert_true(parse("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    assert_int_equal(req.method, HTTP_HEAD);
    assert_true(parse("POST /x HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    assert_int_equal(req.method, HTTP_OTHER);
    assert_int_equal(req.method_len, 4);
    assert_true(parse("get / HTTP/1.1\r\nHost: h\r\n\r\n") > 0);   /* case-sensitive */
    assert_int_equal(req.method, HTTP_OTHER);
    assert_true(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    assert_true(parse("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n") > 0);
}

static void test_connection_defaults(void **state)
{
    (void)state;
    assert_true(parse("GET / HTTP/1.0\r\n\r\n") > 0);              /* no Host needed */
    assert_false(req.keep_alive);
    assert_true(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") > 0);
    assert_true(req.keep_alive);
    assert_true(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n") > 0);
    assert_false(req.keep_alive);
    assert_true(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n") > 0);
    assert_true(req.keep_alive);
    assert_true(parse("GET / HTTP/1.2\r\nHost: h\r\n\r\n") > 0);   /* higher minor: 1.1 */
    assert_int_equal(req.minor, 1);
}

static void test_lenient_forms(void **state)
{
    (void)state;
    assert_true(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") > 0);  /* leading CRLFs */
    assert_true(parse("GET / HTTP/1.1\nHost: h\n\n") > 0);                 /* bare LF */
    assert_true(parse("GET http://h/p?x HTTP/1.1\r\nHost: other\r\n\r\n") > 0);
    assert_path("/p?x");
    assert_true(parse("GET https://h HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
    assert_path("/");
    assert_true(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n") > 0);     /* empty Host is valid */
    assert_true(parse("GET / HTTP/1.1\r\nHost: [::1]:80\r\nX:  a\tb  \r\n\r\n") > 0);
}

static void test_incomplete(void **state)
{
    const char *s = "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";

    (void)state;
    for (size_t n = 0; n < strlen(s); n++)
        assert_int_equal(http_parse(s, n, &req), 0);
    assert_int_equal(parse(s), (long)strlen(s));
    assert_int_equal(req.content_length, 3);
}

static void test_bad_request_line(void **state)
{
    static const char *const bad[] = {
        "GET\r\n\r\n", "GET /\r\n\r\n", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", "GET / http/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1\r\nHost: h\r\n\r\n", "GET / HTTP/1.10\r\nHost: h\r\n\r\n",
        "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", " GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET a HTTP/1.1\r\nHost: h\r\n\r\n", "GET /\x01 HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /\x80 HTTP/1.1\r\nHost: h\r\n\r\n", "GET /a\rb HTTP/1.1\r\nHost: h\r\n\r\n",
        "\x16\x03\x01\x02", "GET / HTTP/1.1\r\r\nHost: h\r\n\r\n",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        print_message("case %zu\n", i);
        assert_int_equal(parse(bad[i]), -400);
    }
}

static void test_bad_fields(void **state)
{
    static const char *const bad[] = {
        "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX : y\r\n\r\n",           /* RFC 9112 §5.1 */
        "GET / HTTP/1.1\r\nHost: h\r\nX: y\r\n  folded\r\n\r\n", /* obs-fold §5.2 */
        "GET / HTTP/1.1\r\nHost: h\r\n: y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01z\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\rz\r\n\r\n",           /* bare CR §2.2 */
        "GET / HTTP/1.1\r\nHo(st: h\r\n\r\n",
    };
    static const char nul[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        print_message("case %zu\n", i);
        assert_int_equal(parse(bad[i]), -400);
    }
    assert_int_equal(http_parse(nul, sizeof(nul) - 1, &req), -400);
}

static void test_host_rules(void **state)
{
    (void)state;
    assert_int_equal(parse("GET / HTTP/1.1\r\nX: y\r\n\r\n"), -400);     /* §3.2 */
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), -400);
}

static void test_content_length(void **state)
{
    (void)state;
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n"), -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"), -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n"), -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n"), -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n"), -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n"
                           "Content-Length: 3\r\n\r\nabc"), -400);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nab"),
                     (long)strlen("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nab"));
    assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: "
                           "99999999999999999999999999\r\n\r\n"), -413);
}

static void test_transfer_encoding(void **state)
{
    (void)state;
    assert_int_equal(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"),
                     -501);
    assert_int_equal(parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), -400);
}

static void test_version(void **state)
{
    (void)state;
    assert_int_equal(parse("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), -505);
    assert_int_equal(parse("GET / HTTP/0.9\r\n\r\n"), -505);
    assert_int_equal(parse("GET / HTTP/3.0\r\n"), -505);   /* known before the fields */
}

/* A string of n copies of c (caller frees). */
static char *fill(size_t n, char c)
{
    char *s = malloc(n + 1);

    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void test_request_line_limit(void **state)
{
    size_t target = HTTP_MAX_REQUEST_LINE - strlen("GET / HTTP/1.1");
    char *pad = fill(target, 'a'), *s = malloc(HTTP_MAX_HEAD * 2);

    (void)state;
    snprintf(s, HTTP_MAX_HEAD * 2, "GET /%s HTTP/1.1\r\nHost: h\r\n\r\n", pad);
    assert_true(parse(s) > 0);                      /* exactly at the limit */
    snprintf(s, HTTP_MAX_HEAD * 2, "GET /%sa HTTP/1.1\r\nHost: h\r\n\r\n", pad);
    assert_int_equal(parse(s), -414);
    snprintf(s, HTTP_MAX_HEAD * 2, "GET /%s", pad);
    assert_int_equal(parse(s), 0);                  /* could still end in time */
    snprintf(s, HTTP_MAX_HEAD * 2, "GET /%s HTTP/1.1x", pad);
    assert_int_equal(parse(s), -414);               /* before the line even ends */
    free(pad);
    free(s);
}

static void test_field_count_limit(void **state)
{
    char *s = malloc(HTTP_MAX_HEAD);
    size_t n = 0;

    (void)state;
    n += (size_t)sprintf(s, "GET / HTTP/1.1\r\nHost: h\r\n");
    for (int i = 1; i < HTTP_MAX_FIELDS; i++)
        n += (size_t)sprintf(s + n, "X%d: y\r\n", i);
    strcpy(s + n, "\r\n");
    assert_true(parse(s) > 0);
    assert_int_equal(req.nfields, HTTP_MAX_FIELDS);
    strcpy(s + n, "Z: z\r\n\r\n");
    assert_int_equal(parse(s), -431);
    free(s);
}

static void test_head_size_limit(void **state)
{
    const char *pre = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
    size_t room = HTTP_MAX_HEAD - strlen(pre) - 4;     /* value CRLF CRLF */
    char *pad = fill(room, 'v'), *s = malloc(HTTP_MAX_HEAD * 2);

    (void)state;
    snprintf(s, HTTP_MAX_HEAD * 2, "%s%s\r\n\r\n", pre, pad);
    assert_int_equal(parse(s), HTTP_MAX_HEAD);      /* exactly at the limit */
    snprintf(s, HTTP_MAX_HEAD * 2, "%s%sv\r\n\r\n", pre, pad);
    assert_int_equal(parse(s), -431);
    snprintf(s, HTTP_MAX_HEAD * 2, "%s%svvvv", pre, pad);
    assert_int_equal(parse(s), -431);               /* the limit reached, no end */
    snprintf(s, HTTP_MAX_HEAD * 2, "%s%s", pre, pad);
    assert_int_equal(parse(s), 0);                  /* still could fit */
    free(pad);
    free(s);
}

static void test_body_limit(void **state)
{
    char s[256];

    (void)state;
    snprintf(s, sizeof(s), "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n",
             HTTP_MAX_BODY);
    assert_int_equal(parse(s), 0);                  /* allowed: waits for the body */
    snprintf(s, sizeof(s), "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n",
             HTTP_MAX_BODY + 1);
    assert_int_equal(parse(s), -413);               /* refused before any body byte */
}

/* What loop.c does: bytes arrive in pieces; after each, parse and consume
 * every complete request.  Two pipelined requests (the first with a body),
 * split at every byte boundary, must come out whole and in order. */
static void test_pipelined_every_split(void **state)
{
    const char *s = "POST /one HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody"
                    "GET /two HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    size_t total = strlen(s);

    (void)state;
    for (size_t cut = 0; cut <= total; cut++) {
        char buf[256];
        size_t have = 0, chunks[2] = { cut, total - cut }, at = 0;
        int seen = 0;
        for (int c = 0; c < 2; c++) {
            memcpy(buf + have, s + at, chunks[c]);
            have += chunks[c];
            at += chunks[c];
            long n = 0;
            while (have && (n = http_parse(buf, have, &req)) > 0) {
                assert_path(seen == 0 ? "/one" : "/two");
                assert_int_equal(req.keep_alive, seen == 0);
                seen++;
                memmove(buf, buf + n, have - (size_t)n);
                have -= (size_t)n;
            }
            assert_true(n >= 0);
        }
        assert_int_equal(seen, 2);
        assert_int_equal(have, 0);
    }
}

/* Byte by byte: no prefix of a valid stream is ever an error. */
static void test_pipelined_byte_at_a_time(void **state)
{
    const char *s = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nHEAD /b HTTP/1.0\r\n\r\n"
                    "GET /c HTTP/1.1\nHost: h\n\n";
    char buf[256];
    size_t have = 0;
    int seen = 0;

    (void)state;
    for (size_t i = 0; s[i]; i++) {
        long n;
        buf[have++] = s[i];
        while ((n = http_parse(buf, have, &req)) > 0) {
            assert_memory_equal(req.path + 1, &"abc"[seen], 1);
            seen++;
            memmove(buf, buf + n, have - (size_t)n);
            have -= (size_t)n;
        }
        assert_int_equal(n, 0);
    }
    assert_int_equal(seen, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_get),
        cmocka_unit_test(test_methods),
        cmocka_unit_test(test_connection_defaults),
        cmocka_unit_test(test_lenient_forms),
        cmocka_unit_test(test_incomplete),
        cmocka_unit_test(test_bad_request_line),
        cmocka_unit_test(test_bad_fields),
        cmocka_unit_test(test_host_rules),
        cmocka_unit_test(test_content_length),
        cmocka_unit_test(test_transfer_encoding),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_request_line_limit),
        cmocka_unit_test(test_field_count_limit),
        cmocka_unit_test(test_head_size_limit),
        cmocka_unit_test(test_body_limit),
        cmocka_unit_test(test_pipelined_every_split),
        cmocka_unit_test(test_pipelined_byte_at_a_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
