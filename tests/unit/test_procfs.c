/* The portable half of /proc (kernel/fs/seq_file.c): path resolution with
 * Linux's errors (checked against this host's /proc in tests/apps/procfs.c
 * too), seq_pad, and proc_generate growing its buffer past the first page;
 * and the rows of /proc/net/tcp and /proc/net/udp (net/proc_net.c), pinned
 * to the bytes the seq_printf formats printed and compared with those
 * formats (through the C library) on random rows.  A leak check after each
 * test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/procfs.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <net/inet_sock.h>
#include <net/proc_net.h>
#include <net/wire/ip.h>

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

/* ---- /proc/net/tcp and /proc/net/udp rows ------------------------------- */

#define TCP_ROW_WIDTH   149
#define UDP_ROW_WIDTH   127
#define MS              NSEC_PER_MSEC
#define IP(a, b, c, d)  ((__be32_t)((a) | (b) << 8 | (c) << 16 | (u32)(d) << 24))

/* A row's text before Linux's padding; `sl` is only for /proc/net/tcp. */
struct row_case {
    unsigned sl;
    struct sock_row r;
    const char *want;
};

static const struct row_case tcp_cases[] = {
    {   /* httpd's listener, two connections waiting in accept() */
        0, { .obj = (void *)0x1000, .kind = ROW_FULL, .proto = IPPROTO_TCP, .state = TCP_LISTEN,
             .lport = 80, .rx_queue = 2, .refcnt = 2, .inode = 0x1234567, .rto_ns = 1000 * MS,
             .cwnd = 10, .max_backlog = 128 },
        "   0: 00000000:0050 00000000:0000 0A 00000000:00000002 00:00000000 00000000"
        "     0        0 19088743 2 00000000779b97f4 100 0 0 10 0",
    },
    {   /* established, a segment in flight on the RTO timer */
        1, { .obj = (void *)0x7f0012345678, .kind = ROW_FULL, .proto = IPPROTO_TCP,
             .state = TCP_ESTABLISHED, .laddr = IP(10, 0, 2, 15), .lport = 80,
             .raddr = IP(10, 0, 2, 2), .rport = 51234, .tx_queue = 1448, .timer = TR_RETRANS,
             .when_ns = 204 * MS, .retrans = 1, .refcnt = 2, .inode = 42, .rto_ns = 204 * MS,
             .ato_ns = 40 * MS, .quick = 2, .cwnd = 10, .ssthresh = -1 },
        "   1: 0F02000A:0050 0202000A:C822 01 000005A8:00000000 01:00000014 00000001"
        "     0        0 42 2 000000008514e291 20 4 2 10 -1",
    },
    {   /* every field at its widest */
        10000, { .obj = (void *)~0UL, .kind = ROW_FULL, .proto = IPPROTO_TCP,
             .state = TCP_CLOSE_WAIT, .laddr = 0xffffffff, .lport = 65535, .raddr = 0xffffffff,
             .rport = 65535, .tx_queue = 0xffffffff, .rx_queue = 0xffffffff,
             .timer = TR_KEEPALIVE, .when_ns = ~0ULL, .retrans = 0xffffffff,
             .probes = 0xffffffff, .refcnt = 0x80000000, .inode = ~0UL, .rto_ns = ~0ULL,
             .ato_ns = ~0ULL, .quick = 0xffffffff, .cwnd = 0xffffffff, .ssthresh = -0x7fffffff - 1 },
        "10000: FFFFFFFF:FFFF FFFFFFFF:FFFF 08 FFFFFFFF:FFFFFFFF 02:1AD7F29ABCA FFFFFFFF"
        "     0       -1 18446744073709551615 -2147483648 0000000061c88646"
        " 1844674407370 1844674407370 4294967295 4294967295 -2147483648",
    },
    {   /* TIME-WAIT: Linux's short format, 59.99 s left */
        2, { .obj = (void *)0x2000, .kind = ROW_TW, .proto = IPPROTO_TCP, .state = TCP_TIME_WAIT,
             .laddr = IP(10, 0, 2, 15), .lport = 80, .raddr = IP(10, 0, 2, 2), .rport = 40000,
             .timer = TR_TIMEWAIT, .when_ns = 59990 * MS, .refcnt = 3 },
        "   2: 0F02000A:0050 0202000A:9C40 06 00000000:00000000 03:0000176F 00000000"
        "     0        0 0 3 00000000ef372fe9",
    },
    {   /* TIME-WAIT with its timer due */
        511, { .obj = (void *)0x2040, .kind = ROW_TW, .proto = IPPROTO_TCP, .state = TCP_TIME_WAIT,
             .laddr = IP(10, 0, 2, 15), .lport = 80, .raddr = IP(10, 0, 2, 2), .rport = 40001,
             .timer = TR_TIMEWAIT, .refcnt = 3 },
        " 511: 0F02000A:0050 0202000A:9C41 06 00000000:00000000 03:00000000 00000000"
        "     0        0 0 3 000000007d159e49",
    },
    {   /* an orphan in FIN_WAIT2 on its timeout: the TIME-WAIT format too */
        3, { .obj = (void *)0x3000, .kind = ROW_TW, .proto = IPPROTO_TCP, .state = TCP_FIN_WAIT2,
             .laddr = IP(127, 0, 0, 1), .lport = 8080, .raddr = IP(127, 0, 0, 1), .rport = 1,
             .timer = TR_TIMEWAIT, .when_ns = 60000 * MS, .refcnt = 1 },
        "   3: 0100007F:1F90 0100007F:0001 05 00000000:00000000 03:00001770 00000000"
        "     0        0 0 1 0000000066d2c7dd",
    },
    {   /* a request sock in the SYN queue, SYN-ACK resent twice */
        9999, { .obj = (void *)0x4000, .kind = ROW_REQ, .proto = IPPROTO_TCP,
             .state = TCP_SYN_RECV, .laddr = IP(10, 0, 2, 15), .lport = 80,
             .raddr = IP(192, 168, 1, 200), .rport = 1024, .timer = TR_RETRANS,
             .when_ns = 3999 * MS, .retrans = 2 },
        "9999: 0F02000A:0050 C801A8C0:0400 03 00000000:00000000 01:0000018F 00000002"
        "     0        0 0 0 00000000de6e5fd2",
    },
};

