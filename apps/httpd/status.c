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
#include <string.h>

#include "httpd.h"

#define STATUS_MAX_ROWS 4000    /* a bounded page on busy hosts */

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

int tcp_row_find(const struct sockaddr_in *local, const struct sockaddr_in *remote,
                 struct tcp_row *out)
{
    FILE *f = proc_open("/proc/net/tcp");
    char line[512];
    int found = -1;

    if (!f)
        return -1;
    while (found && fgets(line, sizeof(line), f))
        if (parse_row(line, out) == 0 && same_end(&out->local, local) &&
            same_end(&out->remote, remote))
            found = 0;
    fclose(f);
    return found;
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
    "<h1>TCP sockets</h1>\n<p>The kernel's table from <code>/proc/net/tcp</code>, read for "
    "this request. Recv-Q: bytes received and not yet read by the app (for a listener: the "
    "accept queue, and Send-Q its limit); Send-Q: bytes sent and not yet acknowledged. <a href=\"/\">index</a> "
    "&middot; <a href=\"/stats\">stats</a></p>\n";

/* Rows of /proc/net/tcp; returns how many, or -1 when it cannot be read. */
static int status_rows(struct buf *b, const struct req_ctx *ctx)
{
    FILE *f = proc_open("/proc/net/tcp");
    char line[512];
    struct tcp_row r;
    int rows = 0, skipped = 0;

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        if (parse_row(line, &r))
            continue;
        if (rows >= STATUS_MAX_ROWS) {
            skipped++;
            continue;
        }
        row_html(b, &r, ctx->have_local && ctx->have_peer &&
                 same_end(&r.local, &ctx->local) && same_end(&r.remote, &ctx->peer));
        rows++;
    }
    fclose(f);
    if (skipped)
        buf_printf(b, "<tr><td colspan=\"11\">%d more not shown</td></tr>\n", skipped);
    return rows;
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
