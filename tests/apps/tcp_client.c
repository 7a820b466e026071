/*
 * tcp_client HOST PORT CLOSED_PORT: the guest's side of an active open,
 * for tests/system/test_tcp.py (the same binary runs on Linux).
 *
 * Against HOST:PORT (a test listener that echoes one line back, then shuts
 * its side down while still reading): blocking connect, a second connect
 * (EISCONN), the echo, EOF on the listener's FIN, data still sent after it
 * (half-close), then close.  Against HOST:CLOSED_PORT: a blocking connect
 * (ECONNREFUSED), and a non-blocking one (EINPROGRESS, then SO_ERROR
 * ECONNREFUSED once poll says it is done).  One "tcpc: ..." line per step,
 * errno by name, and "tcpc: done" last.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *errname(int e)
{
    switch (e) {
    case 0: return "0";
    case EAGAIN: return "EAGAIN";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EINPROGRESS: return "EINPROGRESS";
    case EALREADY: return "EALREADY";
    case EISCONN: return "EISCONN";
    case ENOTCONN: return "ENOTCONN";
    case EPIPE: return "EPIPE";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    case EADDRINUSE: return "EADDRINUSE";
    case EINVAL: return "EINVAL";
    default: return strerror(e);
    }
}

static struct sockaddr_in addr(const char *host, const char *port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port)) };

    if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
        fprintf(stderr, "tcpc: bad address %s\n", host);
        exit(2);
    }
    return sin;
}

static int try_connect(int fd, const struct sockaddr_in *sin)
{
    return connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) < 0 ? errno : 0;
}

int main(int argc, char **argv)
{
    static const char hello[] = "hello from the guest\n";
    static const char after[] = "sent after the host's FIN\n";
    char buf[256];
    size_t got = 0;
    ssize_t n;

    if (argc != 4) {
        fprintf(stderr, "usage: tcp_client HOST PORT CLOSED_PORT\n");
        return 2;
    }
    struct sockaddr_in peer = addr(argv[1], argv[2]), closed = addr(argv[1], argv[3]);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    printf("tcpc: connect: %s\n", errname(try_connect(fd, &peer)));
    printf("tcpc: connect again: %s\n", errname(try_connect(fd, &peer)));
    n = send(fd, hello, strlen(hello), MSG_NOSIGNAL);
    printf("tcpc: send: %zd\n", n);
    /* The listener echoes the line, then shuts its side: read up to EOF. */
    while ((n = recv(fd, buf + got, sizeof(buf) - got, 0)) > 0)
        got += (size_t)n;
    printf("tcpc: echo: %s\n", got == strlen(hello) && !memcmp(buf, hello, got) ? "equal" : "different");
    printf("tcpc: eof: %s\n", n == 0 ? "yes" : errname(errno));
    /* Half-close: our direction is still open. */
    n = send(fd, after, strlen(after), MSG_NOSIGNAL);
    printf("tcpc: send after eof: %zd\n", n);
    printf("tcpc: close: %d\n", close(fd));

    fd = socket(AF_INET, SOCK_STREAM, 0);
    printf("tcpc: connect closed port: %s\n", errname(try_connect(fd, &closed)));
    close(fd);

    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    printf("tcpc: nonblock connect closed port: %s\n", errname(try_connect(fd, &closed)));
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    int r = poll(&p, 1, 10000);
    int err = -1;
    socklen_t len = sizeof(err);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("tcpc: poll: %d%s%s%s\n", r, p.revents & POLLOUT ? " out" : "",
           p.revents & POLLERR ? " err" : "", p.revents & POLLHUP ? " hup" : "");
    printf("tcpc: SO_ERROR: %s\n", errname(err));
    close(fd);
    printf("tcpc: done\n");
    return 0;
}