static const struct row_case udp_cases[] = {
    {   /* DHCP's client sock: no socket, so no inode */
        0, { .obj = (void *)0x5000, .kind = ROW_FULL, .proto = IPPROTO_UDP, .state = TCP_CLOSE,
             .lport = 68, .refcnt = 2 },
        "   68: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000"
        "     0        0 0 2 000000005609f7c7 0",
    },
    {   /* connected, with queued bytes and drops; port 40000 is bucket 64 */
        0, { .obj = (void *)0x5040, .kind = ROW_FULL, .proto = IPPROTO_UDP,
             .state = TCP_ESTABLISHED, .laddr = IP(10, 0, 2, 15), .lport = 40000,
             .raddr = IP(10, 0, 2, 3), .rport = 53, .tx_queue = 512, .rx_queue = 2304,
             .refcnt = 2, .inode = 987654, .drops = 7 },
        "   64: 0F02000A:9C40 0302000A:0035 01 00000200:00000900 00:00000000 00000000"
        "     0        0 987654 2 00000000e3e86627 7",
    },
    {   /* every field at its widest */
        0, { .obj = (void *)~0UL, .kind = ROW_FULL, .proto = IPPROTO_UDP, .state = 0xff,
             .laddr = 0xffffffff, .lport = 65535, .raddr = 0xffffffff, .rport = 65535,
             .tx_queue = 0xffffffff, .rx_queue = 0xffffffff, .timer = 0xff, .when_ns = ~0ULL,
             .retrans = 0xffffffff, .refcnt = 0xffffffff, .inode = ~0UL, .drops = 0xffffffff },
        "  255: FFFFFFFF:FFFF FFFFFFFF:FFFF FF FFFFFFFF:FFFFFFFF FF:1AD7F29ABCA FFFFFFFF"
        "     0        0 18446744073709551615 -1 0000000061c88646 4294967295",
    },
};

/* `line` is `want` padded with spaces to `width`, then a newline. */
static void check_line(const char *line, size_t len, const char *want, size_t width)
{
    size_t n = strlen(want);

    if (len != MAX(n, width) + 1 || memcmp(line, want, n)) {
        fprintf(stderr, "got  \"%.*s\"\nwant \"%s\"\n", (int)len, line, want);
        fail();
    }
    for (size_t i = n; i < len - 1; i++)
        assert_int_equal(line[i], ' ');
    assert_int_equal(line[len - 1], '\n');
}

static void test_tcp_rows(void **state)
{
    char buf[4096];
    struct seq_buf m = { .buf = buf, .size = sizeof(buf) };

    for (size_t i = 0; i < ARRAY_SIZE(tcp_cases); i++) {
        size_t start = m.len;

        proc_net_tcp_row(&m, tcp_cases[i].sl, &tcp_cases[i].r);
        assert_false(seq_has_overflowed(&m));
        check_line(buf + start, m.len - start, tcp_cases[i].want, TCP_ROW_WIDTH);
    }
}

static void test_udp_rows(void **state)
{
    char buf[4096];
    struct seq_buf m = { .buf = buf, .size = sizeof(buf) };

    for (size_t i = 0; i < ARRAY_SIZE(udp_cases); i++) {
        size_t start = m.len;

        proc_net_udp_row(&m, &udp_cases[i].r);
        assert_false(seq_has_overflowed(&m));
        check_line(buf + start, m.len - start, udp_cases[i].want, UDP_ROW_WIDTH);
    }
}

