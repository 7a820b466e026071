/*
 * echo: the small TCP/UDP services of RFC 862/863/864 in one epoll loop:
 *
 *   UDP 7   echo     every datagram back to its sender unchanged (0..65507 bytes)
 *   TCP 7   echo     every byte back; on the peer's FIN, what is left, then close
 *   TCP 9   discard  read and drop; close on the peer's FIN
 *   TCP 19  chargen  RFC 864's 72-character rotating lines (74 bytes with CRLF),
 *                    written without pause until the peer closes
 *
 * Plain POSIX (plus epoll), so the same static binary runs on Linux and on
 * the unikernel.  Every socket is non-blocking; one level-triggered epoll
 * set holds the listeners, the UDP socket and the connections.  An echo
 * connection has one buffer: while it holds unsent bytes the connection
 * waits for EPOLLOUT only, so a peer that does not read stops being read
 * (TCP's flow control passes back to it).  Each readiness event does a
 * bounded amount of work, so one busy connection cannot starve the others.
 *
 * Usage: echo [echo-port [discard-port [chargen-port]]]  (default 7 9 19).
 * Prints "echo: udp port P ready" and then "echo: tcp ports E D C ready".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DGRAM   65507       /* largest UDP payload over IPv4 */
#define CONN_BUF    65536       /* echo buffer, and the read/write size */
#define ROUNDS      16          /* reads or writes per readiness event */
#define MAX_EVENTS  64

#define GEN_LINE    72          /* RFC 864: characters per line */
#define GEN_CHARS   95          /* printable ASCII, ' ' (32) to '~' (126) */
#define GEN_PERIOD  (GEN_CHARS * (GEN_LINE + 2))   /* 7030: the pattern repeats */

enum kind { K_UDP, K_LISTEN, K_CONN };
enum service { S_ECHO, S_DISCARD, S_CHARGEN };

struct ent {
    enum kind kind;
    enum service svc;
    int fd;
    unsigned events;            /* the interest set epoll has now */
    unsigned char *buf;         /* echo: pending bytes buf[off..len) */
    size_t off, len;
    size_t gen;                 /* chargen: position in the pattern */
    int eof;                    /* echo: the peer's FIN seen */
};

static int ep;
static unsigned char dgram[MAX_DGRAM + 1];
static unsigned char scratch[CONN_BUF];
static unsigned char pattern[GEN_PERIOD + CONN_BUF];

static void gen_pattern(void)
{
    size_t k = 0;

    for (int line = 0; line < GEN_CHARS; line++) {
        for (int i = 0; i < GEN_LINE; i++)
            pattern[k++] = (unsigned char)(' ' + (line + i) % GEN_CHARS);
        pattern[k++] = '\r';
        pattern[k++] = '\n';
    }
    for (size_t i = GEN_PERIOD; i < sizeof(pattern); i++)
        pattern[i] = pattern[i - GEN_PERIOD];
}

static int watch(struct ent *e, int op, unsigned events)
{
    struct epoll_event ev = { .events = events, .data.ptr = e };

    if (epoll_ctl(ep, op, e->fd, &ev) < 0) {
        perror("echo: epoll_ctl");
        return -1;
    }
    e->events = events;
    return 0;
}

static int bound_socket(int type, unsigned short port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    int one = 1;
    int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        perror("echo: socket");
        return -1;
    }
    if (type == SOCK_STREAM)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
        (type == SOCK_STREAM && listen(fd, 1024) < 0)) {
        fprintf(stderr, "echo: %s port %u: %s\n", type == SOCK_STREAM ? "tcp" : "udp",
                port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static struct ent *add(enum kind kind, enum service svc, int fd, unsigned events)
{
    struct ent *e = calloc(1, sizeof(*e));

    if (!e)
        return NULL;
    e->kind = kind;
    e->svc = svc;
    e->fd = fd;
    if (watch(e, EPOLL_CTL_ADD, events) < 0) {
        free(e);
        return NULL;
    }
    return e;
}

static void drop(struct ent *e)
{
    close(e->fd);           /* also leaves the epoll set */
    free(e->buf);
    free(e);
}

static void udp_ready(struct ent *e)
{
    for (int i = 0; i < ROUNDS; i++) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);
        ssize_t n = recvfrom(e->fd, dgram, sizeof(dgram), 0, (struct sockaddr *)&peer, &plen);

        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                fprintf(stderr, "echo: recvfrom: %s\n", strerror(errno));
            return;
        }
        /* A reply that cannot go (no route, ARP gave up) must not stop the service. */
        if (sendto(e->fd, dgram, (size_t)n, 0, (struct sockaddr *)&peer, plen) < 0)
            fprintf(stderr, "echo: sendto: %s\n", strerror(errno));
    }
}

