/*
 * loop.c: the event loop and connection lifecycle.  Below: the kernel's
 * sockets and epoll; above: http_parse.c (framing) and response.c (answers).
 *
 * Level-triggered epoll, on purpose: each ready connection gets one read()
 * per wakeup, so a fast sender cannot starve the others (edge-triggered
 * would oblige us to drain every socket to EAGAIN before moving on), and
 * backpressure is just dropping EPOLLIN from the interest set: a connection
 * whose output backlog is over HTTPD_OUT_HIGH is not read until it drains.
 *
 * Timeouts need no timer wheel: every timeout in a list is the same length,
 * so a list kept in order of last activity (touch() moves a connection to
 * the tail) is also in deadline order; the head's deadline is epoll_wait's
 * timeout.  `active` holds open connections (idle timeout -t), `linger`
 * those draining after a closing response.  The active head is also the
 * least recently active connection, evicted when the cap (-c) is reached:
 * that, per-connection buffers and the idle timeout are what keep slowloris
 * clients (many half-sent requests) from stopping others being served.
 */
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "httpd.h"

enum conn_state { C_OPEN, C_LINGER, C_DEAD };

struct conn_list {
    struct conn *head, *tail;
    unsigned timeout_ms;
};

struct conn {
    int fd;
    enum conn_state state;
    int close_after;            /* a closing response is queued: read no more requests */
    int peer_eof;               /* the peer shut its side: close once output is out */
    uint32_t events;            /* the interest set epoll has now */
    uint64_t deadline;
    struct conn *prev, *next;   /* in list, oldest activity first; next: dead list too */
    struct conn_list *list;
    struct req_ctx ctx;
    struct buf out;
    size_t in_len;
    char in[HTTP_MAX_REQUEST];
};

static struct {
    int epfd, lfd;
    unsigned max_conns, nconns;
    struct conn_list active, linger;
    struct conn *dead;          /* freed after each epoll batch: events may still name them */
} srv;

uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t now_ms(void)
{
    return now_us() / 1000;
}

static void list_remove(struct conn *c)
{
    struct conn_list *l = c->list;

    if (!l)
        return;
    *(c->prev ? &c->prev->next : &l->head) = c->next;
    *(c->next ? &c->next->prev : &l->tail) = c->prev;
    c->prev = c->next = NULL;
    c->list = NULL;
}

static void list_append(struct conn_list *l, struct conn *c)
{
    c->deadline = now_ms() + l->timeout_ms;
    c->list = l;
    c->prev = l->tail;
    c->next = NULL;
    *(l->tail ? &l->tail->next : &l->head) = c;
    l->tail = c;
}

/* Activity: restart the idle timeout. */
static void touch(struct conn *c)
{
    struct conn_list *l = c->list;

    list_remove(c);
    list_append(l, c);
}

static size_t pending(const struct conn *c)
{
    return c->out.len - c->out.off;
}

static void conn_kill(struct conn *c)
{
    if (c->state == C_DEAD)
        return;
    close(c->fd);               /* also leaves the epoll set: the fd is not shared */
    list_remove(c);
    buf_free(&c->out);
    c->state = C_DEAD;
    c->next = srv.dead;
    srv.dead = c;
    srv.nconns--;
    stats.open--;
}

