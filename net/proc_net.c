/*
 * The socket tables and device counters in Linux's formats: /proc/net/tcp
 * and /proc/net/udp (Documentation/networking/proc_net_tcp.rst; columns as
 * net/ipv4/tcp_ipv4.c get_tcp4_sock/get_openreq4/get_timewait4_sock and
 * net/ipv4/udp.c udp4_format_sock print them), /proc/net/dev
 * (net/core/net-procfs.c dev_seq_printf_stats) and /proc/net/snmp
 * (net/snmp.c), plus the same sockets as an ss-style table on console key
 * 's'.  Each socket (or request sock, or TIME-WAIT entry) is read once into
 * a struct sock_row, which both the /proc and the ss printers format.
 * Reads other layers' state; owns none.
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

/* No inodes here: a number unique to the socket while it lives (Linux: sock_i_ino). */
static unsigned long sock_ino(const struct sock *sk)
{
    return sk->sk_socket ? (u32)((unsigned long)sk->sk_socket >> 4) : 0;
}

static u64 timer_left(const struct timer_list *t)
{
    u64 now = ktime_get_ns();

    return t->expires > now ? t->expires - now : 0;
}

static void row_inet(struct sock_row *r, const struct sock *sk)
{
    const struct inet_sock *inet = inet_sk(sk);

    r->obj = sk;
    r->state = sk->sk_state;
    r->laddr = inet->inet_rcv_saddr;
    r->raddr = inet->inet_daddr;
    r->lport = inet->inet_num;
    r->rport = ntohs(inet->inet_dport);
    r->refcnt = sk->sk_refcnt;
    r->inode = sock_ino(sk);
}

/* Linux get_tcp4_sock's timer choice: RTO, else zero-window probe, else keepalive. */
static void tcp_row_timer(struct sock_row *r, const struct sock *sk)
{
    const struct inet_connection_sock *icsk = inet_csk(sk);
    const struct tcp_sock *tp = tcp_sk(sk);

    if (timer_pending(&tp->tw_timer)) {
        r->kind = ROW_TW;       /* an orphan's FIN_WAIT2 timeout (Linux's tw with substate 5) */
        r->timer = TR_TIMEWAIT;
        r->when_ns = timer_left(&tp->tw_timer);
    } else if (icsk->icsk_pending && timer_pending(&icsk->icsk_retransmit_timer)) {
        r->timer = icsk->icsk_pending == ICSK_TIME_PROBE0 ? TR_PROBE0 : TR_RETRANS;
        r->when_ns = timer_left(&icsk->icsk_retransmit_timer);
    } else if (timer_pending(&tp->keepalive_timer)) {
        r->timer = TR_KEEPALIVE;
        r->when_ns = timer_left(&tp->keepalive_timer);
    }
}

static void tcp_row(struct sock_row *r, const struct sock *sk)
{
    const struct inet_connection_sock *icsk = inet_csk(sk);
    const struct tcp_sock *tp = tcp_sk(sk);
    u32 mss = tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT;
    s32 unread = (s32)(tp->rcv_nxt - tp->copied_seq);

    memset(r, 0, sizeof(*r));
    row_inet(r, sk);
    r->proto = IPPROTO_TCP;
    tcp_row_timer(r, sk);
    r->tx_queue = tp->write_seq - tp->snd_una;
    r->rx_queue = sk->sk_state == TCP_LISTEN ? icsk->icsk_accept_qlen : (u32)MAX(unread, 0);
    r->retrans = icsk->icsk_retransmits;
    r->probes = icsk->icsk_probes_out;
    r->rto_ns = icsk->icsk_rto;
    r->ato_ns = icsk->icsk_ack.ato;
    r->quick = (u32)icsk->icsk_ack.quick << 1;      /* no ping-pong mode here */
    r->cwnd = tp->snd_cwnd / mss;
    if (sk->sk_state == TCP_LISTEN)
        r->ssthresh = 0;        /* Linux prints the TFO queue length: no TFO */
    else
        r->ssthresh = tp->snd_ssthresh >= 0x7fffffff ? -1 : (int)(tp->snd_ssthresh / mss);
    r->syn_qlen = icsk->icsk_syn_qlen;
    r->max_backlog = icsk->icsk_max_backlog;
    if (r->kind == ROW_TW)
        r->tx_queue = r->rx_queue = 0;  /* Linux's time-wait socks hold no data */
}

