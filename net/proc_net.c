/*
 * The socket tables and device counters in Linux's formats: /proc/net/tcp
 * and /proc/net/udp (Documentation/networking/proc_net_tcp.rst; columns as
 * net/ipv4/tcp_ipv4.c get_tcp4_sock/get_openreq4/get_timewait4_sock and
 * net/ipv4/udp.c udp4_format_sock print them), /proc/net/dev
 * (net/core/net-procfs.c dev_seq_printf_stats) and /proc/net/snmp
 * (net/snmp.c).  Each socket (or request sock, or TIME-WAIT entry) is read
 * once into a struct sock_row (net/sock_row.c), which these printers and
 * the ss-style console table (net/ss.c) format.  Reads other layers'
 * state; owns none.
 */
#include <kernel/console.h>
#include <kernel/init.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/procfs.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <net/netdevice.h>
#include <net/proc_net.h>
#include <net/snmp.h>
#include <net/tcp.h>
#include <net/udp.h>

#define NSEC_PER_CLOCK_T    (NSEC_PER_SEC / 100)   /* USER_HZ: /proc's tick */
#define TCP_ROW_WIDTH       149     /* Linux pads /proc/net/tcp lines to TMPSZ - 1 */
#define UDP_ROW_WIDTH       127

/* Linux prints %pK, a hashed pointer: unique per object, no address leaked. */
static unsigned long long ptr_hash(const void *p)
{
    return (u32)(((u64)(unsigned long)p * 0x9e3779b97f4a7c15ULL) >> 32);
}

/* ---- /proc/net/tcp and /proc/net/udp ------------------------------------ */

static unsigned long clock_t_of(u64 ns) { return (unsigned long)(ns / NSEC_PER_CLOCK_T); }

/*
 * The rows are written field by field straight into the seq_buf, not with
 * seq_printf: httpd's '/' page reads /proc/net/tcp on every request, with
 * up to 512 TIME-WAIT rows, and a generic printf per field (format parsing,
 * a division per digit) was ~40 % of guest time under QEMU's TCG.  Each
 * helper prints exactly what the printf conversion in its comment printed,
 * which the host test checks on random rows.
 */
#define ROW_MAX             256     /* longer than any row: TCP's widest is 213 bytes */

static const char hex_upper[16] = "0123456789ABCDEF";
static const char hex_lower[16] = "0123456789abcdef";

/* "%0<width>X" (or "x" with hex_lower): at least `width` digits, more if v needs them. */
static char *put_hex(char *p, u64 v, int width, const char *digits)
{
    int n = width;

    while (n < 16 && (v >> (4 * n)))    /* rare: only a timer past 2^32 clock ticks */
        n++;
    for (int i = n; i--; v >>= 4)
        p[i] = digits[v & 0xf];
    return p + n;
}

