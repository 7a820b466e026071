/*
 * response.c: from a parsed request to the bytes of its response.  Above:
 * loop.c, which queues what we build and writes it out.  Below: the page
 * generators (pages.c, status.c, stats.c).
 *
 * Every response carries Content-Length (RFC 9110 §8.6), so keep-alive and
 * pipelining never depend on the connection closing to end a body, and
 * HEAD gets the very headers GET would (RFC 9110 §9.3.2) without the body.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "httpd.h"

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

/* RFC 9110 §5.6.7: IMF-fixdate.  Optional (§6.6.1) but cheap. */
static void add_date(struct buf *out)
{
    char date[64];
    time_t t = time(NULL);
    struct tm tm;

    if (t != (time_t)-1 && gmtime_r(&t, &tm) &&
        strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm))
        buf_printf(out, "Date: %s\r\n", date);
}

/*
 * Status line, headers and (unless head_only) the body.  We always answer
 * HTTP/1.1 (RFC 9110 §6.2: a server sends its own highest version).  A 1.0
 * client that asked for keep-alive is told so explicitly (RFC 9112 §9.3).
 */
static void emit(struct buf *out, int status, const char *type, const struct buf *body,
                 int head_only, int close, int minor)
{
    stats.requests++;
    stats.by_status[status < 600 ? status : 0]++;
    buf_printf(out, "HTTP/1.1 %d %s\r\nServer: httpd\r\n", status, reason(status));
    add_date(out);
    buf_printf(out, "Content-Type: %s\r\nContent-Length: %zu\r\n", type, body->len);
    if (status == 405)
        buf_puts(out, "Allow: GET, HEAD\r\n");      /* RFC 9110 §15.5.6 MUST */
    if (status == 200)
        buf_puts(out, "Cache-Control: no-store\r\n");   /* live data, every time */
    if (close)
        buf_puts(out, "Connection: close\r\n");
    else if (minor == 0)
        buf_puts(out, "Connection: keep-alive\r\n");
    buf_puts(out, "\r\n");
    if (!head_only && body->len)
        buf_add(out, body->p, body->len);
}

int respond_error(struct buf *out, int status, int head_only)
{
    struct buf body = { 0 };

    buf_printf(&body, "%d %s\n", status, reason(status));
    emit(out, status, "text/plain; charset=utf-8", &body, head_only, 1, 1);
    buf_free(&body);
    return 1;
}

/* 404 and 405 keep the connection: the request was well framed. */
static void respond_plain(struct buf *out, int status, const struct http_request *r)
{
    struct buf body = { 0 };

    buf_printf(&body, "%d %s\n", status, reason(status));
    emit(out, status, "text/plain; charset=utf-8", &body, r->method == HTTP_HEAD,
         !r->keep_alive, r->minor);
    buf_free(&body);
}

static int path_is(const struct http_request *r, const char *p)
{
    size_t n = r->path_len;
    const char *q = memchr(r->path, '?', n);

    if (q)
        n = (size_t)(q - r->path);      /* the query does not pick the page */
    return n == strlen(p) && !memcmp(r->path, p, n);
}

int respond(struct buf *out, const struct req_ctx *ctx)
{
    const struct http_request *r = ctx->req;
    const char *(*page)(struct buf *, const struct req_ctx *) = NULL;
    struct buf body = { 0 };
    const char *type;

    if (r->method == HTTP_OTHER) {
        respond_plain(out, 405, r);
        return !r->keep_alive;
    }
    if (path_is(r, "/") || path_is(r, "/index.html"))
        page = page_index;
    else if (path_is(r, "/status"))
        page = page_status;
    else if (path_is(r, "/stats"))
        page = page_stats;
    if (!page) {
        respond_plain(out, 404, r);
        return !r->keep_alive;
    }
    type = page(&body, ctx);
    if (body.overflow) {
        buf_free(&body);
        return respond_error(out, 500, r->method == HTTP_HEAD);
    }
    emit(out, 200, type, &body, r->method == HTTP_HEAD, !r->keep_alive, r->minor);
    buf_free(&body);
    return !r->keep_alive;
}
