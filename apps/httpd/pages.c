/*
 * pages.c: the index page, built for each visitor: the path their own
 * request took through the unikernel, from the virtio-net RX ring up to
 * httpd's read() and back out, with the live facts we can see filled in
 * (their address and port from accept/getpeername, their connection's row
 * in /proc/net/tcp, this request's size).  The prose is written as C
 * strings here, so the page is in the binary and needs no build step.
 *
 * On Linux the same binary serves the same page: the facts are Linux's,
 * and the first step happened on the loopback device, not virtio-net.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "httpd.h"

static const char index_head[] =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
    "<title>httpd: the path of your request</title>\n"
    "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.45}"
    "code,.live{font-family:monospace}.live{background:#ffd;padding:0 3px}"
    "li{margin-bottom:.7em}</style></head><body>\n"
    "<h1>The path your request took</h1>\n";

/* One live value, marked so a reader sees what was measured just now. */
static void live(struct buf *b, const char *fmt, const char *value)
{
    buf_puts(b, "<span class=\"live\">");
    if (fmt)
        buf_printf(b, fmt, value);
    else
        buf_html(b, value, strlen(value));
    buf_puts(b, "</span>");
}

static void addr_str(char *out, size_t n, const struct sockaddr_in *sa, int have)
{
    char ip[INET_ADDRSTRLEN];

    if (!have || !inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof(ip)))
        snprintf(out, n, "not available");
    else
        snprintf(out, n, "%s:%u", ip, ntohs(sa->sin_port));
}

static void intro(struct buf *b, const struct req_ctx *ctx, const char *peer,
                  const char *local)
{
    struct utsname u;

    buf_puts(b, "<p>This page was generated for your request alone. You are ");
    live(b, NULL, peer);
    buf_printf(b, " (port <span class=\"live\" id=\"peer-port\">%u</span>), talking to ",
               ctx->have_peer ? ntohs(ctx->peer.sin_port) : 0);
    live(b, NULL, local);
    buf_puts(b, ", served by ");
    if (uname(&u) == 0) {
        char k[200];
        snprintf(k, sizeof(k), "%s %s %s", u.sysname, u.release, u.machine);
        live(b, NULL, k);
    } else {
        live(b, NULL, "a kernel without uname");
    }
    buf_puts(b, ". Highlighted values were read while answering you. In the unikernel "
             "the steps below are its own code; under Linux the same binary runs and the "
             "first step happens on Linux's loopback or NIC driver instead.</p>\n<ol>\n");
}

static void steps_in(struct buf *b, const char *peer, const char *local)
{
    buf_puts(b, "<li><b>Wire to memory: virtio-net RX ring.</b> Your SYN, and later each "
             "segment of your request, arrived as an Ethernet frame. The NIC (QEMU's "
             "virtio-net device) copied it into a buffer the driver had posted on the "
             "receive virtqueue and raised an interrupt. The interrupt only schedules a "
             "NAPI-style poll, which takes a bounded batch of frames off the used ring into "
             "<code>sk_buff</code>s and reposts buffers, with notifications suppressed "
             "while it runs (each VM exit is costly under emulation).</li>\n");
    buf_puts(b, "<li><b>Ethernet, IPv4, TCP input.</b> EtherType 0x0800 hands the frame to "
             "IPv4, which checks the header checksum and the destination address, "
             "reassembles fragments, and dispatches protocol 6 to TCP. TCP verifies the "
             "checksum and looks the 4-tuple ");
    live(b, NULL, peer);
    buf_puts(b, " &rarr; ");
    live(b, NULL, local);
    buf_puts(b, " up in the established-socket hash; your first SYN missed it and matched "
             "the listening socket instead.</li>\n");
    buf_puts(b, "<li><b>SYN queue, then accept queue.</b> The SYN created a request sock "
             "in the listener's SYN (half-open) queue and a SYN-ACK went back. Your ACK "
             "completed the handshake (RFC 9293 &sect;3.5): a full <code>tcp_sock</code> "
             "was created and put on the listener's accept queue, bounded by the "
             "<code>listen()</code> backlog.</li>\n");
    buf_puts(b, "<li><b>Wake-up.</b> Queuing it woke the listener's wait queue; the "
             "callback epoll registered there marked the listener ready, and httpd's "
             "<code>epoll_wait</code> returned. httpd called <code>accept4</code> and got "
             "a non-blocking socket for you, then added it to its epoll set "
             "(level-triggered).</li>\n");
}