static void accept_ready(struct ent *l)
{
    for (int i = 0; i < ROUNDS; i++) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct ent *c;

        if (fd < 0) {
            if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                fprintf(stderr, "echo: accept: %s\n", strerror(errno));
            return;
        }
        if (l->svc == S_CHARGEN)
            c = add(K_CONN, S_CHARGEN, fd, EPOLLIN | EPOLLOUT);
        else
            c = add(K_CONN, l->svc, fd, EPOLLIN);
        if (c && c->svc == S_ECHO && !(c->buf = malloc(CONN_BUF))) {
            drop(c);
            c = NULL;
        }
        if (!c) {
            fprintf(stderr, "echo: no memory for a connection\n");
            close(fd);
        }
    }
}

static int gone(ssize_t n)
{
    return n < 0 && errno != EAGAIN && errno != EINTR;
}

static int conn_ready(struct ent *c, unsigned revents)
{
    ssize_t n = 0;

    switch (c->svc) {
    case S_ECHO: {
        int i;

        errno = 0;
        for (i = 0; i < ROUNDS; i++) {
            if (c->off < c->len) {
                n = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
                if (n < 0)
                    break;
                c->off += (size_t)n;
                if (c->off == c->len)
                    c->off = c->len = 0;
            } else if (!c->eof) {
                n = recv(c->fd, c->buf, CONN_BUF, 0);
                if (n < 0)
                    break;
                if (n == 0)
                    c->eof = 1;
                c->len = (size_t)n;
            } else {
                return 1;       /* all echoed and the peer has finished */
            }
        }
        if (gone(n))
            return 1;
        if (c->eof && c->off == c->len)
            return 1;
        unsigned want = c->off < c->len ? EPOLLOUT : EPOLLIN;
        if (want != c->events && watch(c, EPOLL_CTL_MOD, want) < 0)
            return 1;
        return 0;
    }
    case S_DISCARD:
        for (int i = 0; i < ROUNDS; i++) {
            n = recv(c->fd, scratch, sizeof(scratch), 0);
            if (n <= 0)
                break;
        }
        return n == 0 || gone(n);
    case S_CHARGEN:
        if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
            n = recv(c->fd, scratch, sizeof(scratch), 0);
            if (n == 0 || gone(n))
                return 1;       /* the peer closed (or reset): stop */
        }
        if (revents & EPOLLOUT) {
            for (int i = 0; i < ROUNDS; i++) {
                n = send(c->fd, pattern + c->gen, CONN_BUF, MSG_NOSIGNAL);
                if (n < 0)
                    break;
                c->gen = (c->gen + (size_t)n) % GEN_PERIOD;
            }
            if (gone(n))
                return 1;
        }
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    unsigned short port[3] = { 7, 9, 19 };
    static const enum service svc[3] = { S_ECHO, S_DISCARD, S_CHARGEN };
    struct epoll_event evs[MAX_EVENTS];
    int fd;

    for (int i = 0; i < 3 && i + 1 < argc; i++)
        port[i] = (unsigned short)atoi(argv[i + 1]);
    gen_pattern();
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        perror("echo: epoll_create1");
        return 1;
    }
    fd = bound_socket(SOCK_DGRAM, port[0]);
    if (fd < 0 || !add(K_UDP, S_ECHO, fd, EPOLLIN))
        return 1;
    printf("echo: udp port %u ready\n", port[0]);
    fflush(stdout);
    for (int i = 0; i < 3; i++) {
        fd = bound_socket(SOCK_STREAM, port[i]);
        if (fd < 0 || !add(K_LISTEN, svc[i], fd, EPOLLIN))
            return 1;
    }
    printf("echo: tcp ports %u %u %u ready\n", port[0], port[1], port[2]);
    fflush(stdout);

    for (;;) {
        int n = epoll_wait(ep, evs, MAX_EVENTS, -1);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("echo: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct ent *e = evs[i].data.ptr;

            if (e->kind == K_UDP)
                udp_ready(e);
            else if (e->kind == K_LISTEN)
                accept_ready(e);
            else if (conn_ready(e, evs[i].events))
                drop(e);
        }
    }
}