/* "%<width>llu", with a '-' before the digits for "%d" of a negative. */
static char *put_dec(char *p, u64 v, bool neg, int width)
{
    char tmp[20];
    int n = 0;

    if (v <= 0xffffffff) {          /* 32-bit divisions: cheaper, and nearly every field */
        u32 w = (u32)v;

        do {
            tmp[n++] = (char)('0' + w % 10);
            w /= 10;
        } while (w);
    } else {
        do {
            tmp[n++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
    }
    for (width -= n + neg; width > 0; width--)
        *p++ = ' ';
    if (neg)
        *p++ = '-';
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* "%<width>d" */
static char *put_int(char *p, int v, int width)
{
    return put_dec(p, v < 0 ? -(u64)(s64)v : (u64)v, v < 0, width);
}

static char *put_char(char *p, char c)
{
    *p = c;
    return p + 1;
}

/* Where a row goes: straight into m when it surely fits, else into `spare`. */
static char *row_begin(struct seq_buf *m, char *spare)
{
    return m->size - m->len > ROW_MAX ? m->buf + m->len : spare;
}

/* Pad the row [line, p) to `width` and end it (Linux seq_pad); copy it in if it went to spare. */
static void row_end(struct seq_buf *m, char *line, char *p, size_t width)
{
    size_t n = (size_t)(p - line);

    if (n < width) {
        memset(p, ' ', width - n);
        n = width;
    }
    line[n++] = '\n';
    if (line == m->buf + m->len)
        m->len += n;
    else
        seq_write(m, line, n);
}

/* ": %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X": every format's columns through "retrnsmt". */
static char *proc_row_head(char *p, const struct sock_row *r)
{
    p = put_char(put_char(p, ':'), ' ');
    p = put_char(put_hex(p, (u32)r->laddr, 8, hex_upper), ':');
    p = put_char(put_hex(p, r->lport, 4, hex_upper), ' ');
    p = put_char(put_hex(p, (u32)r->raddr, 8, hex_upper), ':');
    p = put_char(put_hex(p, r->rport, 4, hex_upper), ' ');
    p = put_char(put_hex(p, r->state, 2, hex_upper), ' ');
    p = put_char(put_hex(p, r->tx_queue, 8, hex_upper), ':');
    p = put_char(put_hex(p, r->rx_queue, 8, hex_upper), ' ');
    p = put_char(put_hex(p, r->timer, 2, hex_upper), ':');
    p = put_char(put_hex(p, clock_t_of(r->when_ns), 8, hex_upper), ' ');
    return put_hex(p, r->retrans, 8, hex_upper);
}

/* " %5u %8d %lu %d %016llx": uid (always 0), timeout, inode, refcnt, pointer. */
static char *proc_row_sock(char *p, int timeout, unsigned long inode, const struct sock_row *r)
{
    *p++ = ' ';
    p = put_char(put_dec(p, 0, false, 5), ' ');
    p = put_char(put_int(p, timeout, 8), ' ');
    p = put_char(put_dec(p, inode, false, 0), ' ');
    p = put_char(put_int(p, (int)r->refcnt, 0), ' ');
    return put_hex(p, ptr_hash(r->obj), 16, hex_lower);
}

void proc_net_tcp_row(struct seq_buf *m, unsigned sl, const struct sock_row *r)
{
    char spare[ROW_MAX];
    char *line = row_begin(m, spare), *p;

    p = proc_row_head(put_dec(line, sl, false, 4), r);
    if (r->kind == ROW_FULL) {
        /* " %lu %lu %u %u %d": rto, ato, quick, cwnd, ssthresh */
        p = put_char(proc_row_sock(p, (int)r->probes, r->inode, r), ' ');
        p = put_char(put_dec(p, clock_t_of(r->rto_ns), false, 0), ' ');
        p = put_char(put_dec(p, clock_t_of(r->ato_ns), false, 0), ' ');
        p = put_char(put_dec(p, r->quick, false, 0), ' ');
        p = put_char(put_dec(p, r->cwnd, false, 0), ' ');
        p = put_int(p, r->ssthresh, 0);
    } else {    /* request and TIME_WAIT rows: no timeout or inode */
        p = proc_row_sock(p, 0, 0, r);
    }
    row_end(m, line, p, TCP_ROW_WIDTH);
}

struct proc_walk {
    struct seq_buf *m;
    unsigned sl;                /* Linux's running row number */
};

static void tcp_show_sock(struct sock *sk, void *arg)
{
    struct proc_walk *w = arg;
    struct sock_row r;

    sock_row_tcp(&r, sk);
    proc_net_tcp_row(w->m, w->sl++, &r);
}

static void tcp_show_req(const struct request_sock *req, void *arg)
{
    struct proc_walk *w = arg;
    struct sock_row r;

    sock_row_req(&r, req);
    proc_net_tcp_row(w->m, w->sl++, &r);
}

static void tcp_show_tw(const struct inet_timewait_sock *tw, void *arg)
{
    struct proc_walk *w = arg;
    struct sock_row r;

    sock_row_tw(&r, tw);
    proc_net_tcp_row(w->m, w->sl++, &r);
}

static int proc_tcp_show(struct seq_buf *m)
{
    struct proc_walk w = { .m = m };

    seq_printf(m, "%-*s\n", TCP_ROW_WIDTH, "  sl  local_address rem_address   st tx_queue "
               "rx_queue tr tm->when retrnsmt   uid  timeout inode");
    tcp_for_each_sock(tcp_show_sock, &w);
    tcp_for_each_timewait(tcp_show_tw, &w);
    tcp_for_each_request(tcp_show_req, &w);
    return 0;
}

/* UDP's "sl" is the port's hash bucket, not a row number. */
void proc_net_udp_row(struct seq_buf *m, const struct sock_row *r)
{
    char spare[ROW_MAX];
    char *line = row_begin(m, spare), *p;

    p = proc_row_head(put_dec(line, r->lport % INET_BIND_BUCKETS, false, 5), r);
    p = put_char(proc_row_sock(p, 0, r->inode, r), ' ');
    p = put_dec(p, r->drops, false, 0);                     /* " %u" */
    row_end(m, line, p, UDP_ROW_WIDTH);
}

static void udp_show_sock(struct sock *sk, void *arg)
{
    struct proc_walk *w = arg;
    struct sock_row r;

    sock_row_udp(&r, sk);
    proc_net_udp_row(w->m, &r);
}

static int proc_udp_show(struct seq_buf *m)
{
    struct proc_walk w = { .m = m };

    seq_printf(m, "%-*s\n", UDP_ROW_WIDTH, "   sl  local_address rem_address   st tx_queue "
               "rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops");
    udp_for_each_sock(udp_show_sock, &w);
    return 0;
}

/* ---- /proc/net/dev -------------------------------------------------------- */

/*
 * Linux's "drop" columns count what the core dropped around the driver:
 * RX, frames the NIC had no buffer for (rx_missed_errors is added there);
 * TX, frames the stack could not hand to a stopped or downed device.
 * Protocol drops (bad checksums ...) are not device drops there either.
 */
static u64 dev_rx_dropped(const struct net_device_stats *s)
{
    return s->drops[SKB_DROP_REASON_DEV_RX_NOBUF];
}

static u64 dev_tx_dropped(const struct net_device_stats *s)
{
    return s->drops[SKB_DROP_REASON_TXQ_OVERFLOW] + s->drops[SKB_DROP_REASON_DEV_DOWN];
}

static int proc_dev_show(struct seq_buf *m)
{
    seq_puts(m, "Inter-|   Receive                                                |  Transmit\n"
                " face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
                "packets errs drop fifo colls carrier compressed\n");
    for (struct net_device *dev = dev_first(); dev; dev = dev_next(dev)) {
        const struct net_device_stats *s = &dev->stats;

        /* fifo, frame, compressed, multicast, colls, carrier: nothing here counts them. */
        seq_printf(m, "%6s: %7llu %7llu %4llu %4llu %4u %5u %10u %9u "
                   "%8llu %7llu %4llu %4llu %4u %5u %7u %10u\n", dev->name,
                   (unsigned long long)s->rx_bytes, (unsigned long long)s->rx_packets,
                   (unsigned long long)s->rx_errors, (unsigned long long)dev_rx_dropped(s),
                   0, 0, 0, 0, (unsigned long long)s->tx_bytes,
                   (unsigned long long)s->tx_packets, (unsigned long long)s->tx_errors,
                   (unsigned long long)dev_tx_dropped(s), 0, 0, 0, 0);
    }
    return 0;
}

/* ---- registration ------------------------------------------------------- */

static struct proc_entry proc_net_files[] = {
    { .path = "/proc/net/dev", .show = proc_dev_show },
    { .path = "/proc/net/snmp", .show = snmp_seq_show },
    { .path = "/proc/net/tcp", .show = proc_tcp_show },
    { .path = "/proc/net/udp", .show = proc_udp_show },
};

static int proc_net_init(void)
{
    for (unsigned i = 0; i < ARRAY_SIZE(proc_net_files); i++) {
        int err = proc_register(&proc_net_files[i]);

        if (err)
            return err;
    }
    return 0;
}
device_initcall(proc_net_init);
