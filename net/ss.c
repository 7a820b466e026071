/*
 * Console key 's': the sockets as an ss-style table (state, queues,
 * addresses, the pending timer, the SYN and accept queue depths of
 * listeners), from the same struct sock_row as /proc/net/tcp
 * (net/sock_row.c).  The walk runs from a timer (softirq), never from the
 * key's hard interrupt.  Reads other layers' state; owns none.
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

    sock_row_tcp(&r, sk);
    ss_row(arg, &r);
}

static void ss_tcp_req(const struct request_sock *req, void *arg)
{
    struct sock_row r;

    sock_row_req(&r, req);
    ss_row(arg, &r);
}

static void ss_tcp_tw(const struct inet_timewait_sock *tw, void *arg)
{
    struct sock_row r;

    sock_row_tw(&r, tw);
    ss_row(arg, &r);
}

static void ss_udp_sock(struct sock *sk, void *arg)
{
    struct sock_row r;

    sock_row_udp(&r, sk);
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

static int ss_init(void)
{
    timer_setup(&ss_timer, ss_print);
    return console_register_key('s', ss_key);
}
device_initcall(ss_init);
