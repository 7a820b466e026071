/*
 * httpd.h: what httpd's files share.
 *
 *   main.c      options, the listening socket
 *   loop.c      epoll loop, connections, timeouts        (uses the parser)
 *   http_parse.c  request parser and limits (http_parse.h)
 *   response.c  routing, status line and headers, error responses
 *   pages.c     the index page (the visitor's own request, step by step)
 *   status.c    /proc/net/tcp: parser, row lookup, /status page
 *   stats.c     counters and /stats JSON (/proc/net/snmp, /proc/net/dev)
 *   buf.c       growable output buffers, HTML and JSON escaping
 */
#ifndef HTTPD_H
#define HTTPD_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "http_parse.h"

/* Defaults; -p, -t and -c override (main.c). */
#define HTTPD_PORT          80
#define HTTPD_TIMEOUT_MS    10000   /* idle: 408 with a partial request, else close */
#define HTTPD_MAX_CONNS     512     /* at the cap the least recently active is evicted */
#define HTTPD_LINGER_MS     2000    /* drain after a closing response (see loop.c) */
#define HTTPD_OUT_HIGH      (256 * 1024)  /* stop parsing/reading above this backlog */
#define HTTPD_PAGE_MAX      (4 * 1024 * 1024)  /* cap on one generated page */

/* A growable byte buffer: responses are built here, then written out. */
struct buf {
    char *p;
    size_t len, cap, off;       /* off: bytes already written to the socket */
    int overflow;               /* an append was refused (HTTPD_PAGE_MAX) */
};

void buf_add(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_html(struct buf *b, const char *s, size_t n);   /* escaped for HTML text */
void buf_json_str(struct buf *b, const char *s);          /* a quoted JSON string */
void buf_free(struct buf *b);

/* What a page handler knows about the connection and the request. */
struct req_ctx {
    const struct http_request *req;
    struct sockaddr_in peer, local;
    int have_peer, have_local;
    unsigned long conn_requests;    /* requests on this connection, this one included */
    uint64_t accepted_us;           /* when accept4 returned it (now_us) */
};

/* pages.c, status.c, stats.c: append a page body; return its content type. */
const char *page_index(struct buf *body, const struct req_ctx *ctx);
const char *page_status(struct buf *body, const struct req_ctx *ctx);
const char *page_stats(struct buf *body, const struct req_ctx *ctx);

/* status.c: one row of /proc/net/tcp (Linux's format, see status.c). */
struct tcp_row {
    unsigned sl;
    struct sockaddr_in local, remote;
    unsigned st;                    /* TCP_ESTABLISHED=1 ... TCP_NEW_SYN_RECV=12 */
    unsigned long tx_queue, rx_queue;
    unsigned tr;                    /* timer kind: 0 none, 1 retransmit, 2 keepalive, ... */
    unsigned long when;             /* timer expiry, clock ticks (USER_HZ) */
    unsigned long retrnsmt;
    unsigned uid;
    unsigned long timeout, inode;
};
FILE *proc_open(const char *path);     /* fopen "r" with a large buffer */
const char *tcp_state_name(unsigned st);
const char *tcp_timer_name(unsigned tr);
/* The row of this request's connection (from a snapshot *age_ms old);
 * 0 found, -1 not (or no file). */
int tcp_row_find(const struct req_ctx *ctx, struct tcp_row *out, unsigned *age_ms);

/* stats.c: process-wide counters (one thread, so no locking). */
struct httpd_stats {
    uint64_t start_ms;
    unsigned long accepted, open, evicted, timed_out;
    unsigned long requests;
    unsigned long by_status[600];
    unsigned long long bytes_in, bytes_out;
};
extern struct httpd_stats stats;
uint64_t now_us(void);          /* CLOCK_MONOTONIC in microseconds */
uint64_t now_ms(void);

/* response.c: answer one parsed request, or an error status, into out.
 * Returns 1 when the connection must close after this response. */
int respond(struct buf *out, const struct req_ctx *ctx);
int respond_error(struct buf *out, int status, int head_only);

/* loop.c */
struct httpd_config {
    struct in_addr addr;
    unsigned port;
    unsigned timeout_ms;
    unsigned max_conns;
};
int loop_init(int listen_fd, const struct httpd_config *cfg);   /* 0 or -1 */
int loop_run(void);             /* returns only on a fatal error: -1 */

/* main.c: print "httpd: <what>: <strerror(errno)>" on stdout; returns -1.
 * stdout, because in the unikernel it is the console tests read. */
int httpd_fail(const char *what);

#endif