static void req_row(struct sock_row *r, const struct request_sock *req)
{
    memset(r, 0, sizeof(*r));
    r->obj = req;
    r->kind = ROW_REQ;
    r->proto = IPPROTO_TCP;
    r->state = TCP_SYN_RECV;
    r->laddr = req->loc_addr;
    r->raddr = req->rmt_addr;
    r->lport = ntohs(req->loc_port);
    r->rport = ntohs(req->rmt_port);
    r->timer = TR_RETRANS;      /* the SYN-ACK timer: Linux prints 1 for it */
    r->when_ns = timer_left(&req->rsk_timer);
    r->retrans = req->num_retrans;
}

/*
 * A TIME-WAIT entry as Linux's get_timewait4_sock prints it: no queues,
 * timer 3 with the time left, refcnt 3 (Linux's count for one hashed in
 * the established and bind tables with its timer armed).
 */
static void tw_row(struct sock_row *r, const struct inet_timewait_sock *tw)
{
    memset(r, 0, sizeof(*r));
    r->obj = tw;
    r->kind = ROW_TW;
    r->proto = IPPROTO_TCP;
    r->state = tw->tw_substate;
    r->laddr = tw->tw_rcv_saddr;
    r->raddr = tw->tw_daddr;
    r->lport = tw->tw_num;
    r->rport = ntohs(tw->tw_dport);
    r->timer = TR_TIMEWAIT;
    r->when_ns = timer_left(&tw->tw_timer);
    r->refcnt = 3;
}

static void udp_row(struct sock_row *r, const struct sock *sk)
{
    memset(r, 0, sizeof(*r));
    row_inet(r, sk);
    r->proto = IPPROTO_UDP;
    r->tx_queue = sk->sk_wmem_alloc;
    r->rx_queue = sk->sk_rmem_alloc;
    r->drops = sk->sk_drops;
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

    tcp_row(&r, sk);
    proc_net_tcp_row(w->m, w->sl++, &r);
}

static void tcp_show_req(const struct request_sock *req, void *arg)
{
    struct proc_walk *w = arg;
    struct sock_row r;

    req_row(&r, req);
    proc_net_tcp_row(w->m, w->sl++, &r);
}