static void set_interest(struct conn *c)
{
    uint32_t want = 0;
    struct epoll_event ev;

    if (c->state == C_LINGER)
        want = EPOLLIN;
    else if (!c->close_after && !c->peer_eof && pending(c) < HTTPD_OUT_HIGH &&
             c->in_len < sizeof(c->in))
        want = EPOLLIN;
    if (c->state == C_OPEN && pending(c))
        want |= EPOLLOUT;
    if (want == c->events)
        return;                 /* every epoll_ctl is a syscall (a VM exit in a guest) */
    ev.events = want;
    ev.data.ptr = c;
    if (epoll_ctl(srv.epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
        c->events = want;
    else
        conn_kill(c);
}

/*
 * RFC 9112 §9.6: close in stages.  Closing a socket with unread input makes
 * TCP send a reset, which can destroy the response before the client reads
 * it (a 413 whose body we never read).  So: shut our sending side, then read
 * and discard until the client closes or HTTPD_LINGER_MS passes.
 */
static void begin_linger(struct conn *c)
{
    shutdown(c->fd, SHUT_WR);
    c->state = C_LINGER;
    c->in_len = 0;
    list_remove(c);
    list_append(&srv.linger, c);
    set_interest(c);
}

static void linger_read(struct conn *c)
{
    ssize_t n = read(c->fd, c->in, sizeof(c->in));

    if (n > 0)
        stats.bytes_in += (unsigned long long)n;
    else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        conn_kill(c);
}

/* Write what is queued.  Returns -1 when the connection was closed. */
static int conn_flush(struct conn *c)
{
    while (pending(c)) {
        ssize_t n = write(c->fd, c->out.p + c->out.off, pending(c));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0) {
            conn_kill(c);
            return -1;
        }
        c->out.off += (size_t)n;
        stats.bytes_out += (unsigned long long)n;
        touch(c);
    }
    if (c->out.cap > 65536)
        buf_free(&c->out);      /* a big /status page: give the memory back */
    c->out.len = c->out.off = 0;
    if (c->close_after && c->peer_eof) {
        conn_kill(c);
        return -1;
    }
    if (c->close_after)
        begin_linger(c);
    return 0;
}

/* Answer every complete request in the input buffer, in order (pipelining),
 * while the output backlog allows; keep what is left for the next read. */
static void conn_process(struct conn *c)
{
    size_t off = 0;

    while (!c->close_after && off < c->in_len && pending(c) < HTTPD_OUT_HIGH) {
        struct http_request req;
        long n = http_parse(c->in + off, c->in_len - off, &req);
        if (n == 0)
            break;
        if (n < 0) {
            respond_error(&c->out, (int)-n, 0);
            c->close_after = 1;
            off = c->in_len;
            break;
        }
        c->ctx.req = &req;
        c->ctx.conn_requests++;
        c->close_after = respond(&c->out, &c->ctx);
        c->ctx.req = NULL;
        off += (size_t)n;
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    /* After the peer's FIN only complete requests held back by the backlog
     * can still be answered; a partial one never completes. */
    if (c->peer_eof && pending(c) < HTTPD_OUT_HIGH)
        c->close_after = 1;
}

static void conn_read(struct conn *c)
{
    ssize_t n;

    /* EPOLLHUP arrives unasked: with no room (or no wish) to read, a
     * 0-byte read would look like the peer's EOF.  A write tells instead. */
    if (c->close_after || c->peer_eof || c->in_len == sizeof(c->in))
        return;
    n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n < 0) {
        conn_kill(c);
        return;
    }
    if (n == 0) {               /* the peer is done sending: finish what we owe */
        c->peer_eof = 1;
        return;
    }
    c->in_len += (size_t)n;
    stats.bytes_in += (unsigned long long)n;
    touch(c);
}

static void conn_event(struct conn *c, uint32_t events)
{
    if (c->state == C_DEAD)
        return;
    if (events & EPOLLERR) {
        conn_kill(c);
        return;
    }
    if (c->state == C_LINGER) {
        linger_read(c);
        return;
    }
    if (events & (EPOLLIN | EPOLLHUP))
        conn_read(c);
    if (c->state != C_OPEN)
        return;
    conn_process(c);
    if (conn_flush(c) == 0 && c->state == C_OPEN) {
        conn_process(c);        /* requests held back by the backlog, now drained */
        if (conn_flush(c) == 0 && c->state == C_OPEN)
            set_interest(c);
    }
}

/* At the cap: the connection idle longest goes (lingering ones first). */
static void evict_one(void)
{
    struct conn *c = srv.linger.head ? srv.linger.head : srv.active.head;

    if (c) {
        stats.evicted++;
        conn_kill(c);
    }
}

static void conn_new(int fd, const struct sockaddr_in *peer)
{
    struct conn *c = calloc(1, sizeof(*c));
    struct epoll_event ev = { .events = EPOLLIN };
    socklen_t len = sizeof(c->ctx.local);
    int one = 1;

    if (!c) {
        close(fd);
        return;
    }
    c->fd = fd;
    c->events = EPOLLIN;
    c->ctx.peer = *peer;
    c->ctx.have_peer = 1;
    c->ctx.accepted_us = now_us();
    c->ctx.have_local = getsockname(fd, (struct sockaddr *)&c->ctx.local, &len) == 0;
    /* Each response is one write(); Nagle would only delay pipelined ones. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ev.data.ptr = c;
    if (epoll_ctl(srv.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        close(fd);
        free(c);
        return;
    }
    list_append(&srv.active, c);
    srv.nconns++;
    stats.open++;
    stats.accepted++;
}

/* A bounded batch per wakeup, so established connections keep their turn. */
static void accept_ready(void)
{
    for (int i = 0; i < 64; i++) {
        struct sockaddr_in peer;
        socklen_t len = sizeof(peer);
        int fd = accept4(srv.lfd, (struct sockaddr *)&peer, &len,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;             /* EAGAIN, or an aborted handshake: next wakeup */
        if (srv.nconns >= srv.max_conns)
            evict_one();
        conn_new(fd, &peer);
    }
}

/* An idle connection with half a request gets 408 (RFC 9110 §15.5.9) and
 * is closed; one with nothing pending is just closed. */
static void expire(uint64_t now)
{
    struct conn *c;

    while ((c = srv.linger.head) && c->deadline <= now)
        conn_kill(c);
    while ((c = srv.active.head) && c->deadline <= now) {
        if (!c->in_len || c->close_after || pending(c)) {
            conn_kill(c);
            continue;
        }
        stats.timed_out++;
        respond_error(&c->out, 408, 0);
        c->close_after = 1;
        c->in_len = 0;
        touch(c);               /* a full timeout to take the 408 */
        if (conn_flush(c) == 0 && c->state != C_DEAD)
            set_interest(c);
    }
}

static int next_timeout(uint64_t now)
{
    uint64_t d = UINT64_MAX;

    if (srv.active.head)
        d = srv.active.head->deadline;
    if (srv.linger.head && srv.linger.head->deadline < d)
        d = srv.linger.head->deadline;
    if (d == UINT64_MAX)
        return -1;
    return d <= now ? 0 : (int)(d - now);
}

static void free_dead(void)
{
    while (srv.dead) {
        struct conn *c = srv.dead;
        srv.dead = c->next;
        free(c);
    }
}

int loop_init(int listen_fd, const struct httpd_config *cfg)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &srv };

    srv.lfd = listen_fd;
    srv.max_conns = cfg->max_conns;
    srv.active.timeout_ms = cfg->timeout_ms;
    srv.linger.timeout_ms = cfg->timeout_ms < HTTPD_LINGER_MS ? cfg->timeout_ms : HTTPD_LINGER_MS;
    srv.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (srv.epfd < 0)
        return httpd_fail("epoll_create1");
    if (epoll_ctl(srv.epfd, EPOLL_CTL_ADD, listen_fd, &ev) < 0)
        return httpd_fail("epoll_ctl");
    return 0;
}

int loop_run(void)
{
    struct epoll_event evs[64];

    for (;;) {
        int n = epoll_wait(srv.epfd, evs, 64, next_timeout(now_ms()));
        if (n < 0 && errno != EINTR)
            return httpd_fail("epoll_wait");
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == &srv)
                accept_ready();
            else
                conn_event(evs[i].data.ptr, evs[i].events);
        }
        expire(now_ms());
        free_dead();
    }
}