/* The formats net/proc_net.c printed with seq_printf, through the C library. */
static unsigned long long ref_ptr_hash(const void *p)
{
    return (u32)(((u64)(unsigned long)p * 0x9e3779b97f4a7c15ULL) >> 32);
}

static unsigned long ref_clock_t(u64 ns) { return (unsigned long)(ns / (NSEC_PER_SEC / 100)); }

static int ref_head(char *b, const char *slfmt, unsigned sl, const struct sock_row *r)
{
    int n = sprintf(b, slfmt, sl);

    return n + sprintf(b + n, ": %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X",
                       (u32)r->laddr, r->lport, (u32)r->raddr, r->rport, r->state, r->tx_queue,
                       r->rx_queue, r->timer, ref_clock_t(r->when_ns), r->retrans);
}

static int ref_pad(char *b, int n, int width)
{
    return n + sprintf(b + n, "%*s\n", n < width ? width - n : 0, "");
}

static int ref_tcp_row(char *b, unsigned sl, const struct sock_row *r)
{
    int n = ref_head(b, "%4u", sl, r);

    if (r->kind == ROW_FULL)
        n += sprintf(b + n, " %5u %8d %lu %d %016llx %lu %lu %u %u %d", 0, (int)r->probes,
                     r->inode, (int)r->refcnt, ref_ptr_hash(r->obj), ref_clock_t(r->rto_ns),
                     ref_clock_t(r->ato_ns), r->quick, r->cwnd, r->ssthresh);
    else
        n += sprintf(b + n, " %5u %8d %lu %d %016llx", 0, 0, 0UL, (int)r->refcnt,
                     ref_ptr_hash(r->obj));
    return ref_pad(b, n, TCP_ROW_WIDTH);
}

static int ref_udp_row(char *b, const struct sock_row *r)
{
    int n = ref_head(b, "%5u", r->lport % INET_BIND_BUCKETS, r);

    n += sprintf(b + n, " %5u %8d %lu %d %016llx %u", 0, 0, r->inode, (int)r->refcnt,
                 ref_ptr_hash(r->obj), r->drops);
    return ref_pad(b, n, UDP_ROW_WIDTH);
}

/* Random bits, often with the top ones cleared so every width of number turns up. */
static u64 rnd(void)
{
    static u64 x = 0x243f6a8885a308d3ULL;
    u64 v;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v = x;
    return v >> (x % 64);
}

static void random_row(struct sock_row *r, unsigned *sl)
{
    memset(r, 0, sizeof(*r));
    r->obj = (const void *)(uintptr_t)rnd();
    r->kind = (enum row_kind)(rnd() % 3);
    r->state = (u8)rnd();
    r->laddr = (u32)rnd();
    r->raddr = (u32)rnd();
    r->lport = (u16)rnd();
    r->rport = (u16)rnd();
    r->tx_queue = (u32)rnd();
    r->rx_queue = (u32)rnd();
    r->timer = (u8)rnd();
    r->when_ns = rnd();
    r->retrans = (u32)rnd();
    r->probes = (u32)rnd();
    r->refcnt = (u32)rnd();
    r->drops = (u32)rnd();
    r->inode = (unsigned long)rnd();
    r->rto_ns = rnd();
    r->ato_ns = rnd();
    r->quick = (u32)rnd();
    r->cwnd = (u32)rnd();
    r->ssthresh = (int)(u32)rnd();
    *sl = (unsigned)rnd();
}

/*
 * Random rows, each at a random offset into a roomy buffer, one of exactly
 * the row's length + 1 (fits), and one of its length (overflows: len ==
 * size, as seq_printf marks it).
 */
static void test_rows_match_printf(void **state)
{
    char want[512], buf[1024];

    for (int i = 0; i < 20000; i++) {
        struct sock_row r;
        unsigned sl;
        bool udp = i & 1;
        size_t start = (size_t)rnd() % 300;
        int n;

        random_row(&r, &sl);
        n = udp ? ref_udp_row(want, &r) : ref_tcp_row(want, sl, &r);
        for (size_t size = start + n + 2; size >= start + n; size--) {
            struct seq_buf m = { .buf = buf, .size = size, .len = start };

            if (size == start + n + 2)
                m.size = sizeof(buf);

            if (udp)
                proc_net_udp_row(&m, &r);
            else
                proc_net_tcp_row(&m, sl, &r);
            if (m.size == start + n) {
                assert_int_equal(m.len, size);
            } else {
                assert_int_equal(m.len, start + n);
                assert_memory_equal(buf + start, want, n);
            }
        }
    }
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
        cmocka_unit_test_setup_teardown(test_tcp_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_match_printf, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
