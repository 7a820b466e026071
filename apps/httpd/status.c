/*
 * status.c: the kernel's TCP socket table, read from /proc/net/tcp in
 * Linux's format, rendered as the /status page and searched for the
 * visitor's own connection (pages.c).  On Linux this shows Linux's table;
 * in our unikernel, the kernel's.  No file: the page says "not available".
 *
 * Linux's format (net/ipv4/tcp_ipv4.c, get_tcp4_sock), one socket a line
 * after a header line:
 *   sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
 *   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0 12345 ...
 * Addresses are the 32-bit s_addr printed as a host-order integer in hex (so
 * 127.0.0.1 reads 0100007F on little-endian x86) and ports are host-order
 * hex.  st is the TCP state number, tr the pending timer's kind and
 * tm->when its expiry in clock ticks.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpd.h"

#define STATUS_MAX_ROWS     4000    /* a bounded page on busy hosts */
#define TCP_TABLE_MAX_ROWS  65536   /* a bounded snapshot (5 MiB) */
#define TCP_TABLE_MAX_AGE_MS 100
#define TCP_TABLE_MAX_AGE_STR "100"

/*
 * fopen with one big static stdio buffer: musl's default is 1 KiB, and each
 * read() of /proc/net/tcp makes Linux walk its socket hash again (on a big
 * host that is milliseconds per read).  One thread and one /proc file open
 * at a time, so one buffer serves every caller.
 */
FILE *proc_open(const char *path)
{
    static char iobuf[65536];
    FILE *f = fopen(path, "r");

    if (f)
        setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
    return f;
}