static void steps_request(struct buf *b, const struct req_ctx *ctx)
{
    const struct http_request *r = ctx->req;
    char n[160];

    buf_puts(b, "<li><b>Receive buffer and wait queue.</b> The segments carrying your "
             "request were checked against the receive window, appended in order to the "
             "socket's receive queue (<code>sk_receive_queue</code>, charged to "
             "<code>sk_rcvbuf</code>) and acknowledged; the socket's wait queue "
             "(<code>sk_wq</code>) woke epoll again.</li>\n");
    buf_puts(b, "<li><b>The app's read.</b> httpd's <code>read()</code> entered the kernel "
             "through <code>syscall</code>, which copied the bytes out of the receive "
             "queue into httpd's per-connection buffer (<code>copy_to_user</code>). Your "
             "request: ");
    snprintf(n, sizeof(n), "%zu bytes of request line and headers, %zu of body",
             r->head_len, r->content_length);
    live(b, NULL, n);
    buf_puts(b, ", <code>");
    buf_html(b, r->method_str, r->method_len);
    buf_puts(b, " ");
    buf_html(b, r->path, r->path_len);
    buf_printf(b, " HTTP/1.%d</code>, request ", r->minor);
    snprintf(n, sizeof(n), "%lu", ctx->conn_requests);
    live(b, "number %s", n);
    buf_puts(b, " on this connection.</li>\n");
}

static void row_facts(struct buf *b, const struct req_ctx *ctx)
{
    struct tcp_row row;
    unsigned age;
    char n[200];

    buf_puts(b, "<li><b>Your socket, now.</b> Its row in <code>/proc/net/tcp</code>");
    if (tcp_row_find(ctx, &row, &age) != 0) {
        buf_puts(b, ": ");
        live(b, NULL, "not available");
        buf_puts(b, ".</li>\n");
        return;
    }
    buf_printf(b, " (read %u ms ago): state <span class=\"live\" id=\"state\">", age);
    buf_puts(b, tcp_state_name(row.st));
    buf_puts(b, "</span>, ");
    snprintf(n, sizeof(n), "Send-Q %lu, Recv-Q %lu", row.tx_queue, row.rx_queue);
    live(b, NULL, n);
    snprintf(n, sizeof(n), "%s%s", tcp_timer_name(row.tr), row.tr ? " timer pending" : "");
    buf_puts(b, ", timer ");
    live(b, NULL, n);
    snprintf(n, sizeof(n), "%lu retransmits, inode %lu", row.retrnsmt, row.inode);
    buf_puts(b, ", ");
    live(b, NULL, n);
    buf_puts(b, ". Recv-Q counts bytes httpd has not read yet: yours it has.</li>\n");
}

static void steps_out(struct buf *b)
{
    buf_puts(b, "<li><b>And back out.</b> This page, headers and body, goes out in one "
             "<code>write()</code>: TCP appends it to the socket's write queue, cuts it "
             "into MSS-sized segments within your receive window and its congestion "
             "window, and hands them to IPv4 (route, ARP for the next hop) and to the "
             "virtio-net transmit virtqueue, one doorbell per batch. The bytes stay in "
             "Send-Q until your ACKs free them; lost segments are resent by the "
             "retransmit timer.</li>\n</ol>\n");
    buf_puts(b, "<p>More: <a href=\"/status\">/status</a>, the kernel's whole socket "
             "table; <a href=\"/stats\">/stats</a>, counters as JSON.</p>\n"
             "</body></html>\n");
}

const char *page_index(struct buf *b, const struct req_ctx *ctx)
{
    char peer[64], local[64];

    addr_str(peer, sizeof(peer), &ctx->peer, ctx->have_peer);
    addr_str(local, sizeof(local), &ctx->local, ctx->have_local);
    buf_puts(b, index_head);
    intro(b, ctx, peer, local);
    steps_in(b, peer, local);
    steps_request(b, ctx);
    row_facts(b, ctx);
    steps_out(b);
    return "text/html; charset=utf-8";
}