static void tcp_show_tw(const struct inet_timewait_sock *tw, void *arg)
{
    struct proc_walk *w = arg;
    struct sock_row r;

    tw_row(&r, tw);
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

    udp_row(&r, sk);
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

/* ---- the console table (key 's') ------------------------------------------ */

static const char *ss_state(const struct sock_row *r)
{
    static const char *const names[TCP_MAX_STATES] = {
        [TCP_ESTABLISHED] = "ESTAB", [TCP_SYN_SENT] = "SYN-SENT", [TCP_SYN_RECV] = "SYN-RECV",
        [TCP_FIN_WAIT1] = "FIN-WAIT-1", [TCP_FIN_WAIT2] = "FIN-WAIT-2",
        [TCP_TIME_WAIT] = "TIME-WAIT", [TCP_CLOSE] = "UNCONN", [TCP_CLOSE_WAIT] = "CLOSE-WAIT",
        [TCP_LAST_ACK] = "LAST-ACK", [TCP_LISTEN] = "LISTEN", [TCP_CLOSING] = "CLOSING",
        [TCP_NEW_SYN_RECV] = "SYN-RECV",
    };

    return r->state < TCP_MAX_STATES && names[r->state] ? names[r->state] : "UNKNOWN";
}

/* "a.b.c.d:port", port "*" when 0 (ss's wildcard). */
static void ss_addr(char *buf, size_t size, __be32_t addr, u16 port)
{
    const u8 *a = (const u8 *)&addr;
    int n = snprintf(buf, size, "%u.%u.%u.%u:", a[0], a[1], a[2], a[3]);

    if (port)
        snprintf(buf + n, size - (size_t)n, "%u", port);
    else
        snprintf(buf + n, size - (size_t)n, "*");
}

/*
 * One ss -tuano line.  Recv-Q/Send-Q as ss: a listener's are its accept
 * queue and backlog; others' unread and unacknowledged bytes.  Listeners
 * add their SYN and accept queue depths.
 */
static void ss_row(struct seq_buf *m, const struct sock_row *r)
{
    static const char *const timers[] = { "", "on", "keepalive", "timewait", "persist" };
    bool listen = r->state == TCP_LISTEN;
    char local[24], peer[24];

    ss_addr(local, sizeof(local), r->laddr, r->lport);
    ss_addr(peer, sizeof(peer), r->raddr, r->rport);
    seq_printf(m, "%-5s %-10s %6u %6u %-21s %-21s", r->proto == IPPROTO_TCP ? "tcp" : "udp",
               ss_state(r), r->rx_queue, listen ? r->max_backlog : r->tx_queue, local, peer);
    if (r->timer)
        seq_printf(m, " timer:(%s,%llums,%u)", timers[r->timer],
                   (unsigned long long)(r->when_ns / NSEC_PER_MSEC), r->retrans);
    if (listen)
        seq_printf(m, " syn-q:%u accept-q:%u/%u", r->syn_qlen, r->rx_queue, r->max_backlog);
    seq_puts(m, "\n");
}

static void ss_tcp_sock(struct sock *sk, void *arg)
{
    struct sock_row r;

    tcp_row(&r, sk);
    ss_row(arg, &r);
}

static void ss_tcp_req(const struct request_sock *req, void *arg)
{
    struct sock_row r;

    req_row(&r, req);
    ss_row(arg, &r);
}

static void ss_tcp_tw(const struct inet_timewait_sock *tw, void *arg)
{
    struct sock_row r;

    tw_row(&r, tw);
    ss_row(arg, &r);
}

static void ss_udp_sock(struct sock *sk, void *arg)
{
    struct sock_row r;

    udp_row(&r, sk);
    ss_row(arg, &r);
}

static int ss_show(struct seq_buf *m)
{
    seq_printf(m, "%-5s %-10s %6s %6s %-21s %-21s %s\n", "Netid", "State", "Recv-Q", "Send-Q",
               "Local Address:Port", "Peer Address:Port", "Timer/Queues");
    tcp_for_each_sock(ss_tcp_sock, m);
    tcp_for_each_timewait(ss_tcp_tw, m);
    tcp_for_each_request(ss_tcp_req, m);
    udp_for_each_sock(ss_udp_sock, m);
    seq_puts(m, "ss: end of table\n");
    return 0;
}

/* Runs from TIMER_SOFTIRQ, where walking the tables is safe (see ss_key). */
static void ss_print(struct timer_list *t)
{
    char *text, *line, *end;
    size_t len;

    if (proc_generate(ss_show, &text, &len)) {
        pr_warn("ss: out of memory for the socket table");
        return;
    }
    /* A line per printk: the log's timestamps, and interrupts off one line at a time. */
    for (line = text, end = text + len; line < end;) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        int n = (int)((nl ? nl : end) - line);

        pr_info("%.*s", n, line);
        line += n + 1;
    }
    kfree(text);
}

static struct timer_list ss_timer;

/*
 * Key handlers run in hard-IRQ context, which may interrupt a syscall in
 * the middle of changing a socket table; the timer defers the walk to
 * softirq context, which never does.
 */
static void ss_key(char c)
{
    mod_timer(&ss_timer, ktime_get_ns());
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
    timer_setup(&ss_timer, ss_print);
    console_register_key('s', ss_key);
    for (unsigned i = 0; i < ARRAY_SIZE(proc_net_files); i++) {
        int err = proc_register(&proc_net_files[i]);

        if (err)
            return err;
    }
    return 0;
}
device_initcall(proc_net_init);
