/*
 * httpd: a small HTTP/1.1 server (RFC 9112), one thread, epoll, non-blocking
 * sockets.  This file: options and the listening socket; loop.c runs the
 * server.  Plain POSIX C plus Linux epoll, static musl: the same binary runs
 * on Linux and as our unikernel's app.
 *
 *   httpd [-p PORT] [-b ADDR] [-t SECONDS] [-c MAXCONNS]
 *
 * Prints "httpd: listening on ADDR:PORT ..." when it accepts connections
 * (tests wait for that line), or "httpd: <call>: <error>" and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "httpd.h"

static void usage(void)
{
    fprintf(stderr, "usage: httpd [-p PORT] [-b ADDR] [-t SECONDS] [-c MAXCONNS]\n");
    exit(2);
}

static unsigned long number(const char *s, unsigned long min, unsigned long max)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);

    if (!*s || *end || v < min || v > max)
        usage();
    return v;
}

static void parse_args(int argc, char **argv, struct httpd_config *cfg)
{
    int c;

    while ((c = getopt(argc, argv, "p:b:t:c:")) != -1) {
        switch (c) {
        case 'p': cfg->port = (unsigned)number(optarg, 1, 65535); break;
        case 'b':
            if (inet_pton(AF_INET, optarg, &cfg->addr) != 1)
                usage();
            break;
        case 't': {
            char *end;
            double s = strtod(optarg, &end);
            if (*end || !(s > 0 && s < 86400))
                usage();
            cfg->timeout_ms = (unsigned)(s * 1000);
            break;
        }
        case 'c': cfg->max_conns = (unsigned)number(optarg, 1, 1000000); break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
}

/* Keep the connection cap under the fd limit, so accept never fails with
 * EMFILE (which would leave a level-triggered listener spinning).  A kernel
 * without getrlimit keeps the configured cap. */
static void fit_fd_limit(struct httpd_config *cfg)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur > 16 && cfg->max_conns > rl.rlim_cur - 16)
        cfg->max_conns = (unsigned)(rl.rlim_cur - 16);
}

int httpd_fail(const char *what)
{
    printf("httpd: %s: %s\n", what, strerror(errno));
    fflush(stdout);
    return -1;
}

static int listen_on(const struct httpd_config *cfg)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(cfg->port),
                              .sin_addr = cfg->addr };
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return httpd_fail("socket(AF_INET, SOCK_STREAM)");
    /* Restarts must not wait out TIME_WAIT; a kernel without it still works. */
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return httpd_fail("bind");
    /* SOMAXCONN: the accept queue should absorb bursts (wrk opens 100 at once). */
    if (listen(fd, SOMAXCONN) < 0)
        return httpd_fail("listen");
    return fd;
}

int main(int argc, char **argv)
{
    struct httpd_config cfg = { .addr = { INADDR_ANY }, .port = HTTPD_PORT,
                                .timeout_ms = HTTPD_TIMEOUT_MS,
                                .max_conns = HTTPD_MAX_CONNS };
    char addr[INET_ADDRSTRLEN];
    int fd;

    parse_args(argc, argv, &cfg);
    fit_fd_limit(&cfg);
    /* A peer that resets while we write must give EPIPE, not kill us. */
    signal(SIGPIPE, SIG_IGN);
    stats.start_ms = now_ms();
    fd = listen_on(&cfg);
    if (fd < 0 || loop_init(fd, &cfg) < 0)
        return 1;
    inet_ntop(AF_INET, &cfg.addr, addr, sizeof(addr));
    printf("httpd: listening on %s:%u (idle timeout %u ms, max %u connections)\n",
           addr, cfg.port, cfg.timeout_ms, cfg.max_conns);
    fflush(stdout);
    return loop_run() ? 1 : 0;
}