const char *tcp_state_name(unsigned st)
{
    static const char *const names[] = {
        "?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
        "NEW_SYN_RECV",
    };
    return st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

const char *tcp_timer_name(unsigned tr)
{
    static const char *const names[] = {
        "off", "retransmit", "keepalive", "time_wait", "zero window probe",
    };
    return tr < sizeof(names) / sizeof(names[0]) ? names[tr] : "?";
}

/* One data line into *row; 0 on success, -1 for the header or junk. */
static int parse_row(const char *line, struct tcp_row *row)
{
    unsigned la, lp, ra, rp;
    int n = sscanf(line, " %u: %8X:%4X %8X:%4X %2X %lX:%lX %X:%lX %lX %u %lu %lu",
                   &row->sl, &la, &lp, &ra, &rp, &row->st, &row->tx_queue, &row->rx_queue,
                   &row->tr, &row->when, &row->retrnsmt, &row->uid, &row->timeout,
                   &row->inode);

    if (n < 14)
        return -1;
    memset(&row->local, 0, sizeof(row->local));
    memset(&row->remote, 0, sizeof(row->remote));
    row->local.sin_family = row->remote.sin_family = AF_INET;
    /* The printed integer is s_addr's bytes read as a host integer. */
    row->local.sin_addr.s_addr = la;
    row->remote.sin_addr.s_addr = ra;
    row->local.sin_port = htons((uint16_t)lp);
    row->remote.sin_port = htons((uint16_t)rp);
    return 0;
}

static int same_end(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
    return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

/*
 * The table, read at most once per TCP_TABLE_MAX_AGE_MS.  On a busy Linux
 * host one read of /proc/net/tcp costs 5-30 ms (it walks the whole socket
 * hash), which per request would make "/" a few dozen requests/s.  A
 * snapshot taken after a connection was accepted must hold its row, so a
 * request re-reads only when the snapshot predates its connection or has
 * aged out: under load, one read serves a whole batch of connections.
 */
static struct {
    struct tcp_row *rows;
    size_t n, cap;
    uint64_t taken_us;          /* when the read began (0: never): later accepts may be missing */
    uint64_t done_us;           /* when it ended: the age shown */
    int ok;                     /* the file could be read */
} table;

static void table_read(void)
{
    FILE *f = proc_open("/proc/net/tcp");
    char line[512];

    table.taken_us = now_us();
    table.n = 0;
    table.ok = f != NULL;
    while (f && fgets(line, sizeof(line), f) && table.n < TCP_TABLE_MAX_ROWS) {
        if (table.n == table.cap) {
            size_t cap = table.cap ? table.cap * 2 : 256;
            struct tcp_row *rows = realloc(table.rows, cap * sizeof(*rows));
            if (!rows)
                break;
            table.rows = rows;
            table.cap = cap;
        }
        if (parse_row(line, &table.rows[table.n]) == 0)
            table.n++;
    }
    if (f)
        fclose(f);
    table.done_us = now_us();
}

/* The snapshot for this request; NULL when /proc/net/tcp is not readable. */
static int table_get(const struct req_ctx *ctx)
{
    uint64_t now = now_us();

    if (!table.taken_us || table.taken_us <= ctx->accepted_us ||
        now - table.taken_us > TCP_TABLE_MAX_AGE_MS * 1000)
        table_read();
    return table.ok ? 0 : -1;
}

static int is_mine(const struct tcp_row *r, const struct req_ctx *ctx)
{
    return ctx->have_local && ctx->have_peer && same_end(&r->local, &ctx->local) &&
           same_end(&r->remote, &ctx->peer);
}

int tcp_row_find(const struct req_ctx *ctx, struct tcp_row *out, unsigned *age_ms)
{
    if (table_get(ctx))
        return -1;
    *age_ms = (unsigned)((now_us() - table.done_us) / 1000);
    for (size_t i = 0; i < table.n; i++) {
        if (is_mine(&table.rows[i], ctx)) {
            *out = table.rows[i];
            return 0;
        }
    }
    return -1;
}

static void row_html(struct buf *b, const struct tcp_row *r, int mine)
{
    char la[INET_ADDRSTRLEN], ra[INET_ADDRSTRLEN];

    inet_ntop(AF_INET, &r->local.sin_addr, la, sizeof(la));
    inet_ntop(AF_INET, &r->remote.sin_addr, ra, sizeof(ra));
    buf_printf(b, "<tr%s><td>%u</td><td>%s:%u</td><td>%s:%u</td><td class=\"st\">%s</td>"
               "<td>%lu</td><td>%lu</td><td>%s",
               mine ? " class=\"you\"" : "", r->sl, la, ntohs(r->local.sin_port), ra,
               ntohs(r->remote.sin_port), tcp_state_name(r->st), r->tx_queue, r->rx_queue,
               tcp_timer_name(r->tr));
    if (r->tr)
        buf_printf(b, " (%lu ticks)", r->when);
    buf_printf(b, "</td><td>%lu</td><td>%u</td><td>%lu</td>%s</tr>\n", r->retrnsmt, r->uid,
               r->inode, mine ? "<td>&larr; this request</td>" : "<td></td>");
}

static const char status_head[] =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>httpd: sockets</title>\n"
    "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 8px;font-family:monospace}"
    "tr.you{background:#ffd}</style></head><body>\n"
    "<h1>TCP sockets</h1>\n<p>The kernel's table from <code>/proc/net/tcp</code>, read "
    "after your connection was accepted, at most " TCP_TABLE_MAX_AGE_STR " ms ago. Recv-Q: bytes received and not yet read by the app (for a listener: the "
    "accept queue, and Send-Q its limit); Send-Q: bytes sent and not yet acknowledged. <a href=\"/\">index</a> "
    "&middot; <a href=\"/stats\">stats</a></p>\n";

/* Rows of /proc/net/tcp; returns how many, or -1 when it cannot be read. */
static int status_rows(struct buf *b, const struct req_ctx *ctx)
{
    size_t skipped = 0;

    if (table_get(ctx))
        return -1;
    for (size_t i = 0; i < table.n; i++) {
        int mine = is_mine(&table.rows[i], ctx);
        if (i < STATUS_MAX_ROWS || mine)       /* the visitor's row always shows */
            row_html(b, &table.rows[i], mine);
        else
            skipped++;
    }
    if (skipped)
        buf_printf(b, "<tr><td colspan=\"11\">%zu more not shown</td></tr>\n", skipped);
    return (int)table.n;
}

const char *page_status(struct buf *b, const struct req_ctx *ctx)
{
    int rows;

    buf_puts(b, status_head);
    buf_puts(b, "<table>\n<tr><th>sl</th><th>local</th><th>peer</th><th>state</th>"
             "<th>Send-Q</th><th>Recv-Q</th><th>timer</th><th>retransmits</th><th>uid</th>"
             "<th>inode</th><th></th></tr>\n");
    rows = status_rows(b, ctx);
    buf_puts(b, "</table>\n");
    if (rows < 0)
        buf_puts(b, "<p id=\"na\">/proc/net/tcp: not available</p>\n");
    else
        buf_printf(b, "<p>%d sockets.</p>\n", rows);
    buf_puts(b, "</body></html>\n");
    return "text/html; charset=utf-8";
}
